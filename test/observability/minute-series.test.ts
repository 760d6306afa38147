/** The console's per-minute series: windows, percentiles, the ring's bound and the outbox backlog. */
import { BacklogSeries, CallSeries, MAX_NAMES, OTHER, SAMPLES_PER_MINUTE, SeriesFamily, WINDOW_MINUTES, weightedPercentile } from '../../src/observability/minute-series';
import { Metrics } from '../../src/observability/metrics';

const MIN = 60_000;
const T0 = Date.UTC(2026, 11, 2, 14, 0, 0);

describe('weightedPercentile', () => {
  it('is the nearest rank: the smallest value whose share reaches q', () => {
    const ones = (vs: number[]) => vs.map((value) => ({ value, weight: 1 }));
    expect(weightedPercentile(ones([30, 10, 20]), 0.5)).toBe(20);
    expect(weightedPercentile(ones([30, 10, 20]), 0.95)).toBe(30);
    expect(weightedPercentile(ones([1, 2, 3, 4]), 0.5)).toBe(2);
    expect(weightedPercentile(ones(Array.from({ length: 100 }, (_, i) => i + 1)), 0.95)).toBe(95);
    expect(weightedPercentile([], 0.5)).toBeNull();
  });

  it('weighs a sample by the calls it stands for', () => {
    // 10 stands for 9 calls, 100 for one: the median is 10, p95 is 100.
    const samples = [{ value: 10, weight: 9 }, { value: 100, weight: 1 }];
    expect(weightedPercentile(samples, 0.5)).toBe(10);
    expect(weightedPercentile(samples, 0.95)).toBe(100);
  });
});

describe('CallSeries', () => {
  it('separates the last 5 minutes from the last hour', () => {
    const s = new CallSeries();
    // 40 minutes ago: 4 calls, 2 failed, slow.
    for (let i = 0; i < 4; i++) s.record(T0 - 40 * MIN, 400, i < 2);
    // This minute and 2 minutes ago: 6 calls, fast, one failed.
    for (const [at, ms, failed] of [[T0, 10, false], [T0, 20, false], [T0, 30, true], [T0 - 2 * MIN, 40, false], [T0 - 2 * MIN, 50, false], [T0 - 2 * MIN, 60, false]] as const) s.record(at, ms, failed);

    const now = T0 + 30_000;
    expect(s.summary(now, 5)).toEqual({ calls: 6, errors: 1, errorRate: 1 / 6, p50Ms: 30, p95Ms: 60 });
    const hour = s.summary(now, 60);
    expect(hour).toMatchObject({ calls: 10, errors: 3, errorRate: 0.3, p50Ms: 50, p95Ms: 400 });
  });

  it('gives one point per minute, zeros where nothing happened, oldest first', () => {
    const s = new CallSeries();
    s.record(T0 - 2 * MIN, 5, false);
    s.record(T0 - 2 * MIN + 59_000, 7, true);
    s.record(T0, 3, false);
    const points = s.points(T0 + 1_000, 5);
    expect(points.map((p) => p.calls)).toEqual([0, 0, 2, 0, 1]);
    expect(points.map((p) => p.errors)).toEqual([0, 0, 1, 0, 0]);
    expect(points[2]!.p95Ms).toBe(7);
    expect(points[4]!.at).toBe(T0);
    expect(s.points(T0, WINDOW_MINUTES)).toHaveLength(WINDOW_MINUTES);
  });

  it('forgets minutes older than the hour, even when their slot was not reused', () => {
    const s = new CallSeries();
    s.record(T0, 10, true);
    expect(s.summary(T0 + 59 * MIN, 60).calls).toBe(1);
    expect(s.summary(T0 + 60 * MIN, 60)).toEqual({ calls: 0, errors: 0, errorRate: 0, p50Ms: null, p95Ms: null });
    // The same slot an hour later starts afresh.
    s.record(T0 + 60 * MIN, 20, false);
    expect(s.summary(T0 + 60 * MIN, 60)).toMatchObject({ calls: 1, errors: 0, p50Ms: 20 });
  });

  it('keeps at most SAMPLES_PER_MINUTE latencies a minute, and still counts every call', () => {
    let r = 0;
    const s = new CallSeries(() => ((r = (r * 9301 + 49297) % 233280) / 233280));
    // 10,000 calls in one minute: 9,500 at 10 ms, then 500 at 1,000 ms.
    for (let i = 0; i < 10_000; i++) s.record(T0, i < 9_500 ? 10 : 1_000, false);
    const sum = s.summary(T0, 1);
    expect(sum.calls).toBe(10_000);
    expect(sum.p50Ms).toBe(10);
    const kept = (s as unknown as { ring: ({ samples: number[] } | undefined)[] }).ring.find(Boolean)!.samples;
    expect(kept.length).toBe(SAMPLES_PER_MINUTE);
    // A uniform sample keeps roughly 5 % slow ones (6 of 128 expected): some, not most.
    const slow = kept.filter((v) => v === 1_000).length;
    expect(slow).toBeGreaterThan(0);
    expect(slow).toBeLessThan(30);
  });
});

