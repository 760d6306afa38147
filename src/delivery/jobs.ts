/**
 * Job handlers by type, and the retry schedule between attempts of a job (the gateway retries
 * within one attempt; this spaces out whole attempts over minutes, for a vendor that is down).
 */
import { AppError, type ErrorKind } from '../errors';
import type { CreateAttempt, Job } from './outbox';

/**
 * How a handler that creates something keeps it to one: it asks whether an earlier attempt may
 * have created it (then verifies at the vendor first), and records each create before sending it.
 */
export interface CreateGuard {
  /**
   * The latest create an earlier attempt sent, whoever ran it and however the job was started
   * again (retry, takeover, `jobs retry`, restart); null when none was ever sent.
   */
  previousCreate(): Promise<CreateAttempt | null>;
  /** Durably records that a create is about to be sent; rejects (and nothing may be sent) when the job was lost. */
  markCreateAttempted(): Promise<void>;
  /** Keeps the vendor's id of what was created, for a later attempt should the outcome not be recorded. */
  noteCreated(id: string): Promise<void>;
}

/** For work run without an outbox: nothing was sent before, and there is nowhere to record. */
export const UNGUARDED: CreateGuard = {
  previousCreate: async () => null,
  markCreateAttempted: async () => undefined,
  noteCreated: async () => undefined,
};

/**
 * The vendor cannot tell yet whether an earlier create happened (its search lags behind its
 * writes): the attempt fails, to be tried again once a "not there" can be believed.
 */
export class AwaitingConsistency extends AppError {
  constructor(
    readonly waitMs: number,
    message: string,
  ) {
    super('upstream_unavailable', message, { code: 'awaiting_consistency' });
  }
}

/** A job that follows from this one once its effect exists (a notification about the ticket it filed). */
export interface FollowUp {
  type: string;
  payload: unknown;
  /** Tells this job's follow-ups apart; with the job's reference it is the follow-up's idempotency key. */
  key: string;
}

export interface JobContext extends CreateGuard {
  job: Job;
  /**
   * Writes the follow-up to the same outbox. Every attempt that gets this far writes the same
   * one (its key is this job's), so a retried or taken-over job never adds a second.
   */
  enqueueFollowUp(followUp: FollowUp): Promise<void>;
  /**
   * Aborts when this attempt lost its lease on the job (taken over, or the store unreachable
   * for too long): no vendor call may start after that, since another holder may be making it.
   */
  signal: AbortSignal;
}

/** Does the job's side effect; resolves with what to record as its result (JSON). */
export type JobHandler = (payload: unknown, ctx: JobContext) => Promise<unknown>;

export class JobHandlers {
  private readonly handlers = new Map<string, JobHandler>();

  register(type: string, handler: JobHandler): this {
    this.handlers.set(type, handler);
    return this;
  }

  get(type: string): JobHandler | undefined {
    return this.handlers.get(type);
  }

  types(): string[] {
    return [...this.handlers.keys()];
  }
}

export interface RetrySchedule {
  /** Delay after the first failed attempt; doubles each attempt. */
  baseMs: number;
  maxMs: number;
  random?: () => number;
}

export const DEFAULT_SCHEDULE: RetrySchedule = { baseMs: 2_000, maxMs: 5 * 60_000 };

/** Failures that trying again later cannot fix: the job goes to the dead letters at once. */
const PERMANENT: ReadonlySet<ErrorKind> = new Set(['validation', 'auth', 'forbidden', 'not_found', 'conflict', 'too_large', 'unsupported']);

export function isPermanent(err: unknown): boolean {
  return err instanceof AppError && PERMANENT.has(err.kind);
}

/**
 * Milliseconds until the next attempt after `attempts` failed ones, or null when the failure is
 * permanent. Exponential with jitter over the upper half, so retries spread out but never come
 * sooner than half the step; a vendor's Retry-After (or an open breaker's pause) is a floor.
 */
export function retryDelay(attempts: number, err: unknown, schedule: RetrySchedule = DEFAULT_SCHEDULE): number | null {
  if (isPermanent(err)) return null;
  // Waiting out a vendor's consistency window is not backing off: neither doubled nor capped.
  if (err instanceof AwaitingConsistency) return Math.max(1, Math.ceil(err.waitMs));
  const random = schedule.random ?? Math.random;
  const step = Math.min(schedule.maxMs, schedule.baseMs * 2 ** Math.max(0, attempts - 1));
  const delay = step / 2 + random() * (step / 2);
  const floor = err instanceof AppError && err.retryAfterSeconds !== undefined ? err.retryAfterSeconds * 1000 : 0;
  return Math.round(Math.max(delay, Math.min(floor, schedule.maxMs)));
}

export function describeError(err: unknown): string {
  if (err instanceof AppError) return `${err.kind}: ${err.message}`;
  if (err instanceof Error) return `${err.name}: ${err.message}`;
  return String(err);
}
