import { loadDeliveryConfig } from '../../src/delivery/config';
/**
 * The database lease decides who works on a job: its holder renews it while it works, nobody
 * takes over a live one, and a holder that lost it (or cannot reach the store to prove it) does
 * not call the vendor, and cannot record a late result.
 */
import { deliveryHandlers } from '../../src/delivery/handlers';
import { JobRunner } from '../../src/delivery/job-runner';
import { JobHandlers } from '../../src/delivery/jobs';
import { Outbox } from '../../src/delivery/outbox';
import { createDeliveryRuntime, type DeliveryRuntime } from '../../src/delivery/runtime';
import { silentLogger } from '../../src/observability/logger';
import { CREATE, eventually, startJiraDelivery, testDeliveryConfig, ticketJob, type JiraDeliveryHarness } from '../support/delivery';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe('the job lease (PostgreSQL)', () => {
  let h: JiraDeliveryHarness;
  const cleanups: (() => Promise<void>)[] = [];
  afterEach(async () => {
    for (const c of cleanups.splice(0).reverse()) await c();
    await h?.close();
  });

  /** Lets the lease of whoever holds the job run out now, as if its holder had stopped renewing. */
  async function expireLease(reference: string): Promise<void> {
    await h.store.query(`UPDATE outbox_jobs SET locked_until = now() - interval '1 second' WHERE reference = $1`, [reference]);
  }

  it('is renewed while the handler runs, so nobody takes over a live holder past the lease time', async () => {
    h = await startJiraDelivery();
    const { job } = await h.runtime.outbox.enqueue(h.store, { type: 'slow', payload: {}, idempotencyKey: 'lease:renewed' });
    let release!: () => void;
    const handlers = new JobHandlers().register('slow', () => new Promise<unknown>((resolve) => (release = () => resolve({ key: 'X-1' }))));
    // Renewed every 333 ms: a busy machine may be late by most of the rest of the lease.
    const runner = new JobRunner(h.runtime.outbox, handlers, { leaseMs: 1_000 });
    const running = runner.runNow(job.reference);
    // Three lease lengths later, the holder is still working and the job still its own.
    const until = Date.now() + 3_000;
    while (Date.now() < until) {
      expect(await h.runtime.outbox.claim(job.reference, 1_000)).toBeNull();
      expect(await h.runtime.outbox.claimDue(10, 1_000)).toEqual([]);
      await sleep(50);
    }
    release();
    expect((await running).status).toBe('done');
    expect(await h.runtime.outbox.get(job.reference)).toMatchObject({ status: 'done', attempts: 1, result: { key: 'X-1' } });
  });

  it('does not let a holder whose lease was taken over start its vendor call', async () => {
    h = await startJiraDelivery();
    const { outbox, runner } = h.runtime;
    const { job } = await outbox.enqueue(h.store, ticketJob('lease-lost'));
    const stale = (await outbox.claim(job.reference, 10_000))!;
    await expireLease(job.reference);
    const current = (await outbox.claim(job.reference, 10_000))!;
    expect(current.claimToken).not.toBe(stale.claimToken);

    expect((await runner.runClaimed(stale)).status).toBe('skipped');
    expect(h.jira.requests.filter(CREATE)).toHaveLength(0);

    expect((await runner.runClaimed(current)).status).toBe('done');
    expect(h.jira.requests.filter(CREATE)).toHaveLength(1);
    expect(h.jira.issues.size).toBe(1);
  });

  it('does not let a holder that cannot reach the database start its vendor call; the job is finished once its lease ran out', async () => {
    h = await startJiraDelivery();
    const { job } = await h.runtime.outbox.enqueue(h.store, ticketJob('db-gone'));
    // Another process on the same database: it claims the job, then loses its database.
    const otherStore = h.schema.store(1);
    const otherOutbox = new Outbox(otherStore);
    const otherRunner = new JobRunner(otherOutbox, deliveryHandlers({ ticketing: h.ticketing }), { leaseMs: 500, logger: silentLogger() });
    const claimed = (await otherOutbox.claim(job.reference, 500))!;
    await otherStore.close();

    const outcome = await otherRunner.runClaimed(claimed).catch(() => null);
    expect(outcome?.status).toBe('skipped');
    expect(h.jira.requests.filter(CREATE)).toHaveLength(0);

    // Nothing is lost: once that lease runs out, a worker takes the job over and files it once.
    await h.runtime.start('worker');
    await eventually('delivered after the dead lease', async () => (await h.runtime.outbox.get(job.reference))?.status === 'done');
    expect(h.jira.requests.filter(CREATE)).toHaveLength(1);
    expect(h.jira.issues.size).toBe(1);
  });

  it("aborts the handler's signal when the lease is lost mid-attempt, and refuses the stale holder's late result", async () => {
    h = await startJiraDelivery();
    const { outbox } = h.runtime;
    const { job } = await outbox.enqueue(h.store, { type: 'slow', payload: {}, idempotencyKey: 'lease:aborted' });
    let signalled: AbortSignal | null = null;
    const handlers = new JobHandlers().register(
      'slow',
      (_payload, { signal }) =>
        new Promise<unknown>((resolve) => {
          signalled = signal;
          // The late result: what the vendor answered after the lease was gone.
          signal.addEventListener('abort', () => setTimeout(() => resolve({ key: 'LATE-1' }), 50));
        }),
    );
    const runner = new JobRunner(outbox, handlers, { leaseMs: 300, logger: silentLogger() });
    const running = runner.runNow(job.reference);
    await eventually('handler started', () => signalled !== null);
    await expireLease(job.reference);
    const taker = (await outbox.claim(job.reference, 60_000))!;
    expect(taker).not.toBeNull();

    const outcome = await running;
    expect(signalled!.aborted).toBe(true);
    expect(outcome.status).toBe('skipped');
    expect(await outbox.get(job.reference)).toMatchObject({ status: 'running', claimToken: taker.claimToken, result: null });
    expect(await outbox.complete(taker, { key: 'X-2' })).toBe(true);
    expect(await outbox.get(job.reference)).toMatchObject({ status: 'done', result: { key: 'X-2' } });
  });

  it('stops the connector gateway from retrying a create once the lease is lost', async () => {
    h = await startJiraDelivery();
    const { outbox } = h.runtime;
    // Jira asks for a second's pause before the create is sent again; meanwhile the job is taken over.
    h.jira.fail({ status: 429, headers: { 'retry-after': '1' }, body: { errorMessages: ['Rate limit exceeded.'] }, match: CREATE });
    const { job } = await outbox.enqueue(h.store, ticketJob('retry-after-lease'));
    const runner = new JobRunner(outbox, deliveryHandlers({ ticketing: h.ticketing }), { leaseMs: 300, logger: silentLogger() });
    const running = runner.runNow(job.reference);
    await eventually('the first create was refused', () => h.jira.requests.filter(CREATE).length === 1);
    await expireLease(job.reference);
    const taker = (await outbox.claim(job.reference, 60_000))!;
    expect(taker).not.toBeNull();

    expect((await running).status).toBe('skipped');
    // Past the Retry-After: the gateway would have sent the create again by now.
    await sleep(1_500);
    expect(h.jira.requests.filter(CREATE)).toHaveLength(1);
    expect(h.jira.issues.size).toBe(0);
    expect(await outbox.get(job.reference)).toMatchObject({ status: 'running', claimToken: taker.claimToken });
  });

  it('keeps two in-process workers from both filing a ticket whose create is slower than the lease', async () => {
    h = await startJiraDelivery({ policy: { attemptTimeoutMs: 10_000, deadlineMs: 20_000 }, config: { leaseMs: 1_000, budgetMs: 0 } });
    // The vendor takes 3 s before the issue exists: three lease lengths.
    h.jira.delay({ ms: 3_000, before: true, match: CREATE });
    const other: DeliveryRuntime = createDeliveryRuntime({
      store: h.store,
      ports: { ticketing: h.ticketing },
      config: testDeliveryConfig({ leaseMs: 1_000 }),
      logger: silentLogger(),
    });
    cleanups.push(() => other.stop());
    const { job } = await h.runtime.outbox.enqueue(h.store, ticketJob('slow-create'));
    await h.runtime.start('worker');
    await eventually('first create sent', () => h.jira.requests.filter(CREATE).length === 1);
    await other.start('worker');
    await eventually('delivered', async () => (await h.runtime.outbox.get(job.reference))?.status === 'done');
    await sleep(500);
    expect(h.jira.requests.filter(CREATE)).toHaveLength(1);
    expect(h.jira.issues.size).toBe(1);
    expect(await h.runtime.outbox.get(job.reference)).toMatchObject({ status: 'done', attempts: 1 });
  });
});

describe('the default lease', () => {
  it('is short, because holders renew it: a crashed holder’s job is taken up within 30 s, and OUTBOX_LEASE_MS changes it', () => {
    expect(loadDeliveryConfig({}).leaseMs).toBe(30_000);
    expect(loadDeliveryConfig({ OUTBOX_LEASE_MS: '90000' }).leaseMs).toBe(90_000);
  });
});
