/**
 * The one door every outbound call goes through. Per connector: a bulkhead (max concurrent calls),
 * an overall deadline, retries with exponential backoff and full jitter that honour Retry-After,
 * a circuit breaker, and a per-attempt timeout. The SDKs' own retries are turned off by each
 * adapter so that this is the only layer that retries.
 *
 * Order, outside in: bulkhead → deadline → retry → quota → breaker → attempt timeout → fn.
 * The breaker sits inside the retry so each attempt counts and an open breaker fails the call
 * at once instead of being retried. The quota (the connector's rate limit) is taken per attempt,
 * because every attempt is a request the vendor counts; waiting for it is not a vendor failure,
 * so it stays outside the breaker.
 */
import { setTimeout as sleep } from 'node:timers/promises';
import {
  BrokenCircuitError,
  BulkheadRejectedError,
  CircuitState,
  ConsecutiveBreaker,
  DelegateBackoff,
  IsolatedCircuitError,
  TaskCancelledError,
  TimeoutStrategy,
  bulkhead,
  circuitBreaker,
  handleWhen,
  retry,
  timeout,
  type BulkheadPolicy,
  type CircuitBreakerPolicy,
  type IRetryBackoffContext,
  type TimeoutPolicy,
} from 'cockatiel';
import type { Logger } from '../../observability/logger';
import { inSpan, spanEvent, tracingEnabled } from '../../observability/tracing';
import { createRateLimiters, type RateLimiter, type RateLimiters, type RateRule } from '../../ratelimit';
import { ConnectorError, fromNetworkError } from './connector-error';
import type { BreakerState, GatewayObserver } from '../../observability/events';

export type { BreakerState, GatewayObserver };

export interface ConnectorPolicy {
  /** Per attempt; the SDK call is abandoned (and its signal aborted) after this. */
  attemptTimeoutMs: number;
  /** For the whole call including retries and backoff. */
  deadlineMs: number;
  /** Total attempts, the first one included. */
  maxAttempts: number;
  initialDelayMs: number;
  maxDelayMs: number;
  /** A Retry-After longer than this is not waited for: the call fails with rate_limited. */
  maxRetryAfterMs: number;
  /** Consecutive failed attempts that open the breaker. */
  breakerThreshold: number;
  /** How long an open breaker fails fast before letting one probe through. */
  halfOpenAfterMs: number;
  maxConcurrent: number;
  maxQueued: number;
  /** Requests per window the vendor allows us (shared by every process when REDIS_URL is set); null = none. */
  rateLimit: RateRule | null;
  /** How long a call may wait for quota before failing with rate_limited (users are waiting). */
  maxQuotaWaitMs: number;
}

export const DEFAULT_POLICY: ConnectorPolicy = {
  attemptTimeoutMs: 10_000,
  deadlineMs: 25_000,
  maxAttempts: 3,
  initialDelayMs: 200,
  maxDelayMs: 5_000,
  maxRetryAfterMs: 10_000,
  breakerThreshold: 5,
  halfOpenAfterMs: 30_000,
  maxConcurrent: 10,
  maxQueued: 100,
  rateLimit: null,
  maxQuotaWaitMs: 5_000,
};

/** Turns whatever a connector's SDK threw into our taxonomy; one per connector. */
export type ErrorNormalizer = (err: unknown) => ConnectorError | undefined;

export interface CallOptions {
  /** Safe to repeat after an ambiguous failure (reads, upserts by key, PUT-like updates). */
  idempotent: boolean;
  signal?: AbortSignal;
}

interface ConnectorLane {
  policy: ConnectorPolicy;
  normalize: ErrorNormalizer;
  bulkhead: BulkheadPolicy;
  breaker: CircuitBreakerPolicy;
  attemptTimeout: TimeoutPolicy;
  deadline: TimeoutPolicy;
  quota?: RateLimiter;
}

