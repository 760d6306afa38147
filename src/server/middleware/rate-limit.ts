/**
 * Inbound limits on POST /webhook: per client IP (checked before the body is read, so a flooding
 * client costs no buffering or parsing) and per sender (checked once the tracker names the
 * conversation, before the action runs). Both are off unless configured: behind a Rasa server
 * every call comes from one IP, and the right per-conversation budget depends on the assistant.
 */
import type { RateDecision, RateLimiter, RateLimiters } from '../../ratelimit';
import { AppError } from '../../sdk/errors';

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

export const retryAfterSeconds = (d: RateDecision): number => Math.max(1, Math.ceil(d.retryAfterMs / 1000));

export const RATE_LIMITED_BODY = { error: 'Too many requests: slow down and retry after the time in Retry-After.', code: 'rate_limited' } as const;

/** Thrown (and mapped to 429 with Retry-After) when one conversation calls faster than allowed. */
export function senderThrottled(decision: RateDecision): AppError {
  return new AppError('rate_limited', "This conversation is sending requests faster than allowed; it can go on in a moment.", {
    retryAfterSeconds: retryAfterSeconds(decision),
  });
}
