/**
 * Fixed-window request limits per key (client IP, sender), in memory. Cheap enough for the
 * /webhook hot path: one Map lookup and an integer compare per request. Windows are swept lazily
 * so a flood of distinct keys cannot grow the map without bound.
 */
export interface RateDecision {
  allowed: boolean;
  /** Seconds until the window resets (for Retry-After). */
  retryAfterSeconds: number;
}

export class WindowLimiter {
  private windowStart = 0;
  private counts = new Map<string, number>();

  constructor(
    private readonly limit: number,
    private readonly windowMs: number,
    private readonly now: () => number = Date.now,
  ) {}

  hit(key: string): RateDecision {
    const t = this.now();
    if (t - this.windowStart >= this.windowMs) {
      // A new window: every key starts over, and the old keys go with the old map.
      this.windowStart = t;
      this.counts = new Map();
    }
    const n = (this.counts.get(key) ?? 0) + 1;
    this.counts.set(key, n);
    const retryAfterSeconds = Math.max(1, Math.ceil((this.windowStart + this.windowMs - t) / 1000));
    return { allowed: n <= this.limit, retryAfterSeconds };
  }
}

export const RATE_LIMITED_BODY = { error: 'Too many requests: slow down and retry after the time in Retry-After.', code: 'rate_limited' } as const;
