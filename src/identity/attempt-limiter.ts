/**
 * Failed verifications per key (the conversation) in a sliding window, in memory. Enough for one
 * process; several replicas each count their own, so the effective limit is per replica.
 */
import type { AttemptLimiter } from '../ports/identity';
import { boundedId } from '../observability/bounded-id';

export interface SlidingWindowOptions {
  /** Failures within the window after which the key is blocked. */
  maxFailures?: number;
  windowMs?: number;
  /** Keys remembered at most; the least recently failed are forgotten first. */
  maxKeys?: number;
  now?: () => number;
  /** Called once each time a key becomes blocked (for an audit log line). */
  onBlocked?(key: string): void;
}

export class SlidingWindowLimiter implements AttemptLimiter {
  readonly maxFailures: number;
  readonly windowMs: number;
  private readonly maxKeys: number;
  private readonly now: () => number;
  private readonly onBlocked?: (key: string) => void;
  private readonly failures = new Map<string, number[]>();

  constructor(opts: SlidingWindowOptions = {}) {
    this.maxFailures = opts.maxFailures ?? 5;
    this.windowMs = opts.windowMs ?? 15 * 60_000;
    this.maxKeys = opts.maxKeys ?? 10_000;
    this.now = opts.now ?? Date.now;
    this.onBlocked = opts.onBlocked;
  }

  isBlocked(key: string): boolean {
    return this.recent(boundedId(key)).length >= this.maxFailures;
  }

  recordFailure(raw: string): void {
    // A long key (a conversation id the caller chose) is kept as its hash: bounded memory per key.
    const key = boundedId(raw);
    const list = this.recent(key);
    list.push(this.now());
    if (list.length === this.maxFailures) this.onBlocked?.(key);
    // Re-inserting moves the key to the end, so the first key in the map is the stalest.
    this.failures.delete(key);
    this.failures.set(key, list);
    while (this.failures.size > this.maxKeys) {
      const oldest = this.failures.keys().next().value;
      if (oldest === undefined) break;
      this.failures.delete(oldest);
    }
  }

  private recent(key: string): number[] {
    const list = this.failures.get(key);
    if (!list) return [];
    const since = this.now() - this.windowMs;
    const kept = list.filter((t) => t > since);
    if (kept.length === 0) this.failures.delete(key);
    else if (kept.length !== list.length) this.failures.set(key, kept);
    return kept;
  }
}
