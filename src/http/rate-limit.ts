/**
 * Inbound limits on POST /webhook: per client IP (checked before the body is read, so a flooding
 * client costs no buffering or parsing) and per sender (checked once the tracker names the
 * conversation, before the action runs). Both are off unless configured: behind a Rasa server
 * every call comes from one IP, and the right per-conversation budget depends on the assistant.
 */
import type { RateDecision, RateLimiter, RateLimiters } from '../ratelimit';
import { AppError } from '../errors';

export interface InboundLimitsConfig {
  RATE_LIMIT_IP_PER_MINUTE?: number;
  RATE_LIMIT_SENDER_PER_MINUTE?: number;
}

export interface InboundLimits {
  ip?: RateLimiter;
  sender?: RateLimiter;
}

export function inboundLimits(config: InboundLimitsConfig, limiters: RateLimiters): InboundLimits {
  return {
    ip: config.RATE_LIMIT_IP_PER_MINUTE ? limiters.limiter('ip', { points: config.RATE_LIMIT_IP_PER_MINUTE, durationSeconds: 60 }) : undefined,
    sender: config.RATE_LIMIT_SENDER_PER_MINUTE ? limiters.limiter('sender', { points: config.RATE_LIMIT_SENDER_PER_MINUTE, durationSeconds: 60 }) : undefined,
  };
}

const MESSAGES = {
  ip: 'Too many requests: slow down and retry after the time in Retry-After.',
  sender: 'This conversation is sending requests faster than allowed; it can go on in a moment.',
} as const;

/**
 * The error a refused call becomes; error-mapping turns it into 429 JSON with Retry-After, the
 * same way for the IP limit (answered before the body is read) and the sender limit.
 */
export function throttled(scope: keyof typeof MESSAGES, decision: RateDecision): AppError {
  return new AppError('rate_limited', MESSAGES[scope], { retryAfterSeconds: decision.retryAfterMs / 1000 });
}
