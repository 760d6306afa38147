/**
 * Issue #19 for UiPath: an `rpa.run` job adds one queue item however its calls fail (answer lost
 * after the add, an answer later than the attempt timeout, 5xx, 429, an expired token), waits for
 * the robot by reading the item until it is Successful or Failed, and a Failed item dead-letters
 * the job with the robot's reason. The real outbox on PostgreSQL, the fake Orchestrator on 127.0.0.1.
 */
import { EnvReader } from '../../../src/config/env';
import { readUiPathConfig } from '../../../src/connectors/uipath/config';
import { UiPathRpa } from '../../../src/connectors/uipath';
import { FakeUiPath, UIPATH_REQUESTS as R, type FakeUiPathOptions } from '../../support/fakes/uipath';
import { startVendorDelivery, type VendorDeliveryHarness } from '../../support/vendor-delivery';

const MARK = 'a'.repeat(32);
const leaveJob = (key: string) => ({
  type: 'rpa.run',
  idempotencyKey: `leave:${key}`,
  payload: { task: { name: 'leave.request', input: { employee: 'E-1001', type: 'annual', start: '2027-01-04', end: '2027-01-08', reason: 'Alps' } }, requestedBy: { conversation: MARK } },
});

describe('UiPath queue items through the outbox, once (PostgreSQL)', () => {
  let fake: FakeUiPath;
  let h: VendorDeliveryHarness<{ rpa: UiPathRpa }>;
  async function start(opts: FakeUiPathOptions = {}, searchConsistencyMs = 0) {
    fake = await new FakeUiPath(opts).start();
    fake.robot = { readsToStart: 1, readsToFinish: 2, outcome: ({ reference }) => ({ status: 'Successful', output: { confirmation: `HR-${String(reference).slice(-4)}` } }) };
    const reader = new EnvReader(fake.env);
    const config = readUiPathConfig(reader);
    h = await startVendorDelivery((gateway) => ({ rpa: new UiPathRpa(config, gateway, { searchConsistencyMs }) }), { policy: { attemptTimeoutMs: 1_000 } });
  }
  afterEach(async () => {
    await h?.close();
    await fake?.stop();
  });

  async function runUntilSettled(reference: string, maxRuns = 6) {
    for (let run = 0; run < maxRuns; run++) {
      const outcome = await h.runtime.runner.runNow(reference, { onlyDue: false });
      if (outcome.status === 'done' || outcome.status === 'dead') return outcome;
    }
    throw new Error(`job ${reference} still not settled after ${maxRuns} runs`);
  }

  it('a unique-reference queue: lost answer, 5xx and 429 (the gateway gives up), then an expired token; one item, done with the robot confirmation', async () => {
    await start();
    fake.dropAfterActing({ match: R.addQueueItem });
    fake.failNext(502, { match: R.addQueueItem });
    fake.rateLimit(1, { match: R.addQueueItem });
    const { job } = await h.runtime.outbox.enqueue(h.store, leaveJob('1'));
    // Three attempts (the test policy's maximum), each refused or lost: the job tries again later.
    expect((await h.runtime.runner.runNow(job.reference)).status).toBe('retrying');
    expect(fake.items).toHaveLength(1);
    fake.expireTokens();
    const outcome = await runUntilSettled(job.reference);
    expect(fake.requests.filter(R.token)).toHaveLength(2);
    expect(outcome.status).toBe('done');
    expect(fake.itemsWithReference(job.reference)).toHaveLength(1);
    expect(fake.items).toHaveLength(1);
    expect(await h.runtime.outbox.get(job.reference)).toMatchObject({ status: 'done', result: { provider: 'uipath', confirmation: `HR-${job.reference.slice(-4)}` } });
    expect(fake.items[0]!.Status).toBe('Successful');
  }, 30_000);

  it('a queue without unique references: the lost add fails the attempt, the next one finds the item by Reference and never adds again', async () => {
    await start({ queues: [{ Name: 'LeaveRequests', EnforceUniqueReference: false }] });
    fake.dropAfterActing({ match: R.addQueueItem });
    const { job } = await h.runtime.outbox.enqueue(h.store, leaveJob('2'));
    expect((await h.runtime.runner.runNow(job.reference)).status).toBe('retrying');
    expect(fake.items).toHaveLength(1);
    const outcome = await runUntilSettled(job.reference);
    expect(outcome.status).toBe('done');
    expect(fake.requests.filter(R.addQueueItem)).toHaveLength(1);
    expect(fake.requests.filter(R.filterQueueItems).length).toBeGreaterThan(0);
    expect(fake.itemsWithReference(job.reference)).toHaveLength(1);
  }, 30_000);

  it('a queue without unique references whose list lags: a miss right after the lost add is not believed; the job waits, then finds the item', async () => {
    await start({ queues: [{ Name: 'LeaveRequests', EnforceUniqueReference: false }] }, 1_500);
    fake.filterLagMs = 1_200;
    fake.dropAfterActing({ match: R.addQueueItem });
    const { job } = await h.runtime.outbox.enqueue(h.store, leaveJob('5'));
    expect((await h.runtime.runner.runNow(job.reference)).status).toBe('retrying');
    expect((await h.runtime.runner.runNow(job.reference, { onlyDue: false })).status).toBe('retrying');
    expect(fake.requests.filter(R.addQueueItem)).toHaveLength(1);
    const waiting = await h.runtime.outbox.get(job.reference);
    await new Promise((r) => setTimeout(r, Math.max(0, waiting!.nextAttemptAt.getTime() - Date.now()) + 50));
    expect((await runUntilSettled(job.reference)).status).toBe('done');
    expect(fake.requests.filter(R.addQueueItem)).toHaveLength(1);
    expect(fake.itemsWithReference(job.reference)).toHaveLength(1);
  }, 30_000);

  it('an answer later than the attempt timeout on a queue without unique references: still one item', async () => {
    await start({ queues: [{ Name: 'LeaveRequests', EnforceUniqueReference: false }] });
    fake.delay({ ms: 2_500, match: R.addQueueItem });
    const { job } = await h.runtime.outbox.enqueue(h.store, leaveJob('3'));
    const outcome = await runUntilSettled(job.reference);
    expect(outcome.status).toBe('done');
    expect(fake.requests.filter(R.addQueueItem)).toHaveLength(1);
    expect(fake.itemsWithReference(job.reference)).toHaveLength(1);
  }, 30_000);

  it('a Failed item (business exception) dead-letters the job at once with the robot reason; nothing is added again', async () => {
    await start();
    fake.robot = { outcome: () => ({ status: 'Failed', reason: 'Employee E-1001 has no annual leave left', type: 'BusinessException' }) };
    const { job } = await h.runtime.outbox.enqueue(h.store, leaveJob('4'));
    const outcome = await runUntilSettled(job.reference);
    expect(outcome.status).toBe('dead');
    const dead = await h.runtime.outbox.get(job.reference);
    expect(dead!.lastError).toContain('Employee E-1001 has no annual leave left');
    expect(dead!.lastError).toContain(job.reference);
    expect(fake.requests.filter(R.addQueueItem)).toHaveLength(1);
  }, 30_000);
});
