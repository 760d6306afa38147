/**
 * What the rest of the house reports to metrics and the audit log, declared here (by the side
 * that listens) so observability depends on nothing above it: the channels report calls, the
 * connectors' gateway reports outbound calls and breaker changes, the outbox reports its depth.
 */

/** One finished action call (any channel). */
export interface CallRecord {
  requestId: string;
  action: string | null;
  senderId: string | null;
  status: number;
  durationMs: number;
}

export type BreakerState = 'closed' | 'open' | 'half_open' | 'isolated';

/** Sees every outbound call the gateway finishes, each retry and each breaker change. */
export interface GatewayObserver {
  callFinished(event: { connector: string; operation: string; durationMs: number; errorKind?: string }): void;
  retried(connector: string): void;
  breakerChanged(connector: string, state: BreakerState): void;
  /** A call waited for the connector's quota. */
  throttled?(connector: string): void;
}

/** The outbox by status, as measured for metrics. */
export interface OutboxCounts {
  pending: number;
  queued: number;
  running: number;
  done: number;
  dead: number;
  /** Age in seconds of the oldest job not yet done or dead (0 when there is none). */
  oldestOpenAgeSeconds: number;
}
