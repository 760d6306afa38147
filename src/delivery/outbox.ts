/**
 * The transactional outbox over the store. A job is written with `enqueue` inside the caller's
 * transaction; from then on exactly one party at a time holds it (a claim with a lease and a
 * token), and only the holder of the latest claim can finish it.
 *
 * Claiming uses `FOR UPDATE SKIP LOCKED`, so several processes on one PostgreSQL take different
 * jobs without waiting on each other; on the embedded store there is one connection, and the
 * same SQL simply runs alone.
 */
import { randomUUID } from 'node:crypto';
import { FieldCipherError, PLAINTEXT, type FieldCipher, type Queryable, type Store } from '../store';
import { EnqueueBatcher, insertOne, type InsertedJobRow, type NewJobRow } from './enqueue-batch';
import { jobReferenceFor } from './job-reference';
import type { OutboxCounts } from '../observability/events';

export type { OutboxCounts };

export const JOB_STATUSES = ['pending', 'queued', 'running', 'done', 'dead'] as const;
export type JobStatus = (typeof JOB_STATUSES)[number];

export interface JobSpec {
  type: string;
  payload: unknown;
  /** Same key, same job: derived from the conversation (sender, action, triggering message). */
  idempotencyKey: string;
  maxAttempts?: number;
  /**
   * Keeps workers and the relay off the job for this long: the submitter is about to try it
   * itself. Should the submitter die, the job is simply picked up afterwards.
   */
  holdMs?: number;
}

export interface Job {
  reference: string;
  idempotencyKey: string;
  type: string;
  payload: unknown;
  status: JobStatus;
  attempts: number;
  maxAttempts: number;
  nextAttemptAt: Date;
  lockedUntil: Date | null;
  claimToken: string | null;
  lastError: string | null;
  result: unknown;
  createdAt: Date;
  updatedAt: Date;
  completedAt: Date | null;
  /** When the latest create of this job was sent (it may have happened); null: none was. */
  createAttemptedAt: Date | null;
  /** The vendor's id a create answered with, recorded before the job's outcome. */
  createdId: string | null;
}

/** What an earlier attempt may have created, as a later attempt needs to verify it. */
export interface CreateAttempt {
  /** Milliseconds since that create was sent, by the database's clock (one clock for every process). */
  ageMs: number;
  /** The vendor's id, when a create's answer was seen. */
  createdId: string | null;
}

export interface Enqueued {
  job: Job;
  /** False when a job with this idempotency key already existed (a re-sent request). */
  created: boolean;
}

export interface OutboxOptions {
  /** Attempts before a job is dead-lettered (default 8). */
  maxAttempts?: number;
  /** DATA_ENCRYPTION_KEY: payloads and results hold personal data and are sealed with it when set. */
  cipher?: FieldCipher;
}

/** What a sealed payload or result is bound to: its own job and column, so it cannot be moved. */
export const payloadContext = (reference: string): string => `outbox_jobs.payload:${reference}`;
export const resultContext = (reference: string): string => `outbox_jobs.result:${reference}`;

/** The vendor's key in a result (a ticket or record id), kept beside a sealed result for `jobs show SUP-12`. */
function resultKey(result: unknown): string | null {
  const key = result !== null && typeof result === 'object' ? (result as { key?: unknown }).key : undefined;
  return typeof key === 'string' ? key : null;
}

interface JobRow {
  reference: string;
  idempotency_key: string;
  type: string;
  payload: unknown;
  status: JobStatus;
  attempts: number;
  max_attempts: number;
  next_attempt_at: Date | string;
  locked_until: Date | string | null;
  claim_token: string | null;
  last_error: string | null;
  result: unknown;
  created_at: Date | string;
  updated_at: Date | string;
  completed_at: Date | string | null;
  create_attempted_at?: Date | string | null;
  created_id?: string | null;
}

const date = (v: Date | string): Date => (v instanceof Date ? v : new Date(v));
const maybeDate = (v: Date | string | null): Date | null => (v === null ? null : date(v));

