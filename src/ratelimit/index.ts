/**
 * Rate limits for inbound requests (per client IP, per sender) and outbound calls (per connector),
 * counted by rate-limiter-flexible: in this process by default, in Redis when REDIS_URL is set so
 * that every server and worker process draws from the same quota.
 *
 * A Redis outage must not take the bot down with it: each Redis limiter has an in-memory
 * insurance limiter that counts while Redis is unreachable (limits then hold per process).
 */
import type { Redis } from 'ioredis';
import type { RateLimiterAbstract, RateLimiterMemory, RateLimiterRedis, RateLimiterRes } from 'rate-limiter-flexible';
import { requireOptional } from '../errors/optional-package';
import type { Logger } from '../observability/logger';
import { boundedId } from '../observability/bounded-id';
import type { QuotaCounter } from './quota';
import { RedisQuotaCounter } from './redis-quota';

export { MemoryQuotaCounter, type Quota, type QuotaCounter, type QuotaTake } from './quota';

/** `points` requests per `durationSeconds` window. */
export interface RateRule {
  points: number;
  durationSeconds: number;
}

export interface RateDecision {
  allowed: boolean;
  /** Until the window frees a point (0 when allowed). */
  retryAfterMs: number;
}

export interface RateLimiter {
  readonly rule: RateRule;
  consume(key: string): Promise<RateDecision>;
  /** Points used by `key` in its current window (without using one). */
  used(key: string): Promise<number>;
  /** Uses one point of `key` even past the limit (a failure being counted); returns the points used. */
  charge(key: string): Promise<number>;
}

export interface RateLimiters {
  readonly store: 'memory' | 'redis';
  /** One limiter per `name` (e.g. `ip`, `sender`, `connector`); the same name returns the same limiter. */
  limiter(name: string, rule: RateRule): RateLimiter;
  /** Atomic multi-key quotas in the shared Redis; absent when counting in process. */
  readonly quotas?: QuotaCounter;
  /**
   * Resolves once Redis answers, or after `timeoutMs` (limits then count in process until it
   * does). Start-up awaits it so the first requests already count against the shared quota.
   */
  connected(timeoutMs?: number): Promise<boolean>;
  close(): Promise<void>;
}

export interface RateLimitersOptions {
  /** redis:// or rediss:// URL; absent = in-process counting. */
  redisUrl?: string;
  /** Prefix of every Redis key, so deployments (or tests) sharing a Redis do not share quotas. */
  keyPrefix?: string;
  logger?: Logger;
}

const ALLOWED: RateDecision = { allowed: true, retryAfterMs: 0 };

interface Flexible {
  RateLimiterMemory: typeof RateLimiterMemory;
  RateLimiterRedis: typeof RateLimiterRedis;
  RateLimiterRes: typeof RateLimiterRes;
}

/** The library is loaded with the first limit configured: without any, a server never needs it (~0.7 MB of heap). */
function flexible(): Flexible {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  return require('rate-limiter-flexible') as Flexible;
}

class FlexibleLimiter implements RateLimiter {
  constructor(
    readonly rule: RateRule,
    private readonly impl: RateLimiterAbstract,
    private readonly logger?: Logger,
  ) {}

  // Keys are often what a caller chose (a conversation id): a long one is counted under its hash,
  // so a 1 MB id costs Redis (or memory) a bounded key for the whole window.
  async consume(key: string): Promise<RateDecision> {
    try {
      await this.impl.consume(boundedId(key));
      return ALLOWED;
    } catch (rejection) {
      if (rejection instanceof flexible().RateLimiterRes) return { allowed: false, retryAfterMs: Math.max(1, rejection.msBeforeNext) };
      // Only a store failure without insurance lands here; a limiter must not turn into an outage.
      this.logger?.warn('rate limiter failed; request let through', { error: rejection });
      return ALLOWED;
    }
  }

  async used(key: string): Promise<number> {
    const res = await this.impl.get(boundedId(key)).catch(() => null);
    return res?.consumedPoints ?? 0;
  }

  async charge(key: string): Promise<number> {
    const res = await this.impl.penalty(boundedId(key), 1).catch(() => null);
    return res?.consumedPoints ?? 0;
  }
}

