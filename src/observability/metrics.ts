/**
 * Prometheus metrics. Each server owns its Registry (not prom-client's global one) so tests can
 * run several servers in one process without duplicate-metric errors.
 */
import type { BreakerState, CallRecord, GatewayObserver, OutboxCounts } from './events';
import type { VerificationLimit } from '../ports/identity';
import { collectDefaultMetrics, Counter, Gauge, Histogram, Registry } from 'prom-client';
import { BacklogSeries, SeriesFamily } from './minute-series';

/** The label value of every action name the server does not know. */
export const UNKNOWN_ACTION = 'unknown';

export type ActionOutcome = 'success' | 'rejected' | 'unknown_action' | 'domain_needed' | 'rate_limited' | 'invalid_request' | 'error';

/** Maps a finished /webhook call's status to an outcome label (a small fixed set keeps cardinality bounded). */
export function actionOutcome(status: number, action: string | null): ActionOutcome {
  if (status >= 200 && status < 300) return 'success';
  if (status === 400 && action) return 'rejected';
  if (status === 404) return 'unknown_action';
  if (status === 449) return 'domain_needed';
  if (status === 429) return 'rate_limited';
  if (status >= 400 && status < 500) return 'invalid_request';
  return 'error';
}

export type CircuitState = 'closed' | 'half-open' | 'open';
const CIRCUIT_VALUE: Record<CircuitState, number> = { closed: 0, 'half-open': 1, open: 2 };
/** An isolated breaker (held open by hand) refuses calls like an open one. */
const FROM_BREAKER: Record<BreakerState, CircuitState> = { closed: 'closed', half_open: 'half-open', open: 'open', isolated: 'open' };

export interface OutboxStatsSample {
  depth: number;
  oldestAgeSeconds: number | null;
  deadLetters: number;
}

/** Open jobs are the ones not yet done or dead. */
export function outboxSample(c: OutboxCounts): OutboxStatsSample {
  return { depth: c.pending + c.queued + c.running, oldestAgeSeconds: c.oldestOpenAgeSeconds, deadLetters: c.dead };
}

export interface Failure {
  at: string;
  /** `connector` or `action`. */
  source: string;
  name: string;
  kind: string;
  /** The X-Request-Id of the failed call; null for outbound calls (they run in jobs, not requests). */
  requestId: string | null;
}

interface ConnectorStatus {
  calls: number;
  errors: number;
  breaker: CircuitState;
  /** Calls that waited for the connector's quota. */
  throttled: number;
  /** Recent latencies (ms) for the status page's p95; a small ring, not the histogram. */
  recent: number[];
}

export interface StatusSnapshot {
  connectors: { name: string; breaker: CircuitState; calls: number; errors: number; errorRate: number; p95Ms: number | null; throttled: number }[];
  outbox: OutboxStatsSample | null;
  failures: Failure[];
}

const RECENT = 200;
const FAILURES = 20;

function p95(values: number[]): number | null {
  if (values.length === 0) return null;
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.ceil(0.95 * sorted.length) - 1)]!;
}

export class Metrics {
  readonly registry = new Registry();
  private readonly connectors = new Map<string, ConnectorStatus>();
  private readonly failures: Failure[] = [];
  private lastOutbox: OutboxStatsSample | null = null;
  /** The ops console's per-minute series (last hour): per action, per connector, the outbox backlog. */
  readonly actionSeries: SeriesFamily;
  readonly connectorSeries: SeriesFamily;
  readonly backlog = new BacklogSeries();
  readonly now: () => number;
  private readonly actionRequests = new Counter({ name: 'actionbridge_action_requests_total', help: 'Action calls by action and outcome.', labelNames: ['action', 'outcome'], registers: [this.registry] });
  private readonly actionDuration = new Histogram({
    name: 'actionbridge_action_duration_seconds',
    help: 'Action call latency by action and outcome.',
    labelNames: ['action', 'outcome'],
    buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
    registers: [this.registry],
  });
  private readonly connectorCalls = new Counter({ name: 'actionbridge_connector_calls_total', help: 'Outbound connector calls.', labelNames: ['connector', 'operation', 'outcome'], registers: [this.registry] });
  private readonly connectorErrors = new Counter({ name: 'actionbridge_connector_errors_total', help: 'Outbound connector errors by kind.', labelNames: ['connector', 'kind'], registers: [this.registry] });
  private readonly connectorDuration = new Histogram({
    name: 'actionbridge_connector_duration_seconds',
    help: 'Outbound connector call latency.',
    labelNames: ['connector', 'operation'],
    buckets: [0.01, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30],
    registers: [this.registry],
  });
  private readonly connectorRetries = new Counter({ name: 'actionbridge_connector_retries_total', help: 'Outbound connector retries.', labelNames: ['connector'], registers: [this.registry] });
  private readonly circuitState = new Gauge({ name: 'actionbridge_connector_circuit_state', help: 'Circuit breaker state: 0 closed, 1 half-open, 2 open.', labelNames: ['connector'], registers: [this.registry] });
  private readonly rateLimited = new Counter({ name: 'actionbridge_rate_limited_total', help: 'Inbound requests refused by a rate limit, by scope (ip, sender).', labelNames: ['scope'], registers: [this.registry] });
  private readonly verificationsRefused = new Counter({
    name: 'actionbridge_verification_refused_total',
    help: 'Identity verifications refused unevaluated because a failure limit was spent, by limit (sender, email, order, global).',
    labelNames: ['limit'],
    registers: [this.registry],
  });
  private readonly connectorThrottled = new Counter({ name: 'actionbridge_connector_throttled_total', help: 'Outbound calls that waited for the connector quota.', labelNames: ['connector'], registers: [this.registry] });
  private readonly outboxDepth = new Gauge({ name: 'actionbridge_outbox_depth', help: 'Open outbox jobs.', registers: [this.registry] });
  private readonly outboxOldest = new Gauge({ name: 'actionbridge_outbox_oldest_age_seconds', help: 'Age of the oldest open outbox job.', registers: [this.registry] });
  private readonly deadLetters = new Gauge({ name: 'actionbridge_dead_letters', help: 'Jobs that exhausted their retries.', registers: [this.registry] });