/** A stored row as a job; sealed payloads and results are opened (FieldCipherError if they cannot be). */
function toJob(r: JobRow, cipher: FieldCipher): Job {
  return {
    reference: r.reference,
    idempotencyKey: r.idempotency_key,
    type: r.type,
    payload: cipher.decryptJson(r.payload, payloadContext(r.reference)),
    status: r.status,
    attempts: Number(r.attempts),
    maxAttempts: Number(r.max_attempts),
    nextAttemptAt: date(r.next_attempt_at),
    lockedUntil: maybeDate(r.locked_until),
    claimToken: r.claim_token,
    lastError: r.last_error,
    result: r.result === null ? null : cipher.decryptJson(r.result, resultContext(r.reference)),
    createdAt: date(r.created_at),
    updatedAt: date(r.updated_at),
    completedAt: maybeDate(r.completed_at),
    createAttemptedAt: maybeDate(r.create_attempted_at ?? null),
    createdId: r.created_id ?? null,
  };
}

/** The job just inserted, as its row now reads (the column defaults of migrations 0004 and 0011). */
function newJob(reference: string, spec: JobSpec, payload: unknown, maxAttempts: number, row: InsertedJobRow): Job {
  const createdAt = date(row.created_at);
  return {
    reference,
    idempotencyKey: spec.idempotencyKey,
    type: spec.type,
    payload,
    status: 'pending',
    attempts: 0,
    maxAttempts,
    nextAttemptAt: date(row.next_attempt_at),
    lockedUntil: null,
    claimToken: null,
    lastError: null,
    result: null,
    createdAt,
    updatedAt: createdAt,
    completedAt: null,
    createAttemptedAt: null,
    createdId: null,
  };
}

/**
 * Claimable: due and waiting, or claimed by someone whose lease ran out (a crashed process). Each
 * half is read through its own partial index (migration 0016) and never as one OR: that made the
 * planner scan every queued job, so each relay round cost as much as the backlog was long.
 */
const PENDING_DUE = `status = 'pending' AND next_attempt_at <= now()`;
const LEASE_EXPIRED = `status IN ('queued', 'running') AND locked_until < now()`;

/**
 * Up to $2 claimable jobs, oldest first, locked (skipping rows others hold), as the `claimable`
 * CTE. Two CTEs, because a locking clause is not allowed inside a UNION.
 */
function claimableCte(expired: boolean): string {
  const due = `due AS (SELECT reference, next_attempt_at FROM outbox_jobs WHERE ${PENDING_DUE} ORDER BY next_attempt_at LIMIT $2 FOR UPDATE SKIP LOCKED)`;
  if (!expired) return `WITH ${due}, claimable AS (SELECT reference FROM due)`;
  const lapsed = `lapsed AS (SELECT reference, next_attempt_at FROM outbox_jobs WHERE ${LEASE_EXPIRED} ORDER BY locked_until LIMIT $2 FOR UPDATE SKIP LOCKED)`;
  return `WITH ${due}, ${lapsed},
    claimable AS (SELECT reference FROM (SELECT * FROM due UNION ALL SELECT * FROM lapsed) both_kinds ORDER BY next_attempt_at LIMIT $2)`;
}

export class Outbox {
  readonly maxAttempts: number;
  readonly cipher: FieldCipher;
  private readonly batcher: EnqueueBatcher;

  constructor(
    readonly store: Store,
    opts: OutboxOptions = {},
  ) {
    this.maxAttempts = opts.maxAttempts ?? 8;
    this.cipher = opts.cipher ?? PLAINTEXT;
    this.batcher = new EnqueueBatcher(store);
  }

  private toJob = (r: JobRow): Job => toJob(r, this.cipher);

