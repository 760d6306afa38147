/**
 * What the built-in ops console charts: per action and per connector, calls, errors and latency
 * in one-minute buckets over the last hour, plus the outbox backlog sampled each minute. A ring
 * of 60 buckets per name, each keeping at most `SAMPLES_PER_MINUTE` latencies (a reservoir), so
 * memory is bounded whatever the traffic; Prometheus keeps the long history, this is the page's.
 */

export const WINDOW_MINUTES = 60;
/** Latencies kept per name and minute; beyond it a uniform sample of the minute's calls is kept. */
export const SAMPLES_PER_MINUTE = 128;
/** Names tracked; any further one is folded into OTHER (callers already bound their names). */
export const MAX_NAMES = 200;
export const OTHER = '(other)';

const MINUTE_MS = 60_000;

interface CallBucket {
  minute: number;
  calls: number;
  errors: number;
  samples: number[];
}

export interface CallSummary {
  calls: number;
  errors: number;
  /** errors / calls; 0 without calls. */
  errorRate: number;
  /** Nearest-rank percentiles of the window's latencies (ms); null without calls. */
  p50Ms: number | null;
  p95Ms: number | null;
}

export interface MinutePoint {
  /** Start of the minute, ms since the epoch. */
  at: number;
  calls: number;
  errors: number;
  p95Ms: number | null;
}

export interface LastError {
  at: string;
  kind: string;
  requestId: string | null;
}

const minuteOf = (ms: number): number => Math.floor(ms / MINUTE_MS);

/**
 * Nearest-rank percentile over weighted samples (a reservoir stands for more calls than it
 * holds): the smallest value whose cumulative weight reaches q of the total.
 */
export function weightedPercentile(samples: readonly { value: number; weight: number }[], q: number): number | null {
  if (samples.length === 0) return null;
  const sorted = [...samples].sort((a, b) => a.value - b.value);
  const total = sorted.reduce((sum, s) => sum + s.weight, 0);
  const target = q * total;
  let cumulative = 0;
  for (const s of sorted) {
    cumulative += s.weight;
    // A little slack: weights are fractions, and q * total should not miss by a rounding error.
    if (cumulative >= target - 1e-9) return s.value;
  }
  return sorted[sorted.length - 1]!.value;
}

/** One name's ring of minute buckets. */
export class CallSeries {
  private readonly ring: (CallBucket | undefined)[] = new Array<CallBucket | undefined>(WINDOW_MINUTES);

  constructor(private readonly random: () => number = Math.random) {}

  record(atMs: number, durationMs: number, failed: boolean): void {
    const minute = minuteOf(atMs);
    const slot = minute % WINDOW_MINUTES;
    let b = this.ring[slot];
    if (!b || b.minute !== minute) this.ring[slot] = b = { minute, calls: 0, errors: 0, samples: [] };
    b.calls++;
    if (failed) b.errors++;
    if (b.samples.length < SAMPLES_PER_MINUTE) b.samples.push(durationMs);
    else {
      // Reservoir sampling: every call of the minute has the same chance to be kept.
      const j = Math.floor(this.random() * b.calls);
      if (j < SAMPLES_PER_MINUTE) b.samples[j] = durationMs;
    }
  }

  /** The buckets of the last `minutes` minutes up to `nowMs`, oldest first (missing ones absent). */
  private window(nowMs: number, minutes: number): CallBucket[] {
    const last = minuteOf(nowMs);
    const first = last - Math.min(minutes, WINDOW_MINUTES) + 1;
    return this.ring.filter((b): b is CallBucket => b !== undefined && b.minute >= first && b.minute <= last).sort((a, b) => a.minute - b.minute);
  }

