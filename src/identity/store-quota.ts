/**
 * Quotas in the database (embedded or PostgreSQL), for deployments without Redis and as the
 * fallback while Redis is away. Each quota's row is incremented inside one transaction, in key
 * order; a spent quota rolls the whole transaction back. PostgreSQL's row locks make concurrent
 * takes of one key wait for each other, so no more than the limit are ever granted.
 */
import type { Quota, QuotaCounter, QuotaTake } from '../ratelimit';
import type { Queryable, Store } from '../store';

class QuotaSpent extends Error {
  constructor(readonly index: number) {
    super('quota spent');
  }
}

const TAKE_SQL = `
INSERT INTO attempt_quotas (key, used, window_ends_ms) VALUES ($1, 1, $2)
ON CONFLICT (key) DO UPDATE SET
  used = CASE WHEN attempt_quotas.window_ends_ms <= $3 THEN 1 ELSE attempt_quotas.used + 1 END,
  window_ends_ms = CASE WHEN attempt_quotas.window_ends_ms <= $3 THEN $2 ELSE attempt_quotas.window_ends_ms END
RETURNING used, window_ends_ms`;

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
      const windows = await this.store.transaction(async (tx) => {
        const taken: { key: string; endsMs: string }[] = [];
        for (const { q, index } of order) {
          const { rows } = await tx.query<{ used: number; window_ends_ms: string | number }>(TAKE_SQL, [q.key, now + q.windowMs, now]);
          if (Number(rows[0]!.used) > q.limit) throw new QuotaSpent(index);
          taken.push({ key: q.key, endsMs: String(rows[0]!.window_ends_ms) });
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
    for (const w of windows) {
      await this.store.query('UPDATE attempt_quotas SET used = used - 1 WHERE key = $1 AND window_ends_ms = $2 AND used > 0', [w.key, w.endsMs]);
    }
  }

  private async sweep(db: Queryable, now: number): Promise<void> {
    await db.query('DELETE FROM attempt_quotas WHERE window_ends_ms <= $1', [now]);
  }
}