export interface GatewayOptions {
  logger?: Logger;
  /** Overrides for every connector. */
  defaults?: Partial<ConnectorPolicy>;
  /** Overrides per connector name. */
  policies?: Record<string, Partial<ConnectorPolicy>>;
  /** Injectable randomness for jitter (tests). */
  random?: () => number;
  /** Observes each retry decision (metrics, tests). */
  onRetry?(event: RetryEvent): void;
  /** Sees every finished call and breaker change (metrics, the status page). */
  observer?: GatewayObserver;
  /** Where connector quotas count; default in this process. */
  rateLimiters?: RateLimiters;
}

export interface RetryEvent {
  connector: string;
  operation: string;
  attempt: number;
  delayMs: number;
  error: unknown;
}

export class Gateway {
  private readonly lanes = new Map<string, ConnectorLane>();
  /** Each vendor's own policy (src/connectors/providers.ts), under the overrides of `opts.policies`. */
  private readonly vendorPolicies = new Map<string, Partial<ConnectorPolicy>>();
  private readonly random: () => number;
  private rateLimiters?: RateLimiters;

  constructor(private readonly opts: GatewayOptions = {}) {
    this.random = opts.random ?? Math.random;
  }

  /** The vendors' own policies, for connectors registered from now on (a registered lane keeps its policy). */
  usePolicies(byConnector: Record<string, Partial<ConnectorPolicy>>): this {
    for (const [connector, policy] of Object.entries(byConnector)) this.vendorPolicies.set(connector, policy);
    return this;
  }

  /**
   * Declares a connector and how to read its errors. Re-registering keeps the existing breaker.
   * Policy, later wins: DEFAULT_POLICY, `defaults`, the vendor's policy, `policy`, `policies[connector]`.
   */
  register(connector: string, normalize: ErrorNormalizer, policy: Partial<ConnectorPolicy> = {}): void {
    if (this.lanes.has(connector)) return;
    const merged: ConnectorPolicy = { ...DEFAULT_POLICY, ...this.opts.defaults, ...this.vendorPolicies.get(connector), ...policy, ...this.opts.policies?.[connector] };
    const breaker = circuitBreaker(
      handleWhen((e) => e instanceof ConnectorError && e.kind === 'upstream_unavailable'),
      { halfOpenAfter: merged.halfOpenAfterMs, breaker: new ConsecutiveBreaker(merged.breakerThreshold) },
    );
    breaker.onStateChange((state) => {
      this.opts.logger?.warn('connector circuit changed', { connector, state: stateName(state) });
      this.opts.observer?.breakerChanged(connector, stateName(state));
    });
    this.lanes.set(connector, {
      policy: merged,
      normalize,
      bulkhead: bulkhead(merged.maxConcurrent, merged.maxQueued),
      breaker,
      // abortOnReturn off: an aborted attempt signal then means "timed out", nothing else.
      attemptTimeout: timeout(merged.attemptTimeoutMs, { strategy: TimeoutStrategy.Aggressive, abortOnReturn: false }),
      deadline: timeout(merged.deadlineMs, TimeoutStrategy.Aggressive),
      quota: merged.rateLimit ? this.limiters().limiter(`connector:${connector}:${merged.rateLimit.points}/${merged.rateLimit.durationSeconds}s`, merged.rateLimit) : undefined,
    });
  }

  private limiters(): RateLimiters {
    return (this.rateLimiters ??= this.opts.rateLimiters ?? createRateLimiters({ logger: this.opts.logger }));
  }

  policyOf(connector: string): ConnectorPolicy {
    return this.lane(connector).policy;
  }

  breakerState(connector: string): BreakerState {
    return stateName(this.lane(connector).breaker.state);
  }

