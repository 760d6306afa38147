/**
 * Quotas in the database (embedded or PostgreSQL), for deployments without Redis and as the
 * fallback while Redis is away. Each quota's row is incremented inside one transaction, in key
 * order; a spent quota rolls the whole transaction back. PostgreSQL's row locks make concurrent
 * takes of one key wait for each other, so no more than the limit are ever granted.
 *
 * Every email check takes the one `global` row, so its lock is held by one lookup at a time, for
 * as long as that lookup's commit takes. These writes therefore commit without waiting for the
 * WAL flush (synchronous_commit off, for these transactions only): a crash of the database server
 * can lose the last fraction of a second of counts, which forgives a few attempts and never grants
 * more than a limit to the attempts counted. Waiting for the flush held the row ~10 ms per lookup
 * on a loaded machine and capped every order lookup of a deployment near 20 a second.
 */
import type { Quota, QuotaCounter, QuotaTake } from '../ratelimit';
import type { Queryable, Store } from '../store';

class QuotaSpent extends Error {
  constructor(readonly index: number) {
    super('quota spent');
  }
}

/** For this transaction only: commit without waiting for the WAL flush (see above). */
const NO_FLUSH_WAIT = "SET LOCAL synchronous_commit = 'off'";

const TAKE_SQL = `
INSERT INTO attempt_quotas (key, used, window_ends_ms) VALUES ($1, 1, $2)
ON CONFLICT (key) DO UPDATE SET
  used = CASE WHEN attempt_quotas.window_ends_ms <= $3 THEN 1 ELSE attempt_quotas.used + 1 END,
  window_ends_ms = CASE WHEN attempt_quotas.window_ends_ms <= $3 THEN $2 ELSE attempt_quotas.window_ends_ms END
RETURNING used, window_ends_ms`;

/**
 * Every quota of a take in one statement, inserted (and so locked) in key order: a row shared by
 * every lookup (`global`, or one email tried from many conversations) is held for one statement
 * and the commit, not for one round trip per quota after it.
 */
const TAKE_ALL_SQL = `
INSERT INTO attempt_quotas (key, used, window_ends_ms)
SELECT key, 1, ends FROM unnest($1::text[], $2::bigint[]) AS t(key, ends) ORDER BY key
ON CONFLICT (key) DO UPDATE SET
  used = CASE WHEN attempt_quotas.window_ends_ms <= $3 THEN 1 ELSE attempt_quotas.used + 1 END,
  window_ends_ms = CASE WHEN attempt_quotas.window_ends_ms <= $3 THEN EXCLUDED.window_ends_ms ELSE attempt_quotas.window_ends_ms END
RETURNING key, used, window_ends_ms`;

/** Expired rows are swept every this many takes, so the table stays the size of one window. */
const SWEEP_EVERY = 500;

export class StoreQuotaCounter implements QuotaCounter {
  readonly where = 'store';
  private takes = 0;

  constructor(
    private readonly store: Store,
    private readonly now: () => number = Date.now,
  ) {}

  async take(quotas: readonly Quota[]): Promise<QuotaTake> {
    const now = this.now();
    // One lock order for every caller: two takes over the same keys cannot deadlock.
    const order = quotas.map((q, index) => ({ q, index })).sort((a, b) => (a.q.key < b.q.key ? -1 : a.q.key > b.q.key ? 1 : 0));
    try {
      // A key named twice would be one row updated twice by one statement: taken one by one.
      const distinct = new Set(quotas.map((q) => q.key)).size === quotas.length;
      const windows = await this.store.transaction(async (tx) => {
        await tx.query(NO_FLUSH_WAIT);
        const rowOf = new Map<string, { used: number; window_ends_ms: string | number }>();
        if (distinct) {
          const { rows } = await tx.query<{ key: string; used: number; window_ends_ms: string | number }>(TAKE_ALL_SQL, [order.map(({ q }) => q.key), order.map(({ q }) => now + q.windowMs), now]);
          for (const r of rows) rowOf.set(r.key, r);
        }
        const taken: { key: string; endsMs: string }[] = [];
        for (const { q, index } of order) {
          const row = distinct ? rowOf.get(q.key)! : (await tx.query<{ used: number; window_ends_ms: string | number }>(TAKE_SQL, [q.key, now + q.windowMs, now])).rows[0]!;
          if (Number(row.used) > q.limit) throw new QuotaSpent(index);
          taken.push({ key: q.key, endsMs: String(row.window_ends_ms) });
        }
        return taken;
      });
      if (++this.takes % SWEEP_EVERY === 0) await this.sweep(this.store, now);
      return { taken: true, giveBack: () => this.giveBack(windows) };
    } catch (err) {
      if (err instanceof QuotaSpent) return { taken: false, spent: err.index };
      throw err;
    }
  }

  /** Only to the window the unit was taken from: a new window owes nothing. */
  private async giveBack(windows: { key: string; endsMs: string }[]): Promise<void> {
    // One statement and one commit for every quota, not one each. Its rows are locked first, in
    // key order (FOR UPDATE above the sort), the order takes lock them in: no deadlock with a take.
    await this.store.transaction(async (tx) => {
      await tx.query(NO_FLUSH_WAIT);
      await tx.query(
        `WITH mine AS (
           SELECT key FROM attempt_quotas
            WHERE (key, window_ends_ms) IN (SELECT * FROM unnest($1::text[], $2::bigint[]))
            ORDER BY key FOR UPDATE)
         UPDATE attempt_quotas q SET used = q.used - 1 FROM mine WHERE q.key = mine.key AND q.used > 0`,
        [windows.map((w) => w.key), windows.map((w) => w.endsMs)],
      );
    });
  }

  private async sweep(db: Queryable, now: number): Promise<void> {
    await db.query('DELETE FROM attempt_quotas WHERE window_ends_ms <= $1', [now]);
  }
}
