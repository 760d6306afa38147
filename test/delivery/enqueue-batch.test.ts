/**
 * Group commit for the outbox (src/delivery/enqueue-batch.ts): jobs enqueued in one turn of the
 * event loop share one INSERT, each caller still gets its own answer, and one bad row does not
 * fail its neighbours.
 */
import { Outbox } from '../../src/delivery/outbox';
import { jobReferenceFor } from '../../src/delivery/job-reference';
import { migrate, type Store } from '../../src/store';
import { RecordingStore } from '../support/recording-store';
import { STORE_TARGETS } from '../support/stores';

/** Rows of each INSERT into outbox_jobs the store was sent. */
const insertSizes = (store: RecordingStore): number[] => store.sent.filter((q) => q.sql.startsWith('INSERT INTO outbox_jobs')).map((q) => q.params.length / 6);

describe.each(STORE_TARGETS)('outbox group commit on the $name store', (target) => {
  let store: Store;
  let counting: RecordingStore;
  let cleanup: () => Promise<void>;
  let outbox: Outbox;

  beforeAll(async () => {
    ({ store, cleanup } = await target.open());
    await migrate(store);
    counting = new RecordingStore(store);
    outbox = new Outbox(counting);
  });
  afterAll(() => cleanup());
  beforeEach(() => {
    counting.sent = [];
  });

  it('writes the jobs of one turn with one INSERT, and tells each caller about its own job', async () => {
    const keys = Array.from({ length: 12 }, (_, i) => `batch-a-${i}`);
    const results = await Promise.all(keys.map((k, i) => outbox.enqueue(counting, { type: 'ticket.create', payload: { n: i }, idempotencyKey: k })));
    expect(insertSizes(counting)).toEqual([12]);
    expect(results.map((r) => r.created)).toEqual(keys.map(() => true));
    expect(results.map((r) => r.job.reference)).toEqual(keys.map(jobReferenceFor));
    for (const [i, r] of results.entries()) {
      expect(r.job.payload).toEqual({ n: i });
      expect(await outbox.get(r.job.reference)).toStrictEqual(r.job);
    }
  });

  it('splits a busy turn into statements of at most 32 rows', async () => {
    const keys = Array.from({ length: 70 }, (_, i) => `batch-b-${i}`);
    const results = await Promise.all(keys.map((k) => outbox.enqueue(counting, { type: 't', payload: {}, idempotencyKey: k })));
    expect([...insertSizes(counting)].sort((a, b) => b - a)).toEqual([32, 32, 6]);
    expect(results.every((r) => r.created)).toBe(true);
    const { rows } = await store.query<{ n: number }>("SELECT count(*)::int AS n FROM outbox_jobs WHERE idempotency_key LIKE 'batch-b-%'");
    expect(rows[0]!.n).toBe(70);
  });

  it('gives one job to two callers with one key in one turn, and to a caller after them', async () => {
    const [first, second] = await Promise.all([
      outbox.enqueue(counting, { type: 't', payload: { who: 'first' }, idempotencyKey: 'batch-same' }),
      outbox.enqueue(counting, { type: 't', payload: { who: 'second' }, idempotencyKey: 'batch-same' }),
    ]);
    const later = await outbox.enqueue(counting, { type: 't', payload: { who: 'later' }, idempotencyKey: 'batch-same' });
    expect([first.created, second.created, later.created]).toEqual([true, false, false]);
    expect(second.job).toStrictEqual(first.job);
    expect(later.job.payload).toEqual({ who: 'first' });
    const { rows } = await store.query<{ n: number }>("SELECT count(*)::int AS n FROM outbox_jobs WHERE idempotency_key = 'batch-same'");
    expect(rows[0]!.n).toBe(1);
  });

  it('refuses only the row the database refuses; its neighbours in the turn are written', async () => {
    // A job without a type breaks the column's NOT NULL: the database refuses that row.
    const results = await Promise.allSettled([
      outbox.enqueue(counting, { type: 't', payload: { ok: 1 }, idempotencyKey: 'batch-c-1' }),
      outbox.enqueue(counting, { type: null as unknown as string, payload: {}, idempotencyKey: 'batch-c-bad' }),
      outbox.enqueue(counting, { type: 't', payload: { ok: 3 }, idempotencyKey: 'batch-c-3' }),
    ]);
    expect(results.map((r) => r.status)).toEqual(['fulfilled', 'rejected', 'fulfilled']);
    expect(insertSizes(counting)[0]).toBe(3);
    expect(await outbox.get(jobReferenceFor('batch-c-1'))).not.toBeNull();
    expect(await outbox.get(jobReferenceFor('batch-c-3'))).not.toBeNull();
    expect(await outbox.get(jobReferenceFor('batch-c-bad'))).toBeNull();
  });

  it('keeps a job enqueued in a transaction out of the batch, and out of the store when it rolls back', async () => {
    const outside = outbox.enqueue(counting, { type: 't', payload: {}, idempotencyKey: 'batch-d-outside' });
    await expect(
      store.transaction(async (tx) => {
        await outbox.enqueue(tx, { type: 't', payload: {}, idempotencyKey: 'batch-d-inside' });
        throw new Error('local change failed');
      }),
    ).rejects.toThrow('local change failed');
    expect((await outside).created).toBe(true);
    expect(await outbox.get(jobReferenceFor('batch-d-inside'))).toBeNull();
  });
});
