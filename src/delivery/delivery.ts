/**
 * What actions use to hand over a side effect that must not be lost: the job is written to the
 * outbox (with any local change, in one transaction), then tried at once within a short budget
 * so the user usually gets the ticket key straight away. If the budget runs out or the vendor
 * fails for now, the user gets the job's reference and a worker finishes it later.
 */
import type { Logger } from '../observability/logger';
import { AppError, type ErrorKind } from '../errors';
import type { Queryable, Transaction } from '../store';
import type { JobRunner, RunOutcome } from './job-runner';
import type { Job, JobSpec, Outbox } from './outbox';

export type Submitted =
  | { state: 'done'; reference: string; result: unknown }
  /** Accepted and will be delivered later (retrying, or still running when the budget ran out). */
  | { state: 'queued'; reference: string }
  /** Not accepted by the vendor for good (e.g. validation); the job is in the dead letters. */
  | { state: 'failed'; reference: string; error: AppError };

export interface SubmitOptions {
  /** Overrides the default budget for trying the job at once (0: queue only). */
  budgetMs?: number;
  /** A local change to commit in the same transaction as the job. */
  local?(tx: Transaction): Promise<void>;
}

export interface DeliveryOptions {
  /** How long an action waits for the job before answering with its reference (default 3 s). */
  budgetMs?: number;
  /** Poll interval while waiting on a job another process is running. */
  pollMs?: number;
  logger?: Logger;
  /** Called after a job is written, so an idle worker or relay can look at once. */
  onEnqueued?(job: Job): void;
}

export class Delivery {
  readonly budgetMs: number;
  private readonly pollMs: number;
  /** Attempts still running after their caller stopped waiting; awaited on shutdown. */
  private readonly inFlight = new Set<Promise<unknown>>();

  constructor(
    readonly outbox: Outbox,
    readonly runner: JobRunner,
    private readonly opts: DeliveryOptions = {},
  ) {
    this.budgetMs = opts.budgetMs ?? 3_000;
    this.pollMs = opts.pollMs ?? 100;
  }

  async submit(spec: JobSpec, opts: SubmitOptions = {}): Promise<Submitted> {
    const budgetMs = opts.budgetMs ?? this.budgetMs;
    const enqueue = (db: Queryable) => this.outbox.enqueue(db, { ...spec, holdMs: spec.holdMs ?? budgetMs });
    const local = opts.local;
    // The job alone is one statement, which commits by itself: no BEGIN and COMMIT round trips
    // (two of three on the always-queue hot path). A local change shares its transaction.
    const { job, created } = local
      ? await this.outbox.store.transaction(async (tx) => {
          await local(tx);
          return enqueue(tx);
        })
      : await enqueue(this.outbox.store);
    if (created) this.opts.onEnqueued?.(job);
    const settled = asSubmitted(job);
    if (settled) return settled;
    return runWithBudget(this.runner, job.reference, budgetMs, {
      pollMs: this.pollMs,
      logger: this.opts.logger,
      track: (attempt) => {
        this.inFlight.add(attempt);
        void attempt.finally(() => this.inFlight.delete(attempt));
      },
    });
  }

  /** Waits (up to `timeoutMs`) for attempts that outlived their budget, before the store closes. */
  async drain(timeoutMs: number): Promise<void> {
    if (this.inFlight.size === 0) return;
    let timer: NodeJS.Timeout | undefined;
    await Promise.race([Promise.allSettled([...this.inFlight]), new Promise<void>((resolve) => (timer = setTimeout(resolve, timeoutMs)))]);
    clearTimeout(timer);
  }

  /** Whether this process knows how to deliver jobs of this type (e.g. a webhook is configured). */
  supports(type: string): boolean {
    return this.runner.handlers.get(type) !== undefined;
  }

  /** A job by its reference (for status questions and the CLI). */
  status(reference: string): Promise<Job | null> {
    return this.outbox.get(reference);
  }
}

/**
 * Tries to finish the job within `budgetMs`. The attempt is not abandoned when the budget runs
 * out: it goes on in the background and records its own outcome; the caller just stops waiting.
 */
export async function runWithBudget(
  runner: JobRunner,
  reference: string,
  budgetMs: number,
  opts: { pollMs?: number; logger?: Logger; track?(attempt: Promise<unknown>): void } = {},
): Promise<Submitted> {
  if (budgetMs <= 0) return { state: 'queued', reference };
  const deadline = Date.now() + budgetMs;
  const run = runner.runNow(reference).catch((err: unknown): null => {
    opts.logger?.error('job attempt crashed', { reference, error: err });
    return null;
  });
  opts.track?.(run);
  let timer: NodeJS.Timeout | undefined;
  const outOfTime = new Promise<'timeout'>((resolve) => (timer = setTimeout(() => resolve('timeout'), budgetMs)));
  try {
    const outcome = await Promise.race([run, outOfTime]);
    if (outcome === 'timeout' || outcome === null) return { state: 'queued', reference };
    const direct = fromOutcome(outcome);
    if (direct) return direct;
    // Someone else holds the job (Rasa re-sent the call while the first one is running): wait
    // for their result within what is left of the budget.
    while (Date.now() < deadline) {
      await new Promise((resolve) => setTimeout(resolve, Math.min(opts.pollMs ?? 100, Math.max(1, deadline - Date.now()))));
      const job = await runner.outbox.get(reference);
      const settled = job && asSubmitted(job);
      if (settled) return settled;
    }
    return { state: 'queued', reference };
  } finally {
    clearTimeout(timer);
  }
}

function fromOutcome(outcome: RunOutcome): Submitted | null {
  switch (outcome.status) {
    case 'done':
      return { state: 'done', reference: outcome.job.reference, result: outcome.result };
    case 'retrying':
      return { state: 'queued', reference: outcome.job.reference };
    case 'dead':
      return { state: 'failed', reference: outcome.job.reference, error: toAppError(outcome.error, outcome.job.lastError) };
    default:
      return outcome.job ? asSubmitted(outcome.job) : null;
  }
}

/** A job that is already finished, as the answer to a (re-sent) submission; null when open. */
export function asSubmitted(job: Job): Submitted | null {
  if (job.status === 'done') return { state: 'done', reference: job.reference, result: job.result };
  if (job.status === 'dead') return { state: 'failed', reference: job.reference, error: toAppError(undefined, job.lastError) };
  return null;
}

const KINDS: ReadonlySet<string> = new Set<ErrorKind>(['validation', 'auth', 'forbidden', 'not_found', 'conflict', 'too_large', 'unsupported', 'upstream_unavailable', 'rate_limited']);

/** The failure as an AppError; a stored one is rebuilt from its "kind: message" text. */
function toAppError(err: unknown, stored: string | null): AppError {
  if (err instanceof AppError) return err;
  const m = /^([a-z_]+): ([\s\S]*)$/.exec(stored ?? '');
  if (m && KINDS.has(m[1]!)) return new AppError(m[1] as ErrorKind, m[2]!);
  return new AppError('upstream_unavailable', stored ?? (err instanceof Error ? err.message : 'The request could not be delivered.'));
}