  /**
   * Which action names may become label values. A caller names any action it likes, and every
   * distinct label value is a time series kept forever: only names the server knows are labels,
   * every other one is counted under `unknown`.
   */
  private isKnownAction: (name: string) => boolean = () => false;

  constructor(opts: { defaultMetrics?: boolean; now?: () => number } = {}) {
    this.now = opts.now ?? Date.now;
    this.actionSeries = new SeriesFamily(this.now);
    this.connectorSeries = new SeriesFamily(this.now);
    if (opts.defaultMetrics !== false) collectDefaultMetrics({ register: this.registry });
  }

  /** Declares the action names that are label values (the server's registered actions). */
  labelActions(isKnown: (name: string) => boolean): this {
    this.isKnownAction = isKnown;
    return this;
  }

  /** The server's `onCall` hook: label lookups and two observations, cheap enough for the hot path. */
  readonly recordCall = (call: CallRecord): void => {
    const action = call.action === null ? '' : this.isKnownAction(call.action) ? call.action : UNKNOWN_ACTION;
    const labels = { action, outcome: actionOutcome(call.status, call.action) };
    this.actionRequests.inc(labels);
    this.actionDuration.observe(labels, call.durationMs / 1000);
    if (labels.outcome === 'rate_limited') this.rateLimited.inc({ scope: 'sender' });
    // For the console any answer but a 2xx failed the call (Rasa sees it so); the kind says which.
    const failedKind = labels.outcome === 'success' ? undefined : labels.outcome === 'error' ? `http_${call.status}` : labels.outcome;
    this.actionSeries.record(labels.action || '(none)', call.durationMs, failedKind === undefined ? undefined : { kind: failedKind, requestId: call.requestId });
    if (labels.outcome === 'error' || labels.outcome === 'unknown_action') this.failed('action', labels.action, failedKind!, call.requestId);
  };

  /** A verification attempt refused by a spent limit (the label is one of four fixed names). */
  verificationRefused(limit: VerificationLimit): void {
    this.verificationsRefused.inc({ limit });
  }

  private failed(source: string, name: string, kind: string, requestId: string | null = null): void {
    this.failures.push({ at: new Date(this.now()).toISOString(), source, name, kind, requestId });
    if (this.failures.length > FAILURES) this.failures.shift();
  }

  private connector(name: string): ConnectorStatus {
    let c = this.connectors.get(name);
    if (!c) this.connectors.set(name, (c = { calls: 0, errors: 0, breaker: 'closed', throttled: 0, recent: [] }));
    return c;
  }

  /** What the ops status page shows. */
  snapshot(): StatusSnapshot {
    return {
      connectors: [...this.connectors].map(([name, c]) => ({
        name,
        breaker: c.breaker,
        calls: c.calls,
        errors: c.errors,
        errorRate: c.calls === 0 ? 0 : c.errors / c.calls,
        p95Ms: p95(c.recent),
        throttled: c.throttled,
      })),
      outbox: this.lastOutbox,
      failures: [...this.failures].reverse(),
    };
  }

  connectorCall(connector: string, operation: string, outcome: 'success' | 'failure', durationMs: number, errorKind?: string): void {
    this.connectorCalls.inc({ connector, operation, outcome });
    this.connectorDuration.observe({ connector, operation }, durationMs / 1000);
    if (outcome === 'failure') this.connectorErrors.inc({ connector, kind: errorKind ?? 'unknown' });
    this.connectorSeries.record(connector, durationMs, outcome === 'failure' ? { kind: errorKind ?? 'unknown' } : undefined);
    const c = this.connector(connector);
    c.calls++;
    c.recent.push(durationMs);
    if (c.recent.length > RECENT) c.recent.shift();
    if (outcome === 'failure') {
      c.errors++;
      this.failed('connector', `${connector}.${operation}`, errorKind ?? 'unknown');
    }
  }

  /** A request refused before its body was read (the per-IP limit). */
  readonly refusedByIpLimit = (): void => {
    this.rateLimited.inc({ scope: 'ip' });
  };

  connectorRetry(connector: string): void {
    this.connectorRetries.inc({ connector });
  }

  circuit(connector: string, state: CircuitState): void {
    this.circuitState.set({ connector }, CIRCUIT_VALUE[state]);
    this.connector(connector).breaker = state;
  }

  outbox(stats: OutboxStatsSample): void {
    this.outboxDepth.set(stats.depth);
    this.outboxOldest.set(stats.oldestAgeSeconds ?? 0);
    this.deadLetters.set(stats.deadLetters);
    this.lastOutbox = stats;
    this.backlog.record(this.now(), stats.depth, stats.deadLetters);
  }

  /** Pass as `GatewayOptions.observer`. */
  gatewayObserver(): GatewayObserver {
    return {
      callFinished: (e) => this.connectorCall(e.connector, e.operation, e.errorKind ? 'failure' : 'success', e.durationMs, e.errorKind),
      retried: (connector) => this.connectorRetry(connector),
      breakerChanged: (connector, state) => this.circuit(connector, FROM_BREAKER[state]),
      throttled: (connector) => {
        this.connectorThrottled.inc({ connector });
        this.connector(connector).throttled++;
      },
    };
  }

  contentType(): string {
    return this.registry.contentType;
  }

  render(): Promise<string> {
    return this.registry.metrics();
  }
}
