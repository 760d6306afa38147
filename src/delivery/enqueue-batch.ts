/**
 * Group commit for the outbox: jobs enqueued straight to the store (not inside a caller's
 * transaction) in the same turn of the event loop are written by one INSERT, so concurrent
 * tickets share one statement, one commit and one wait for the WAL flush instead of paying each
 * alone. Each caller still learns whether its own row was created, and answers only after the
 * commit that holds it.
 *
 * A statement that fails is not allowed to fail its neighbours: the rows of a failed batch are
 * written again one by one, so only the row that caused it is refused.
 */
import type { Queryable } from '../store';

/** One job's row as the INSERT writes it. */
export interface NewJobRow {
  reference: string;
  idempotencyKey: string;
  type: string;
  /** The payload as stored: JSON text (sealed or plain). */
  payload: string;
  maxAttempts: number;
  holdMs: number;
}

/** What the database decided for a created row. */
export interface InsertedJobRow {
  next_attempt_at: Date | string;
  created_at: Date | string;
}

interface Waiting {
  row: NewJobRow;
  resolve(inserted: InsertedJobRow | null): void;
  reject(err: unknown): void;
}

const COLUMNS = 6;

/** A row's values in the INSERT's column order ($1..$6 of its tuple). */
const valuesOf = (r: NewJobRow): unknown[] => [r.reference, r.idempotencyKey, r.type, r.payload, r.maxAttempts, Math.round(r.holdMs)];

/** The INSERT for `n` rows; named per size, so PostgreSQL plans each size once per connection. */
function insertFor(n: number): string {
  const tuples = Array.from({ length: n }, (_, i) => {
    const p = (k: number) => `$${i * COLUMNS + k}`;
    return `(${p(1)}, ${p(2)}, ${p(3)}, ${p(4)}::jsonb, ${p(5)}::integer, now() + (${p(6)}::integer * interval '1 millisecond'))`;
  });
  return `INSERT INTO outbox_jobs (reference, idempotency_key, type, payload, max_attempts, next_attempt_at)
       VALUES ${tuples.join(', ')}
       ON CONFLICT (idempotency_key) DO NOTHING
       RETURNING idempotency_key, next_attempt_at, created_at`;
}

export class EnqueueBatcher {
  private waiting: Waiting[] = [];
  private scheduled = false;

  constructor(
    private readonly store: Queryable,
    /** Rows per statement at most (a busier turn is written by several statements at once). */
    private readonly maxRows = 32,
  ) {}

  /** Resolves with the created row, or null when a job with this idempotency key already existed. */
  insert(row: NewJobRow): Promise<InsertedJobRow | null> {
    return new Promise((resolve, reject) => {
      this.waiting.push({ row, resolve, reject });
      if (this.scheduled) return;
      this.scheduled = true;
      // After the poll phase: every request read in this turn has had its chance to join.
      setImmediate(() => this.flush());
    });
  }

  private flush(): void {
    this.scheduled = false;
    const all = this.waiting;
    this.waiting = [];
    for (let from = 0; from < all.length; from += this.maxRows) void this.write(all.slice(from, from + this.maxRows));
  }

  private async write(batch: Waiting[]): Promise<void> {
    let rows: (InsertedJobRow & { idempotency_key: string })[];
    try {
      rows = await this.run(batch.map((w) => w.row));
    } catch (err) {
      if (batch.length === 1) return batch[0]!.reject(err);
      // Which row was it? Each is tried alone; the others are written as if they had been alone.
      for (const w of batch) void this.write([w]);
      return;
    }
    const created = new Map(rows.map((r) => [r.idempotency_key, r]));
    for (const w of batch) {
      // Two callers with one key in one batch: the first row written is the first caller's.
      const row = created.get(w.row.idempotencyKey) ?? null;
      created.delete(w.row.idempotencyKey);
      w.resolve(row);
    }
  }

  private async run(rows: NewJobRow[]): Promise<(InsertedJobRow & { idempotency_key: string })[]> {
    const { rows: inserted } = await this.store.query<InsertedJobRow & { idempotency_key: string }>(insertFor(rows.length), rows.flatMap(valuesOf), {
      prepared: `outbox_enqueue_${rows.length}`,
    });
    return inserted;
  }
}

/** The same INSERT for one row in a caller's transaction (where nothing else may join it). */
export async function insertOne(tx: Queryable, row: NewJobRow): Promise<InsertedJobRow | null> {
  const { rows } = await tx.query<InsertedJobRow>(insertFor(1), valuesOf(row), {
    prepared: 'outbox_enqueue_1',
  });
  return rows[0] ?? null;
}