/** rate-limiter-flexible counts in whole seconds for Redis TTLs. */
function checkRule(name: string, rule: RateRule): void {
  if (!Number.isInteger(rule.points) || rule.points < 1) throw new Error(`rate limit '${name}': points must be a positive integer`);
  if (!Number.isInteger(rule.durationSeconds) || rule.durationSeconds < 1) throw new Error(`rate limit '${name}': duration must be a whole number of seconds`);
}

export function createRateLimiters(opts: RateLimitersOptions = {}): RateLimiters {
  const made = new Map<string, RateLimiter>();
  const keyPrefix = opts.keyPrefix ?? 'actionbridge:rl';
  let redis: Redis | undefined;
  if (opts.redisUrl) {
    // Loaded only when asked for: most single-process deployments never need it.
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const { Redis: IORedis } = requireOptional('ioredis', 'REDIS_URL', () => require('ioredis') as { Redis: typeof Redis });
    // No offline queue: while Redis is away a limit check fails at once (to the insurance
    // limiter) instead of piling up behind a reconnect. A short disconnectTimeout: ioredis arms
    // it at disconnect() even when the socket already died, and it would hold the process open.
    redis = new IORedis(opts.redisUrl, { enableOfflineQueue: false, maxRetriesPerRequest: 1, connectTimeout: 2_000, disconnectTimeout: 100 });
    let warned = false;
    redis.on('error', (err: Error) => {
      if (warned) return;
      warned = true;
      opts.logger?.warn('Redis for rate limits is unreachable; limits count per process until it is back', { error: err.message });
    });
    redis.on('ready', () => (warned = false));
  }
  const store = redis;
  const waiting = new Set<(ok: boolean) => void>();
  let closed = false;
  return {
    store: store ? 'redis' : 'memory',
    quotas: store ? new RedisQuotaCounter(store, keyPrefix) : undefined,
    limiter(name, rule) {
      const existing = made.get(name);
      if (existing) return existing;
      checkRule(name, rule);
      const { RateLimiterMemory: Memory, RateLimiterRedis: InRedis } = flexible();
      const memory = new Memory({ points: rule.points, duration: rule.durationSeconds, keyPrefix: name });
      const impl: RateLimiterAbstract = store
        ? new InRedis({
            storeClient: store,
            points: rule.points,
            duration: rule.durationSeconds,
            keyPrefix: `${keyPrefix}:${name}`,
            rejectIfRedisNotReady: true,
            insuranceLimiter: memory,
          })
        : memory;
      const limiter = new FlexibleLimiter(rule, impl, opts.logger);
      made.set(name, limiter);
      return limiter;
    },
    async connected(timeoutMs = 2_000) {
      if (!store) return true;
      if (store.status === 'ready') return true;
      if (closed) return false;
      return new Promise<boolean>((resolve) => {
        const done = (ok: boolean) => {
          clearTimeout(timer);
          store.off('ready', onReady);
          waiting.delete(done);
          resolve(ok);
        };
        const onReady = () => done(true);
        const timer = setTimeout(() => done(false), timeoutMs);
        store.on('ready', onReady);
        waiting.add(done);
      });
    },
    async close() {
      if (!store) return;
      closed = true;
      // A pending wait would otherwise keep the process alive until its timeout.
      for (const done of [...waiting]) done(false);
      // quit() waits for a reply, so only a connected client gets one; the rest stop reconnecting.
      if (store.status === 'ready') await store.quit().catch(() => store.disconnect());
      else store.disconnect();
    },
  };
}

/** `100/10s`, `3/1s`, `60/1m`, `off`: how operators write a rule in the environment. */
export function parseRateRule(text: string): RateRule | null | undefined {
  const s = text.trim().toLowerCase();
  if (s === 'off' || s === 'none' || s === '0') return null;
  const m = /^(\d+)\s*\/\s*(\d*)\s*(s|m|h)?$/.exec(s);
  if (!m) return undefined;
  const count = m[2] ? Number(m[2]) : 1;
  const unit = { s: 1, m: 60, h: 3600 }[(m[3] ?? 's') as 's' | 'm' | 'h'];
  const rule = { points: Number(m[1]), durationSeconds: count * unit };
  return rule.points > 0 && rule.durationSeconds > 0 ? rule : undefined;
}