  /**
   * Writes the job in the caller's transaction (or straight to the store). A second enqueue with
   * the same idempotency key returns the first job instead of adding one.
   */
  async enqueue(tx: Queryable, spec: JobSpec): Promise<Enqueued> {
    const reference = jobReferenceFor(spec.idempotencyKey);
    const maxAttempts = spec.maxAttempts ?? this.maxAttempts;
    const payload = JSON.stringify(spec.payload ?? null);
    const row: NewJobRow = {
      reference,
      idempotencyKey: spec.idempotencyKey,
      type: spec.type,
      payload: this.cipher.enabled ? JSON.stringify(this.cipher.encryptField(payload, payloadContext(reference))) : payload,
      maxAttempts,
      holdMs: spec.holdMs ?? 0,
    };
    // Only what the database decides comes back: the payload was just written and need not be
    // read, parsed and (with DATA_ENCRYPTION_KEY) opened again on every ticket. Straight to the
    // store, concurrent jobs share one INSERT and one commit (src/delivery/enqueue-batch.ts).
    const inserted = tx === this.store ? await this.batcher.insert(row) : await insertOne(tx, row);
    // The payload as a later read gives it: JSON values only (a Date becomes its string).
    if (inserted) return { job: newJob(reference, spec, JSON.parse(payload) as unknown, maxAttempts, inserted), created: true };
    const existing = await tx.query<JobRow>('SELECT * FROM outbox_jobs WHERE idempotency_key = $1', [spec.idempotencyKey]);
    if (!existing.rows[0]) throw new Error(`outbox: job for key '${spec.idempotencyKey}' vanished while enqueuing`);
    return { job: this.toJob(existing.rows[0]), created: false };
  }

  async get(reference: string): Promise<Job | null> {
    const { rows } = await this.store.query<JobRow>('SELECT * FROM outbox_jobs WHERE reference = $1', [reference]);
    return rows[0] ? this.toJob(rows[0]) : null;
  }

  /** The job whose result names this vendor key (e.g. the ticket SUP-12 it filed), newest first. */
  async findByResultKey(key: string): Promise<Job | null> {
    const { rows } = await this.store.query<JobRow>(`SELECT * FROM outbox_jobs WHERE upper(result_key) = upper($1) ORDER BY created_at DESC LIMIT 1`, [key]);
    return rows[0] ? this.toJob(rows[0]) : null;
  }

  /** Newest first; `type` and `olderThanSeconds` (created at least that long ago) narrow it further (the ops console's filters). */
  async list(filter: { status?: JobStatus; type?: string; olderThanSeconds?: number; limit?: number } = {}): Promise<Job[]> {
    const limit = Math.min(Math.max(filter.limit ?? 50, 1), 1000);
    const where: string[] = [];
    const params: unknown[] = [];
    if (filter.status) where.push(`status = $${params.push(filter.status)}`);
    if (filter.type) where.push(`type = $${params.push(filter.type)}`);
    if (filter.olderThanSeconds !== undefined) where.push(`created_at <= now() - ($${params.push(Math.round(filter.olderThanSeconds))}::integer * interval '1 second')`);
    const { rows } = await this.store.query<JobRow>(
      `SELECT * FROM outbox_jobs ${where.length ? `WHERE ${where.join(' AND ')}` : ''} ORDER BY created_at DESC LIMIT $${params.push(limit)}`,
      params,
    );
    return rows.map(this.toJob);
  }

  /**
   * Claims one job to run it now: a waiting job (whatever its next_attempt_at, unless `onlyDue`:
   * the action's own first try ignores the hold it set), one published to RabbitMQ, or a claim
   * whose lease ran out. A live lease is never taken over, whoever asks: its holder renews it
   * while it works, and a redelivered message does not prove the holder is gone (RabbitMQ also
   * redelivers when a live consumer merely lost its connection).
   */
  async claim(reference: string, leaseMs: number, opts: { onlyDue?: boolean } = {}): Promise<Job | null> {
    const token = randomUUID();
    const { rows } = await this.store.query<JobRow>(
      `UPDATE outbox_jobs
          SET status = 'running', attempts = attempts + 1, claim_token = $2,
              locked_until = now() + ($3::integer * interval '1 millisecond'), updated_at = now()
        WHERE reference = $1
          AND (status = 'queued'
               OR (status = 'pending' AND (next_attempt_at <= now() OR NOT $4::boolean))
               OR (status = 'running' AND locked_until < now()))
        RETURNING *`,
      [reference, token, Math.round(leaseMs), opts.onlyDue === true],
    );
    return (await this.openClaimed(rows))[0] ?? null;
  }

  /** Claims up to `limit` due jobs for running (the in-process worker). */
  async claimDue(limit: number, leaseMs: number): Promise<Job[]> {
    const { rows } = await this.store.query<JobRow>(
      `${claimableCte(true)}
       UPDATE outbox_jobs
          SET status = 'running', claim_token = md5(random()::text || reference), attempts = attempts + 1,
              locked_until = now() + ($1::integer * interval '1 millisecond'), updated_at = now()
        WHERE reference IN (SELECT reference FROM claimable)
        RETURNING *`,
      [Math.round(leaseMs), limit],
    );
    return this.openClaimed(rows);
  }