describe('SeriesFamily', () => {
  it('keeps each name apart with its last error and request id', () => {
    let now = T0;
    const f = new SeriesFamily(() => now);
    f.record('action_a', 12);
    f.record('action_b', 30, { kind: 'http_500', requestId: 'req-1' });
    now += 5_000;
    f.record('action_b', 40, { kind: 'unknown_action', requestId: 'req-2' });
    expect(f.names()).toEqual(['action_a', 'action_b']);
    expect(f.view('action_b')).toMatchObject({ last5m: { calls: 2, errors: 2, errorRate: 1 }, lastError: { kind: 'unknown_action', requestId: 'req-2', at: new Date(T0 + 5_000).toISOString() } });
    expect(f.view('action_a')!.lastError).toBeNull();
    expect(f.view('nope')).toBeNull();
  });

  it('folds names beyond MAX_NAMES into one, so memory stays bounded', () => {
    const f = new SeriesFamily(() => T0);
    for (let i = 0; i < MAX_NAMES + 50; i++) f.record(`n${i}`, 1);
    expect(f.names()).toHaveLength(MAX_NAMES + 1);
    expect(f.view(OTHER)!.last5m.calls).toBe(50);
  });
});

describe('BacklogSeries', () => {
  it('keeps the last sample of each minute and leaves unsampled minutes empty', () => {
    const b = new BacklogSeries();
    b.record(T0 - 2 * MIN, 4, 0);
    b.record(T0 - 2 * MIN + 30_000, 6, 1);
    b.record(T0, 2, 1);
    expect(b.points(T0, 4)).toEqual([
      { at: T0 - 3 * MIN, open: null, dead: null },
      { at: T0 - 2 * MIN, open: 6, dead: 1 },
      { at: T0 - MIN, open: null, dead: null },
      { at: T0, open: 2, dead: 1 },
    ]);
    expect(b.points(T0 + 61 * MIN, 60).every((p) => p.open === null)).toBe(true);
  });
});

describe('Metrics feeds the series', () => {
  it('counts any non-2xx action answer as failed, keeps request ids, and connector calls by connector', () => {
    let now = T0;
    const m = new Metrics({ defaultMetrics: false, now: () => now }).labelActions((n) => n === 'action_ok' || n === 'action_crash');
    m.recordCall({ requestId: 'r1', action: 'action_ok', senderId: 's', status: 200, durationMs: 8 });
    m.recordCall({ requestId: 'r2', action: 'action_crash', senderId: 's', status: 500, durationMs: 9 });
    m.recordCall({ requestId: 'r3', action: 'action_typo', senderId: 's', status: 404, durationMs: 1 });
    m.connectorCall('jira', 'createIssue', 'failure', 120, 'unavailable');
    m.connectorCall('jira', 'createIssue', 'success', 80);
    now += 1_000;
    m.outbox({ depth: 3, oldestAgeSeconds: 12, deadLetters: 1 });

    expect(m.actionSeries.view('action_ok')!.last5m).toMatchObject({ calls: 1, errors: 0 });
    expect(m.actionSeries.view('action_crash')!.lastError).toMatchObject({ kind: 'http_500', requestId: 'r2' });
    // An unknown name is one series ('unknown'), as in Prometheus.
    expect(m.actionSeries.view('unknown')!.lastError).toMatchObject({ kind: 'unknown_action', requestId: 'r3' });
    expect(m.actionSeries.names()).not.toContain('action_typo');
    expect(m.connectorSeries.view('jira')!.last5m).toMatchObject({ calls: 2, errors: 1, p50Ms: 80, p95Ms: 120 });
    expect(m.snapshot().failures.map((f) => [f.name, f.requestId])).toEqual([
      ['jira.createIssue', null],
      ['unknown', 'r3'],
      ['action_crash', 'r2'],
    ]);
    expect(m.backlog.points(now, 1)).toEqual([{ at: T0, open: 3, dead: 1 }]);
  });
});
