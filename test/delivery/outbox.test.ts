import { Outbox } from '../../src/delivery/outbox';
import { JOB_REFERENCE, jobReferenceFor } from '../../src/delivery/job-reference';
import { migrate, type Store } from '../../src/store';
import { createPgSchema, STORE_TARGETS } from '../support/stores';

describe.each(STORE_TARGETS)('Outbox on the $name store', (target) => {
  let store: Store;
  let cleanup: () => Promise<void>;
  let outbox: Outbox;
  beforeAll(async () => {
    ({ store, cleanup } = await target.open());
    await migrate(store);
    outbox = new Outbox(store, { maxAttempts: 3 });
  });
  afterAll(async () => {
    await cleanup();
  });

  it('keeps one job per idempotency key, with a reference derived from it', async () => {
    const first = await store.transaction((tx) => outbox.enqueue(tx, { type: 'ticket.create', payload: { a: 1 }, idempotencyKey: 'k-same' }));
    const again = await store.transaction((tx) => outbox.enqueue(tx, { type: 'ticket.create', payload: { a: 2 }, idempotencyKey: 'k-same' }));
    expect(first.created).toBe(true);
    expect(again.created).toBe(false);
    expect(again.job.reference).toBe(first.job.reference);
    expect(again.job.payload).toEqual({ a: 1 });
    expect(first.job.reference).toBe(jobReferenceFor('k-same'));
    expect(first.job.reference).toMatch(JOB_REFERENCE);
    const { rows } = await store.query<{ n: string }>("SELECT count(*)::text AS n FROM outbox_jobs WHERE idempotency_key = 'k-same'");
    expect(rows[0]!.n).toBe('1');
  });

  it('answers a new job exactly as reading it back does (it is built without reading the row)', async () => {
    const payload = { summary: 'Printer jams', when: new Date('2026-01-02T03:04:05.000Z'), nested: { list: [1, 'two', null] } };
    const { job, created } = await outbox.enqueue(store, { type: 'ticket.create', payload, idempotencyKey: 'k-as-read', holdMs: 1500 });
    expect(created).toBe(true);
    expect(job).toStrictEqual(await outbox.get(job.reference));
    expect(job.nextAttemptAt.getTime() - job.createdAt.getTime()).toBe(1500);
  });

  it('writes nothing when the surrounding transaction rolls back', async () => {
    await expect(
      store.transaction(async (tx) => {
        await outbox.enqueue(tx, { type: 'ticket.create', payload: {}, idempotencyKey: 'k-rolled-back' });
        throw new Error('local change failed');
      }),
    ).rejects.toThrow('local change failed');
    expect(await outbox.get(jobReferenceFor('k-rolled-back'))).toBeNull();
  });

  it('lets only the latest claim finish a job, and counts attempts', async () => {
    const { job } = await outbox.enqueue(store, { type: 't', payload: {}, idempotencyKey: 'k-claims' });
    const a = await outbox.claim(job.reference, 60_000);
    expect(a?.attempts).toBe(1);
    // Held: nobody else gets it...
    expect(await outbox.claim(job.reference, 60_000)).toBeNull();
    // ...until its lease runs out (the holder stopped renewing it).
    await store.query(`UPDATE outbox_jobs SET locked_until = now() - interval '1 second' WHERE reference = $1`, [job.reference]);
    const b = await outbox.claim(job.reference, 60_000);
    expect(b?.attempts).toBe(2);
    // The stale holder can neither renew nor finish it.
    expect(await outbox.renew(a!, 60_000)).toBe(false);
    expect(await outbox.renew(b!, 60_000)).toBe(true);
    expect(await outbox.complete(a!, { key: 'X-1' })).toBe(false);
    expect(await outbox.complete(b!, { key: 'X-2' })).toBe(true);
    const done = await outbox.get(job.reference);
    expect(done).toMatchObject({ status: 'done', result: { key: 'X-2' }, attempts: 2 });
    expect(done!.completedAt).toBeInstanceOf(Date);
    expect(await outbox.retry(job.reference)).toBe(false);
  });

  it('schedules failed attempts, dead-letters after the last, and retries a dead job from scratch', async () => {
    const { job } = await outbox.enqueue(store, { type: 't', payload: {}, idempotencyKey: 'k-fail' });
    for (let i = 1; i <= 2; i++) {
      const claimed = await outbox.claim(job.reference, 60_000);
      expect(await outbox.fail(claimed!, 'upstream_unavailable: down', 60_000)).toBe('pending');
      // Not due yet: the worker leaves it alone.
      expect((await outbox.claimDue(10, 60_000)).map((j) => j.reference)).not.toContain(job.reference);
    }
    const last = await outbox.claim(job.reference, 60_000);
    expect(await outbox.fail(last!, 'upstream_unavailable: still down', 60_000)).toBe('dead');
    expect(await outbox.get(job.reference)).toMatchObject({ status: 'dead', attempts: 3, lastError: 'upstream_unavailable: still down' });
    expect((await outbox.list({ status: 'dead' })).map((j) => j.reference)).toContain(job.reference);
    expect((await outbox.counts()).dead).toBeGreaterThanOrEqual(1);
    expect(await outbox.retry(job.reference)).toBe(true);
    expect(await outbox.get(job.reference)).toMatchObject({ status: 'pending', attempts: 0 });
    expect((await outbox.claimDue(10, 60_000)).map((j) => j.reference)).toContain(job.reference);
  });

  it('purges delivered jobs past their retention and keeps the rest', async () => {
    const { job } = await outbox.enqueue(store, { type: 't', payload: {}, idempotencyKey: 'k-purge' });
    const open = (await outbox.enqueue(store, { type: 't', payload: {}, idempotencyKey: 'k-purge-open' })).job;
    const dead = (await outbox.enqueue(store, { type: 't', payload: {}, idempotencyKey: 'k-purge-dead' })).job;
    await outbox.fail((await outbox.claim(dead.reference, 60_000))!, 'validation: no', null);
    await outbox.complete((await outbox.claim(job.reference, 60_000))!, {});
    expect(await outbox.purgeDone(60_000)).toBe(0);
    await new Promise((r) => setTimeout(r, 20));
    expect(await outbox.purgeDone(5)).toBeGreaterThanOrEqual(1);
    expect(await outbox.get(job.reference)).toBeNull();
    expect(await outbox.get(open.reference)).toMatchObject({ status: 'pending' });
    expect(await outbox.get(dead.reference)).toMatchObject({ status: 'dead' });
  });

  it('dead-letters at once when the failure may not be retried', async () => {
    const { job } = await outbox.enqueue(store, { type: 't', payload: {}, idempotencyKey: 'k-permanent' });
    const claimed = await outbox.claim(job.reference, 60_000);
    expect(await outbox.fail(claimed!, 'validation: summary missing', null)).toBe('dead');
  });

  it('holds a job for its submitter, and takes over a claim whose lease ran out', async () => {
    const { job } = await outbox.enqueue(store, { type: 't', payload: {}, idempotencyKey: 'k-hold', holdMs: 60_000 });
    expect((await outbox.claimDue(50, 60_000)).map((j) => j.reference)).not.toContain(job.reference);
    expect(await outbox.claim(job.reference, 60_000, { onlyDue: true })).toBeNull();
    const mine = await outbox.claim(job.reference, 1);
    expect(mine).not.toBeNull();
    await new Promise((r) => setTimeout(r, 20));
    const taken = await outbox.claimDue(50, 60_000);
    expect(taken.map((j) => j.reference)).toContain(job.reference);
    expect(await outbox.complete(mine!, {})).toBe(false);
  });
});

describe('Outbox on PostgreSQL with concurrent claimers', () => {
  it('hands each due job to exactly one of several pools (SKIP LOCKED)', async () => {
    const schema = await createPgSchema();
    const stores = [schema.store(4), schema.store(4), schema.store(4)];
    try {
      await migrate(stores[0]!);
      const outboxes = stores.map((s) => new Outbox(s));
      for (let i = 0; i < 60; i++) await outboxes[0]!.enqueue(stores[0]!, { type: 't', payload: { i }, idempotencyKey: `k-${i}` });
      const claimed: string[] = [];
      await Promise.all(
        outboxes.flatMap((o) =>
          [0, 1].map(async () => {
            for (;;) {
              const jobs = await o.claimDue(3, 60_000);
              if (jobs.length === 0) return;
              claimed.push(...jobs.map((j) => j.reference));
            }
          }),
        ),
      );
      expect(claimed).toHaveLength(60);
      expect(new Set(claimed).size).toBe(60);
    } finally {
      await Promise.all(stores.map((s) => s.close()));
      await schema.drop();
    }
  });
});