  /**
   * Marks up to `limit` due jobs as handed to RabbitMQ (the relay). Not counted as an attempt;
   * if the message is lost, the lease runs out and the job is published again. `expired: false`
   * takes only jobs never handed over since they became due.
   */
  async claimForPublish(limit: number, leaseMs: number, opts: { expired?: boolean } = {}): Promise<Pick<Job, 'reference' | 'type'>[]> {
    // A message carries the reference and type only; the worker's own claim reads the payload
    // (and holds back one that will not open), so the relay does not read ~100 payloads a round.
    const { rows } = await this.store.query<{ reference: string; type: string }>(
      `${claimableCte(opts.expired !== false)}
       UPDATE outbox_jobs
          SET status = 'queued', claim_token = md5(random()::text || reference),
              locked_until = now() + ($1::integer * interval '1 millisecond'), updated_at = now()
        WHERE reference IN (SELECT reference FROM claimable)
        RETURNING reference, type`,
      [Math.round(leaseMs), limit],
    );
    return rows;
  }

  /**
   * Claimed rows as jobs. One whose payload will not open (its key is not in DATA_ENCRYPTION_KEY,
   * or it was altered) is not run: it is given back for later, the attempt uncounted and the
   * reason in last_error, so a missing key holds those jobs without failing the others.
   */
  private async openClaimed(rows: JobRow[]): Promise<Job[]> {
    const jobs: Job[] = [];
    for (const r of rows) {
      try {
        jobs.push(this.toJob(r));
      } catch (err) {
        if (!(err instanceof FieldCipherError)) throw err;
        await this.store.query(
          `UPDATE outbox_jobs
              SET status = 'pending', attempts = attempts - 1, claim_token = NULL, locked_until = NULL,
                  last_error = $2, next_attempt_at = now() + interval '5 minutes', updated_at = now()
            WHERE reference = $1`,
          [r.reference, `cannot decrypt the job: ${err.message}`],
        );
      }
    }
    return jobs;
  }

  /**
   * Extends the holder's lease by `leaseMs` from now; false when this claim is no longer the
   * job's latest (the lease ran out and someone took it over, or the job was retried by hand).
   * The claim token is the fence: only the holder of the latest claim can renew or finish.
   */
  async renew(job: Job, leaseMs: number): Promise<boolean> {
    const { rowCount } = await this.store.query(
      `UPDATE outbox_jobs SET locked_until = now() + ($3::integer * interval '1 millisecond')
        WHERE reference = $1 AND claim_token = $2 AND status = 'running'`,
      [job.reference, job.claimToken, Math.round(leaseMs)],
    );
    return rowCount > 0;
  }

  /** Gives a queued job back (publishing failed): due again at once. */
  async unqueue(reference: string): Promise<void> {
    await this.store.query(`UPDATE outbox_jobs SET status = 'pending', locked_until = NULL, updated_at = now() WHERE reference = $1 AND status = 'queued'`, [reference]);
  }

  /** Records success; false when this claim is no longer the job's latest (someone else took over). */
  async complete(job: Job, result: unknown): Promise<boolean> {
    const { rowCount } = await this.store.query(
      `UPDATE outbox_jobs
          SET status = 'done', result = $3::jsonb, result_key = $4, last_error = NULL, locked_until = NULL, completed_at = now(), updated_at = now()
        WHERE reference = $1 AND claim_token = $2 AND status = 'running'`,
      [job.reference, job.claimToken, JSON.stringify(this.cipher.encryptJson(result ?? null, resultContext(job.reference))), resultKey(result)],
    );
    return rowCount > 0;
  }

  /**
   * Records a failed attempt: scheduled again after `retryInMs`, or dead-lettered when it may not
   * be retried or the attempts are used up. Returns the job's new status (null: not our claim).
   */
  async fail(job: Job, error: string, retryInMs: number | null): Promise<JobStatus | null> {
    const dead = retryInMs === null || job.attempts >= job.maxAttempts;
    const { rows } = await this.store.query<{ status: JobStatus }>(
      `UPDATE outbox_jobs
          SET status = $3, last_error = $4, locked_until = NULL, updated_at = now(),
              next_attempt_at = now() + ($5::integer * interval '1 millisecond')
        WHERE reference = $1 AND claim_token = $2 AND status = 'running'
        RETURNING status`,
      [job.reference, job.claimToken, dead ? 'dead' : 'pending', error.slice(0, 2000), Math.round(dead ? 0 : (retryInMs ?? 0))],
    );
    return rows[0]?.status ?? null;
  }

