/**
 * Inbound limits on POST /webhook, the IP limit also on Dialogflow's routes: per client IP
 * (checked before the body is read, so a flooding client costs no buffering or parsing) and per
 * sender (checked once the tracker names the conversation, before the action runs). Both are off unless configured: behind a Rasa server
 * every call comes from one IP, and the right per-conversation budget depends on the assistant.
 */
import type { RateDecision, RateLimiter, RateLimiters } from '../ratelimit';
import type { NextFunction, Request, Response } from 'express';
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
 * The IP limit as Express middleware, for the inbound routes Express serves (Dialogflow): the
 * same counter as /webhook's, taken before the body is read. A failing limiter lets the call
 * through, as on /webhook: a limiter must not turn into an outage.
 */
export function ipLimit(limiter: RateLimiter | undefined, onRefused?: () => void) {
  return (req: Request, _res: Response, next: NextFunction): void => {
    if (!limiter) return next();
    limiter.consume(req.socket.remoteAddress ?? 'unknown').then(
      (decision) => {
        if (decision.allowed) return next();
        onRefused?.();
        next(throttled('ip', decision));
      },
      () => next(),
    );
  };
}

/**
 * The error a refused call becomes; error-mapping turns it into 429 JSON with Retry-After, the
 * same way for the IP limit (answered before the body is read) and the sender limit.
 */
export function throttled(scope: keyof typeof MESSAGES, decision: RateDecision): AppError {
  return new AppError('rate_limited', MESSAGES[scope], { retryAfterSeconds: decision.retryAfterMs / 1000 });
}
