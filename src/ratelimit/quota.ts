/**
 * Counters that several limits are taken from at once, atomically: either every quota gives one
 * unit or none does. Verification guesses use them so that a burst of concurrent attempts can
 * never be evaluated past a limit (the count is taken before the work, not after).
 */

/** One unit of `key` per attempt, at most `limit` within a fixed window of `windowMs`. */
export interface Quota {
  key: string;
  limit: number;
  windowMs: number;
}

export type QuotaTake =
  /** Every quota gave a unit; `giveBack` returns them (the attempt turned out not to count). */
  | { taken: true; giveBack(): Promise<void> }
  /** The quota at this index of the request was spent; nothing was taken. */
  | { taken: false; spent: number };

export interface QuotaCounter {
  readonly where: 'memory' | 'redis' | 'store';
  take(quotas: readonly Quota[]): Promise<QuotaTake>;
}

interface Window {
  used: number;
  endsAt: number;
}

/** In this process only: for tests and tools; servers count in Redis or the store. */
export class MemoryQuotaCounter implements QuotaCounter {
  readonly where = 'memory';
  private readonly windows = new Map<string, Window>();

  constructor(
    private readonly now: () => number = Date.now,
    /** Keys remembered at most; the stalest are forgotten first. */
    private readonly maxKeys = 10_000,
  ) {}

  async take(quotas: readonly Quota[]): Promise<QuotaTake> {
    const now = this.now();
    // Checked and taken in one synchronous pass: nothing can interleave in between.
    const spent = quotas.findIndex((q) => this.current(q.key, now).used >= q.limit);
    if (spent >= 0) return { taken: false, spent };
    const taken = quotas.map((q) => {
      const w = this.current(q.key, now);
      const next = { used: w.used + 1, endsAt: w.used === 0 ? now + q.windowMs : w.endsAt };
      this.windows.delete(q.key);
      this.windows.set(q.key, next);
      return { key: q.key, window: next };
    });
    this.forgetStalest();
    return {
      taken: true,
      giveBack: async () => {
        for (const { key, window } of taken) if (this.windows.get(key) === window && window.used > 0) window.used -= 1;
      },
    };
  }

  private current(key: string, now: number): Window {
    const w = this.windows.get(key);
    return w && w.endsAt > now ? w : { used: 0, endsAt: 0 };
  }

  private forgetStalest(): void {
    while (this.windows.size > this.maxKeys) {
      const oldest = this.windows.keys().next().value;
      if (oldest === undefined) break;
      this.windows.delete(oldest);
    }
  }
}