  /**
   * Puts a dead (or stuck) job back in line with fresh attempts; false when it is done or unknown.
   * What its creates may have made (create_attempted_at, created_id) is kept, so it verifies first.
   */
  async retry(reference: string): Promise<boolean> {
    const { rowCount } = await this.store.query(
      `UPDATE outbox_jobs
          SET status = 'pending', attempts = 0, next_attempt_at = now(), locked_until = NULL, claim_token = NULL, updated_at = now()
        WHERE reference = $1 AND status <> 'done'`,
      [reference],
    );
    return rowCount > 0;
  }

  /**
   * Records, under this claim, that a create is about to be sent; throws when the claim is no
   * longer the job's latest, so a process that lost its job does not call the vendor.
   */
  async markCreateAttempted(job: Job): Promise<void> {
    const { rowCount } = await this.store.query(
      `UPDATE outbox_jobs SET create_attempted_at = now(), updated_at = now() WHERE reference = $1 AND claim_token = $2 AND status = 'running'`,
      [job.reference, job.claimToken],
    );
    if (rowCount === 0) throw new Error(`outbox: job ${job.reference} is no longer held by this claim; its create was not sent`);
  }

  /** Keeps the vendor's id a create answered with, before the outcome is recorded. */
  async noteCreated(job: Job, createdId: string): Promise<void> {
    await this.store.query(`UPDATE outbox_jobs SET created_id = $3 WHERE reference = $1 AND claim_token = $2`, [job.reference, job.claimToken, createdId]);
  }

  /** The job's latest create attempt, if one was ever sent. */
  async createAttempt(reference: string): Promise<CreateAttempt | null> {
    const { rows } = await this.store.query<{ age_ms: number | string | null; created_id: string | null }>(
      `SELECT (EXTRACT(EPOCH FROM (now() - create_attempted_at)) * 1000)::float8 AS age_ms, created_id FROM outbox_jobs WHERE reference = $1`,
      [reference],
    );
    const row = rows[0];
    if (!row || row.age_ms === null) return null;
    return { ageMs: Math.max(0, Number(row.age_ms)), createdId: row.created_id };
  }

  /**
   * Deletes delivered jobs completed more than `olderThanMs` ago; returns how many. Dead jobs stay
   * until someone looks at them.
   */
  async purgeDone(olderThanMs: number): Promise<number> {
    const { rowCount } = await this.store.query(
      `DELETE FROM outbox_jobs WHERE status = 'done' AND completed_at < now() - ($1::bigint * interval '1 millisecond')`,
      [Math.round(olderThanMs)],
    );
    return rowCount;
  }

  /** Jobs that could be claimed right now (for a relay deciding whether to wake up). */
  async hasDue(): Promise<boolean> {
    const { rows } = await this.store.query<{ due: boolean }>(`SELECT EXISTS (SELECT 1 FROM outbox_jobs WHERE ${PENDING_DUE}) OR EXISTS (SELECT 1 FROM outbox_jobs WHERE ${LEASE_EXPIRED}) AS due`);
    return rows[0]?.due === true;
  }

  async counts(): Promise<OutboxCounts> {
    const { rows } = await this.store.query<{ status: JobStatus; n: string | number; oldest: string | number | null }>(
      `SELECT status, count(*) AS n, EXTRACT(EPOCH FROM (now() - min(created_at))) AS oldest
         FROM outbox_jobs GROUP BY status`,
    );
    const out: OutboxCounts = { pending: 0, queued: 0, running: 0, done: 0, dead: 0, oldestOpenAgeSeconds: 0 };
    for (const r of rows) {
      out[r.status] = Number(r.n);
      if (r.oldest !== null && r.status !== 'done' && r.status !== 'dead') out.oldestOpenAgeSeconds = Math.max(out.oldestOpenAgeSeconds, Number(r.oldest));
    }
    return out;
  }
}
