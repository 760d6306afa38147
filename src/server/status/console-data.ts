/**
 * What the console shows, as data (`/status.json` answers exactly this): the actions and
 * connectors this process saw (its own minute series), and the outbox as the store has it, so
 * every replica and worker sharing the PostgreSQL shows the same jobs and counts.
 */
import type { OutboxCounts } from '../../observability/events';
import type { CircuitState, Failure, Metrics } from '../../observability/metrics';
import { CallSeries, WINDOW_MINUTES, type BacklogPoint, type NamedSeriesView } from '../../observability/minute-series';
import type { Job, JobStatus } from '../../delivery/outbox';

/** The outbox operations the console uses: the CLI's own queries (`jobs list/show/retry`). */
export interface ConsoleOutbox {
  counts(): Promise<OutboxCounts>;
  list(filter: { status?: JobStatus; type?: string; olderThanSeconds?: number; limit?: number }): Promise<Job[]>;
  get(reference: string): Promise<Job | null>;
  retry(reference: string): Promise<boolean>;
}

export interface ConnectorView extends NamedSeriesView {
  breaker: CircuitState;
  /** Since this process started. */
  totalCalls: number;
  totalErrors: number;
  /** Calls that had to wait for the connector's quota (since start). */
  quotaWaits: number;
}

export interface OutboxView {
  /** `store`: counted in the database now; `sample`: this process's last measurement; `none`: no outbox here. */
  source: 'store' | 'sample' | 'none';
  counts: Record<JobStatus, number> | null;
  open: number;
  dead: number;
  /** Age of the oldest job not yet done or dead; null when there is none. */
  oldestOpenAgeSeconds: number | null;
  backlog: BacklogPoint[];
  /** Why the store could not be read (the rest of the page still works). */
  error?: string;
}

export interface ConsoleData {
  generatedAt: string;
  role: string;
  windowMinutes: number;
  actions: NamedSeriesView[];
  connectors: ConnectorView[];
  outbox: OutboxView;
  failures: Failure[];
}

const EMPTY_SUMMARY = { calls: 0, errors: 0, errorRate: 0, p50Ms: null, p95Ms: null };

async function outboxView(metrics: Metrics, outbox: ConsoleOutbox | undefined): Promise<OutboxView> {
  const backlog = metrics.backlog.points(metrics.now(), WINDOW_MINUTES);
  if (outbox) {
    try {
      const c = await outbox.counts();
      const open = c.pending + c.queued + c.running;
      // Measured now: the chart's current minute shows it too, not only the poller's samples.
      metrics.backlog.record(metrics.now(), open, c.dead);
      return {
        source: 'store',
        counts: { pending: c.pending, queued: c.queued, running: c.running, done: c.done, dead: c.dead },
        open,
        dead: c.dead,
        oldestOpenAgeSeconds: open === 0 ? null : c.oldestOpenAgeSeconds,
        backlog: metrics.backlog.points(metrics.now(), WINDOW_MINUTES),
      };
    } catch (err) {
      return { source: 'none', counts: null, open: 0, dead: 0, oldestOpenAgeSeconds: null, backlog, error: `the store did not answer: ${(err as Error).message}` };
    }
  }
  const sample = metrics.snapshot().outbox;
  if (!sample) return { source: 'none', counts: null, open: 0, dead: 0, oldestOpenAgeSeconds: null, backlog };
  return { source: 'sample', counts: null, open: sample.depth, dead: sample.deadLetters, oldestOpenAgeSeconds: sample.depth === 0 ? null : sample.oldestAgeSeconds, backlog };
}

export async function consoleData(metrics: Metrics, outbox: ConsoleOutbox | undefined, role: string): Promise<ConsoleData> {
  const snapshot = metrics.snapshot();
  const names = [...new Set([...snapshot.connectors.map((c) => c.name), ...metrics.connectorSeries.names()])].sort();
  const now = metrics.now();
  const connectors = names.map((name): ConnectorView => {
    const totals = snapshot.connectors.find((c) => c.name === name);
    const series = metrics.connectorSeries.view(name) ?? {
      name,
      last5m: EMPTY_SUMMARY,
      last1h: EMPTY_SUMMARY,
      lastError: null,
      points: new CallSeries().points(now, WINDOW_MINUTES),
    };
    return { ...series, breaker: totals?.breaker ?? 'closed', totalCalls: totals?.calls ?? 0, totalErrors: totals?.errors ?? 0, quotaWaits: totals?.throttled ?? 0 };
  });
  return {
    generatedAt: new Date(now).toISOString(),
    role,
    windowMinutes: WINDOW_MINUTES,
    actions: metrics.actionSeries.views(),
    connectors,
    outbox: await outboxView(metrics, outbox),
    failures: snapshot.failures,
  };
}