  /**
   * Runs `fn` (one SDK call) under the connector's policies. `fn` gets a signal that aborts when
   * the attempt times out; SDKs that accept one should pass it on. Always rejects with a
   * ConnectorError.
   */
  call<T>(connector: string, operation: string, fn: (signal: AbortSignal) => Promise<T>, opts: CallOptions): Promise<T> {
    if (!tracingEnabled()) return this.callUnderPolicies(connector, operation, fn, opts);
    return inSpan(`${connector} ${operation}`, 'client', { 'actionbridge.connector': connector, 'actionbridge.operation': operation, 'actionbridge.idempotent': opts.idempotent }, (span) =>
      this.callUnderPolicies(connector, operation, fn, opts).catch((err: unknown) => {
        if (err instanceof ConnectorError) span?.setAttribute('actionbridge.error_kind', err.kind);
        throw err;
      }),
    );
  }

  private async callUnderPolicies<T>(connector: string, operation: string, fn: (signal: AbortSignal) => Promise<T>, opts: CallOptions): Promise<T> {
    const lane = this.lane(connector);
    const { policy } = lane;
    const retryable = (e: Error) =>
      e instanceof ConnectorError &&
      (e.retry === 'safe' || (opts.idempotent && e.retry === 'if_idempotent')) &&
      (e.retryAfterSeconds === undefined || e.retryAfterSeconds * 1000 <= policy.maxRetryAfterMs);
    const retryPolicy = retry(handleWhen(retryable), {
      maxAttempts: Math.max(0, policy.maxAttempts - 1),
      backoff: new DelegateBackoff((ctx: IRetryBackoffContext<unknown>) => this.delayFor(policy, ctx)),
    });
    retryPolicy.onRetry((r) => {
      const error = 'error' in r ? r.error : undefined;
      this.opts.onRetry?.({ connector, operation, attempt: r.attempt, delayMs: r.delay, error });
      this.opts.observer?.retried(connector);
      spanEvent('retry', { attempt: r.attempt, delay_ms: Math.round(r.delay) });
      this.opts.logger?.warn('retrying connector call', {
        connector,
        operation,
        attempt: r.attempt,
        delayMs: Math.round(r.delay),
        reason: error instanceof Error ? error.message : 'result',
      });
    });

    const attempt = async (signal: AbortSignal) => {
      await this.takeQuota(connector, lane, signal);
      // A retry whose call was abandoned (deadline, or the caller's signal) runs on in the
      // background after the call rejected: it must not send its request then.
      if (signal.aborted) throw this.normalize(connector, operation, lane, new TaskCancelledError());
      return lane.breaker.execute(async () => {
        let attemptSignal: AbortSignal | undefined;
        try {
          return await lane.attemptTimeout.execute((_ctx, s) => fn((attemptSignal = s)), signal);
        } catch (err) {
          // An SDK that honours the signal rejects with its own abort error before the timeout
          // policy does; it is still our timeout.
          const timedOut = attemptSignal?.aborted && !signal.aborted && !(err instanceof ConnectorError);
          throw this.normalize(connector, operation, lane, timedOut ? new TaskCancelledError() : err);
        }
      }, signal);
    };

    const started = performance.now();
    try {
      const result = await lane.bulkhead.execute(
        () => lane.deadline.execute((_ctx, deadlineSignal) => retryPolicy.execute(({ signal }) => attempt(signal), deadlineSignal), opts.signal),
        opts.signal,
      );
      this.opts.observer?.callFinished({ connector, operation, durationMs: performance.now() - started });
      return result;
    } catch (err) {
      const failure = this.normalize(connector, operation, lane, err);
      this.opts.observer?.callFinished({ connector, operation, durationMs: performance.now() - started, errorKind: failure.kind });
      // The action tells the user; this tells the operator (a refused token shows up only here).
      this.opts.logger?.[failure.kind === 'auth' || failure.kind === 'forbidden' ? 'error' : 'warn']('connector call failed', {
        connector,
        operation,
        kind: failure.kind,
        status: failure.status,
        vendorCode: failure.vendorCode,
        reason: failure.message,
      });
      throw failure;
    }
  }