  summary(nowMs: number, minutes: number): CallSummary {
    const buckets = this.window(nowMs, minutes);
    const calls = buckets.reduce((n, b) => n + b.calls, 0);
    const errors = buckets.reduce((n, b) => n + b.errors, 0);
    const weighted = buckets.flatMap((b) => b.samples.map((value) => ({ value, weight: b.calls / b.samples.length })));
    return { calls, errors, errorRate: calls === 0 ? 0 : errors / calls, p50Ms: weightedPercentile(weighted, 0.5), p95Ms: weightedPercentile(weighted, 0.95) };
  }

  /** One point per minute of the window, zeros where nothing happened (a chart needs them). */
  points(nowMs: number, minutes: number): MinutePoint[] {
    const byMinute = new Map(this.window(nowMs, minutes).map((b) => [b.minute, b]));
    const last = minuteOf(nowMs);
    const out: MinutePoint[] = [];
    for (let m = last - Math.min(minutes, WINDOW_MINUTES) + 1; m <= last; m++) {
      const b = byMinute.get(m);
      out.push({
        at: m * MINUTE_MS,
        calls: b?.calls ?? 0,
        errors: b?.errors ?? 0,
        p95Ms: b ? weightedPercentile(b.samples.map((value) => ({ value, weight: 1 })), 0.95) : null,
      });
    }
    return out;
  }
}

export interface BacklogPoint {
  at: number;
  /** Open jobs (pending, queued, running) at the minute's last sample; null: not sampled. */
  open: number | null;
  dead: number | null;
}

/** The outbox backlog, the last sample of each minute. */
export class BacklogSeries {
  private readonly ring: ({ minute: number; open: number; dead: number } | undefined)[] = new Array(WINDOW_MINUTES);

  record(atMs: number, open: number, dead: number): void {
    const minute = minuteOf(atMs);
    this.ring[minute % WINDOW_MINUTES] = { minute, open, dead };
  }

  points(nowMs: number, minutes: number): BacklogPoint[] {
    const last = minuteOf(nowMs);
    const out: BacklogPoint[] = [];
    for (let m = last - Math.min(minutes, WINDOW_MINUTES) + 1; m <= last; m++) {
      const b = this.ring[m % WINDOW_MINUTES];
      const hit = b !== undefined && b.minute === m;
      out.push({ at: m * MINUTE_MS, open: hit ? b.open : null, dead: hit ? b.dead : null });
    }
    return out;
  }
}

export interface NamedSeriesView {
  name: string;
  last5m: CallSummary;
  last1h: CallSummary;
  lastError: LastError | null;
  /** Per minute over the last hour, oldest first. */
  points: MinutePoint[];
}

/** A family of series by name (the actions, or the connectors), with each one's last error. */
export class SeriesFamily {
  private readonly series = new Map<string, CallSeries>();
  private readonly lastErrors = new Map<string, LastError>();

  constructor(
    private readonly now: () => number = Date.now,
    private readonly random: () => number = Math.random,
  ) {}

  private key(name: string): string {
    return this.series.has(name) || this.series.size < MAX_NAMES ? name : OTHER;
  }

  record(name: string, durationMs: number, error?: { kind: string; requestId?: string | null }): void {
    const key = this.key(name);
    let s = this.series.get(key);
    if (!s) this.series.set(key, (s = new CallSeries(this.random)));
    const at = this.now();
    s.record(at, durationMs, error !== undefined);
    if (error) this.lastErrors.set(key, { at: new Date(at).toISOString(), kind: error.kind, requestId: error.requestId ?? null });
  }

  names(): string[] {
    return [...this.series.keys()].sort();
  }

  view(name: string): NamedSeriesView | null {
    const s = this.series.get(name);
    if (!s) return null;
    const now = this.now();
    return { name, last5m: s.summary(now, 5), last1h: s.summary(now, WINDOW_MINUTES), lastError: this.lastErrors.get(name) ?? null, points: s.points(now, WINDOW_MINUTES) };
  }

  views(): NamedSeriesView[] {
    return this.names().map((n) => this.view(n)!);
  }
}
