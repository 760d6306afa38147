/**
 * Runs claimed jobs: the handler for the job's type, then success or a failed attempt recorded
 * with the next try scheduled (or the job dead-lettered). Used by the action's own first try,
 * the in-process worker and the RabbitMQ worker alike.
 */
import type { Logger } from '../observability/logger';
import { AppError } from '../errors';
import { describeError, retryDelay, type CreateGuard, type FollowUp, type JobHandlers, type RetrySchedule } from './jobs';
import { LeaseKeeper } from './lease';
import { DEFAULT_LEASE_MS } from './config';
import type { Job, Outbox } from './outbox';

export type RunOutcome =
  | { status: 'done'; job: Job; result: unknown }
  /** Failed this time; scheduled again. */
  | { status: 'retrying'; job: Job; error: unknown }
  | { status: 'dead'; job: Job; error: unknown }
  /** Not ours to run: someone else holds it, it is finished, or our claim was taken over. */
  | { status: 'skipped'; job: Job | null };

export interface JobRunnerOptions {
  /** How long a claim holds before others may take the job over; longer than any attempt. */
  leaseMs?: number;
  schedule?: RetrySchedule;
  logger?: Logger;
  /** Observes every finished attempt (metrics, tests). */
  onOutcome?(outcome: RunOutcome): void;
}

export class JobRunner {
  readonly leaseMs: number;

  constructor(
    readonly outbox: Outbox,
    readonly handlers: JobHandlers,
    private readonly opts: JobRunnerOptions = {},
  ) {
    this.leaseMs = opts.leaseMs ?? DEFAULT_LEASE_MS;
  }

  /** Claims the job and runs it; `skipped` when it cannot be claimed (a live lease is never taken over). */
  async runNow(reference: string, opts: { onlyDue?: boolean } = {}): Promise<RunOutcome> {
    const job = await this.outbox.claim(reference, this.leaseMs, opts);
    if (!job) return { status: 'skipped', job: await this.outbox.get(reference) };
    return this.runClaimed(job);
  }

  /**
   * Runs a job this process has claimed. Never rejects for a handler failure. The lease is
   * renewed right before the handler starts (a holder that lost it, or cannot reach the store,
   * must not call the vendor: `skipped`, and the job is taken up again once the lease runs out)
   * and every third of the lease while it runs; the handler's signal aborts if it is lost.
   */
  async runClaimed(job: Job): Promise<RunOutcome> {
    const handler = this.handlers.get(job.type);
    let outcome: RunOutcome;
    if (!handler) {
      outcome = await this.failed(job, new AppError('unsupported', `No handler for job type '${job.type}'.`));
    } else {
      const lease = new LeaseKeeper(this.outbox, job, this.leaseMs, this.opts.logger);
      if (!(await lease.confirm())) {
        outcome = { status: 'skipped', job };
      } else {
        lease.start();
        try {
          const enqueueFollowUp = (f: FollowUp) => this.enqueueFollowUp(job, f, lease.signal);
          const result = await handler(job.payload, { job, signal: lease.signal, enqueueFollowUp, ...this.createGuard(job) });
          await lease.stop();
          const mine = await this.outbox.complete(job, result);
          outcome = mine ? { status: 'done', job: { ...job, status: 'done', result }, result } : { status: 'skipped', job };
          if (mine) this.opts.logger?.info('job delivered', { reference: job.reference, type: job.type, attempts: job.attempts });
        } catch (err) {
          await lease.stop();
          outcome = await this.failed(job, err);
        }
      }
    }
    this.opts.onOutcome?.(outcome);
    return outcome;
  }

  /**
   * What a create remembers across attempts, kept in the job's row under this claim: not the
   * attempt count, which `jobs retry` resets and a takeover does not explain.
   */
  private createGuard(job: Job): CreateGuard {
    return {
      // Only a job whose row says a create was sent needs the database's clock for its age.
      previousCreate: async () => (job.createAttemptedAt ? this.outbox.createAttempt(job.reference) : null),
      markCreateAttempted: () => this.outbox.markCreateAttempted(job),
      noteCreated: (id) => this.outbox.noteCreated(job, id),
    };
  }

  private async enqueueFollowUp(job: Job, f: FollowUp, signal: AbortSignal): Promise<void> {
    signal.throwIfAborted();
    await this.outbox.enqueue(this.outbox.store, { type: f.type, payload: f.payload, idempotencyKey: followUpKey(job.reference, f.key) });
  }

  private async failed(job: Job, err: unknown): Promise<RunOutcome> {
    const retryIn = retryDelay(job.attempts, err, this.opts.schedule);
    const status = await this.outbox.fail(job, describeError(err), retryIn);
    if (status === null) return { status: 'skipped', job };
    const log = { reference: job.reference, type: job.type, attempts: job.attempts, error: describeError(err) };
    if (status === 'dead') this.opts.logger?.error('job dead-lettered', log);
    else this.opts.logger?.warn('job attempt failed; will retry', { ...log, retryInMs: retryIn });
    return status === 'dead' ? { status: 'dead', job: { ...job, status }, error: err } : { status: 'retrying', job: { ...job, status }, error: err };
  }
}

/** The idempotency key of a job's follow-up: one per job and key, however often the job runs. */
export function followUpKey(reference: string, key: string): string {
  return `${reference}:${key}`;
}