  /**
   * Waits for a point of the connector's quota, as long as that fits in `maxQuotaWaitMs`; past
   * that the call fails with rate_limited (and the outbox tries a queued job again later).
   */
  private async takeQuota(connector: string, lane: ConnectorLane, signal: AbortSignal): Promise<void> {
    if (!lane.quota) return;
    const giveUpAt = performance.now() + lane.policy.maxQuotaWaitMs;
    for (;;) {
      const decision = await lane.quota.consume(connector);
      if (decision.allowed) return;
      if (performance.now() + decision.retryAfterMs > giveUpAt) {
        const { points, durationSeconds } = lane.quota.rule;
        throw new ConnectorError('rate_limited', `Our request quota for ${connector} (${points} per ${durationSeconds} s) is used up for now.`, {
          connector,
          vendorCode: 'quota_exhausted',
          retry: 'never',
          retryAfterSeconds: Math.ceil(decision.retryAfterMs / 1000),
        });
      }
      this.opts.observer?.throttled?.(connector);
      // Waiters spread out a little so they do not all hit the new window in the same tick.
      await sleep(decision.retryAfterMs + this.random() * 25, undefined, { signal });
    }
  }

  /** Full jitter over the exponential step, or exactly what Retry-After asked for. */
  private delayFor(policy: ConnectorPolicy, ctx: IRetryBackoffContext<unknown>): number {
    const error = 'error' in ctx.result ? ctx.result.error : undefined;
    if (error instanceof ConnectorError && error.retryAfterSeconds !== undefined) {
      return Math.min(error.retryAfterSeconds * 1000, policy.maxRetryAfterMs);
    }
    const ceiling = Math.min(policy.maxDelayMs, policy.initialDelayMs * 2 ** (ctx.attempt - 1));
    return this.random() * ceiling;
  }

  private normalize(connector: string, operation: string, lane: ConnectorLane, err: unknown): ConnectorError {
    const normalized = this.classify(connector, lane, err);
    normalized.operation ??= operation;
    return normalized;
  }

  private classify(connector: string, lane: ConnectorLane, err: unknown): ConnectorError {
    if (err instanceof ConnectorError) return err;
    if (err instanceof BrokenCircuitError || err instanceof IsolatedCircuitError) {
      return new ConnectorError('upstream_unavailable', `${connector} is failing; calls are paused for a while.`, {
        connector,
        vendorCode: 'circuit_open',
        retry: 'never',
        retryAfterSeconds: Math.ceil(lane.policy.halfOpenAfterMs / 1000),
        cause: err,
      });
    }
    if (err instanceof BulkheadRejectedError) {
      return new ConnectorError('upstream_unavailable', `Too many calls to ${connector} at once.`, { connector, vendorCode: 'bulkhead_full', retry: 'safe', cause: err });
    }
    if (err instanceof TaskCancelledError) {
      return new ConnectorError('upstream_unavailable', `${connector} did not answer in time.`, { connector, vendorCode: 'timeout', retry: 'if_idempotent', cause: err });
    }
    return (
      lane.normalize(err) ??
      fromNetworkError(connector, err) ??
      new ConnectorError('upstream_unavailable', `${connector} failed unexpectedly: ${err instanceof Error ? err.message : String(err)}`, {
        connector,
        retry: 'never',
        cause: err,
      })
    );
  }

  private lane(connector: string): ConnectorLane {
    const lane = this.lanes.get(connector);
    if (!lane) throw new Error(`Connector '${connector}' is not registered with the gateway.`);
    return lane;
  }
}

function stateName(state: CircuitState): BreakerState {
  switch (state) {
    case CircuitState.Open:
      return 'open';
    case CircuitState.HalfOpen:
      return 'half_open';
    case CircuitState.Isolated:
      return 'isolated';
    default:
      return 'closed';
  }
}
