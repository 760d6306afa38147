/**
 * StoreQuotaCounter's give-back: one statement for every quota of a take, locking its rows in the
 * order takes lock them, so give-backs and takes over the same keys, many at once, neither lose a
 * unit nor deadlock (PostgreSQL aborts one side of a deadlock with 40P01, which fails the test).
 */
import { StoreQuotaCounter } from '../../src/identity';
import type { Quota } from '../../src/ratelimit';
import { migrate, type Store } from '../../src/store';
import { STORE_TARGETS } from '../support/stores';

const q = (key: string, limit: number): Quota => ({ key, limit, windowMs: 60_000 });

describe.each(STORE_TARGETS)('StoreQuotaCounter give-back on the $name store', (target) => {
  let store: Store;
  let cleanup: () => Promise<void>;
  beforeAll(async () => {
    ({ store, cleanup } = await target.open());
    await migrate(store);
  }, 120_000);
  afterAll(() => cleanup());

  const used = async (keys: string[]) => {
    const { rows } = await store.query<{ key: string; used: number }>('SELECT key, used FROM attempt_quotas WHERE key = ANY($1::text[]) ORDER BY key', [keys]);
    return Object.fromEntries(rows.map((r) => [r.key, Number(r.used)]));
  };

  it('gives one unit back to every quota of the take', async () => {
    const counter = new StoreQuotaCounter(store);
    const quotas = [q('gb:z', 1), q('gb:a', 1), q('gb:m', 1)];
    const first = await counter.take(quotas);
    if (!first.taken) throw new Error('first take refused');
    expect(await used(['gb:a', 'gb:m', 'gb:z'])).toEqual({ 'gb:a': 1, 'gb:m': 1, 'gb:z': 1 });
    expect((await counter.take(quotas)).taken).toBe(false);
    await first.giveBack();
    expect(await used(['gb:a', 'gb:m', 'gb:z'])).toEqual({ 'gb:a': 0, 'gb:m': 0, 'gb:z': 0 });
    expect((await counter.take(quotas)).taken).toBe(true);
  });

  it('many takes and give-backs over shared keys at once all finish and leave nothing used', async () => {
    const counter = new StoreQuotaCounter(store);
    const keys = ['c:email', 'c:global', 'c:order', 'c:sender'];
    // Each caller names the keys in its own order; the counter sorts them.
    const callers = Array.from({ length: 24 }, (_, i) => async () => {
      for (let round = 0; round < 5; round++) {
        const order = [...keys].sort(() => ((i * 7 + round) % 3) - 1);
        const take = await counter.take(order.map((k) => q(k, 1000)));
        if (!take.taken) throw new Error('refused under the limit');
        await take.giveBack();
      }
    });
    await Promise.all(callers.map((run) => run()));
    expect(await used(keys)).toEqual(Object.fromEntries(keys.map((k) => [k, 0])));
  }, 120_000);
});
