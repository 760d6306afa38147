/** The UiPath adapter against the fake Orchestrator and identity server on 127.0.0.1. */
import { EnvReader } from '../../../src/config/env';
import type { ConnectorError } from '../../../src/connectors/kit/connector-error';
import { Gateway, type ConnectorPolicy } from '../../../src/connectors/kit/gateway';
import { readUiPathConfig } from '../../../src/connectors/uipath/config';
import { TASK_KEY, UiPathRpa } from '../../../src/connectors/uipath';
import type { RpaRunStatus } from '../../../src/ports/rpa';
import { FakeUiPath, UIPATH_DEFAULT_RELEASE_KEY, UIPATH_REQUESTS as R, type FakeUiPathOptions } from '../../support/fakes/uipath';
import { TEST_POLICY } from '../../support/policy';

const LEAVE = { name: 'leave.request', input: { employee: 'E-1001', type: 'annual', start: '2027-01-04', end: '2027-01-08', reason: "Alps, 'quoted'" } };

function adapter(fake: FakeUiPath, env: Record<string, string> = {}, policy: Partial<ConnectorPolicy> = {}): UiPathRpa {
  const reader = new EnvReader({ ...fake.env, ...env });
  const config = readUiPathConfig(reader);
  expect(reader.problems).toEqual([]);
  return new UiPathRpa(config, new Gateway({ defaults: { ...TEST_POLICY, attemptTimeoutMs: 3_000, ...policy } }));
}

async function pollUntilFinished(rpa: UiPathRpa, runId: string, maxPolls = 20): Promise<{ status: RpaRunStatus; polls: number }> {
  for (let polls = 1; polls <= maxPolls; polls++) {
    const status = await rpa.status(runId);
    if (status.state !== 'running') return { status, polls };
  }
  throw new Error(`still running after ${maxPolls} polls`);
}

describe('UiPath Orchestrator adapter (fake Orchestrator)', () => {
  let fake: FakeUiPath;
  const start = async (opts: FakeUiPathOptions = {}) => {
    fake = await new FakeUiPath(opts).start();
    return fake;
  };
  afterEach(async () => {
    await fake?.stop();
  });

  it('adds one queue item with the job reference, the inputs as SpecificContent and the folder header, after one form-encoded token request', async () => {
    await start();
    const rpa = adapter(fake);
    const run = await rpa.submit(LEAVE, { reference: 'REF-0000000001' });
    expect(run).toEqual({ state: 'running', runId: `q:${fake.items[0]!.Id}` });
    expect(fake.items).toHaveLength(1);
    expect(fake.items[0]).toMatchObject({ Reference: 'REF-0000000001', Status: 'New', SpecificContent: { ...LEAVE.input, [TASK_KEY]: 'leave.request' } });
    const token = fake.requests.filter(R.token);
    expect(token).toHaveLength(1);
    expect(token[0]!.headers['content-type']).toContain('application/x-www-form-urlencoded');
    expect(token[0]!.body).toMatchObject({ grant_type: 'client_credentials', client_id: fake.clientId, scope: 'OR.Queues' });
    expect(fake.requests.filter(R.addQueueItem)[0]!.headers['x-uipath-organizationunitid']).toBe(String(fake.folderId));
  });

  it('makes every Orchestrator request through the gateway (one observed call per operation, its retries counted, the breaker opening)', async () => {
    await start();
    const calls: string[] = [];
    let retries = 0;
    const states: string[] = [];
    const gateway = new Gateway({
      defaults: { ...TEST_POLICY, attemptTimeoutMs: 3_000, breakerThreshold: 2 },
      observer: { callFinished: (e) => calls.push(`${e.connector} ${e.operation}${e.errorKind ? ` ${e.errorKind}` : ''}`), retried: () => retries++, breakerChanged: (_c, state) => states.push(state) },
    });
    const rpa = new UiPathRpa(readUiPathConfig(new EnvReader(fake.env)), gateway);
    fake.failNext(503, { match: R.addQueueItem });
    const run = await rpa.submit(LEAVE, { reference: 'REF-0000000007' });
    await rpa.status((run as { runId: string }).runId);
    expect(calls).toEqual(['uipath getQueueDefinition', 'uipath addQueueItem', 'uipath getQueueItem']);
    expect(retries).toBe(1);
    fake.failNext(500, { times: Infinity, match: R.readQueueItem });
    await rpa.status((run as { runId: string }).runId).catch(() => undefined);
    expect(states).toEqual(['open']);
    expect(((await rpa.status((run as { runId: string }).runId).catch((e: unknown) => e)) as ConnectorError).vendorCode).toBe('circuit_open');
  });

  it('keeps the token until it expires, and renews it once when Orchestrator answers 401', async () => {
    await start();
    const rpa = adapter(fake);
    await rpa.submit(LEAVE, { reference: 'REF-0000000002' });
    await rpa.findByReference('leave.request', 'REF-0000000002');
    expect(rpa.orchestrator.tokensIssued).toBe(1);
    fake.expireTokens();
    await rpa.submit(LEAVE, { reference: 'REF-0000000003' });
    expect(rpa.orchestrator.tokensIssued).toBe(2);
    expect(fake.items.map((i) => i.Reference)).toEqual(['REF-0000000002', 'REF-0000000003']);
    // The refused add and its repeat with the new token.
    expect(fake.requests.filter(R.addQueueItem)).toHaveLength(3);
  });

  it('gives up after one renewal when every new token is refused too, naming the 401', async () => {
    await start();
    const rpa = adapter(fake);
    fake.issueTokensFor(0);
    const err = (await rpa.submit(LEAVE, { reference: 'REF-0000000004' }).catch((e: unknown) => e)) as ConnectorError;
    expect([err.kind, err.status, err.retry]).toEqual(['auth', 401, 'never']);
    expect(rpa.orchestrator.tokensIssued).toBe(2);
    expect(fake.items).toHaveLength(0);
  });

  it('refuses wrong client credentials as auth (invalid_client) and a scope the application lacks as forbidden, without calling Orchestrator', async () => {
    await start();
    const wrong = (await adapter(fake, { UIPATH_CLIENT_SECRET: 'nope' }).submit(LEAVE, { reference: 'REF-0000000005' }).catch((e: unknown) => e)) as ConnectorError;
    expect([wrong.kind, wrong.vendorCode, wrong.retry]).toEqual(['auth', 'invalid_client', 'never']);
    expect(wrong.message).toContain('UIPATH_CLIENT_SECRET');
    expect(wrong.message).not.toContain('nope');
    const scope = (await adapter(fake, { UIPATH_SCOPES: 'OR.Queues OR.Administration' }).submit(LEAVE, { reference: 'REF-0000000006' }).catch((e: unknown) => e)) as ConnectorError;
    expect([scope.kind, scope.vendorCode]).toEqual(['forbidden', 'invalid_scope']);
    expect(fake.requests.filter((r) => r.path.includes('/orchestrator_/'))).toHaveLength(0);
  });

  describe('adds an item once under retries and timeouts (queue with unique references)', () => {
    it('answer lost after the item was added: the repeat is refused 409 (errorCode 1016) and the first item is the run', async () => {
      await start();
      const rpa = adapter(fake);
      fake.dropAfterActing({ match: R.addQueueItem });
      const run = await rpa.submit(LEAVE, { reference: 'REF-0000000010' });
      expect(fake.items).toHaveLength(1);
      expect(run).toEqual({ state: 'running', runId: `q:${fake.items[0]!.Id}` });
      expect(fake.requests.filter(R.addQueueItem)).toHaveLength(2);
    });

    it('answer later than the attempt timeout: the same', async () => {
      await start();
      const rpa = adapter(fake, {}, { attemptTimeoutMs: 300 });
      await rpa.orchestrator.queueDefinition('LeaveRequests');
      fake.delay({ ms: 1_500, match: R.addQueueItem });
      const run = await rpa.submit(LEAVE, { reference: 'REF-0000000011' });
      expect(fake.items).toHaveLength(1);
      expect(run).toEqual({ state: 'running', runId: `q:${fake.items[0]!.Id}` });
    });

    it('5xx and 429 (after its Retry-After) are repeated; one item', async () => {
      await start();
      const rpa = adapter(fake);
      fake.failNext(500, { match: R.addQueueItem });
      fake.rateLimit(1, { match: R.addQueueItem });
      await rpa.submit(LEAVE, { reference: 'REF-0000000012' });
      expect(fake.requests.filter(R.addQueueItem)).toHaveLength(3);
      expect(fake.items).toHaveLength(1);
    });

    it('the token expired between attempts: renewed, one item', async () => {
      await start();
      const rpa = adapter(fake);
      await rpa.orchestrator.queueDefinition('LeaveRequests');
      fake.failNext(503, { match: R.addQueueItem });
      fake.expireTokens();
      await rpa.submit(LEAVE, { reference: 'REF-0000000013' });
      expect(fake.items).toHaveLength(1);
      expect(rpa.orchestrator.tokensIssued).toBe(2);
    });

    it('a first submit for a reference another request already used gets that item, not a second', async () => {
      await start();
      const rpa = adapter(fake);
      const first = await rpa.submit(LEAVE, { reference: 'REF-0000000014' });
      const again = await rpa.submit(LEAVE, { reference: 'REF-0000000014' });
      expect(again).toEqual(first);
      expect(fake.items).toHaveLength(1);
    });
  });

  it('on a queue without unique references an ambiguous add is not repeated by the gateway (the job looks first, by Reference)', async () => {
    await start({ queues: [{ Name: 'LeaveRequests', EnforceUniqueReference: false }] });
    const rpa = adapter(fake);
    fake.dropAfterActing({ match: R.addQueueItem });
    const lost = (await rpa.submit(LEAVE, { reference: 'REF-0000000020' }).catch((e: unknown) => e)) as ConnectorError;
    expect([lost.kind, lost.retry]).toEqual(['upstream_unavailable', 'if_idempotent']);
    expect(fake.items).toHaveLength(1);
    expect(await rpa.findByReference('leave.request', 'REF-0000000020')).toEqual({ state: 'running', runId: `q:${fake.items[0]!.Id}` });
    expect(await rpa.findByReference('leave.request', 'REF-0000000021')).toBeNull();
    // A 429 was refused up front: repeated at once, still one item.
    fake.rateLimit(1, { match: R.addQueueItem });
    await rpa.submit(LEAVE, { reference: 'REF-0000000022' });
    expect(fake.itemsWithReference('REF-0000000022')).toHaveLength(1);
  });

  it('findByReference does not see an item while the list lags, and does once it has caught up', async () => {
    await start();
    const rpa = adapter(fake);
    fake.filterLagMs = 60_000;
    await rpa.submit(LEAVE, { reference: 'REF-0000000030' });
    expect(await rpa.findByReference('leave.request', 'REF-0000000030')).toBeNull();
    fake.filterLagMs = 0;
    expect(await rpa.findByReference('leave.request', 'REF-0000000030')).toEqual({ state: 'running', runId: `q:${fake.items[0]!.Id}` });
  });

  it('a duplicate whose item the lagging list cannot show yet is an upstream wait, not a second item', async () => {
    await start();
    const rpa = adapter(fake);
    await rpa.submit(LEAVE, { reference: 'REF-0000000031' });
    fake.filterLagMs = 60_000;
    const err = (await rpa.submit(LEAVE, { reference: 'REF-0000000031' }).catch((e: unknown) => e)) as ConnectorError;
    expect([err.kind, err.code]).toEqual(['upstream_unavailable', 'awaiting_consistency']);
    expect(fake.items).toHaveLength(1);
  });

  describe('status, polled until the robot has finished', () => {
    it('New → InProgress → Successful: done with the robot output confirmation', async () => {
      await start();
      fake.robot = { readsToStart: 1, readsToFinish: 3, outcome: () => ({ status: 'Successful', output: { confirmation: 'LV-2027-0042', days: 5 } }) };
      const rpa = adapter(fake);
      const run = await rpa.submit(LEAVE, { reference: 'REF-0000000040' });
      expect(await rpa.status((run as { runId: string }).runId)).toEqual({ state: 'running' });
      expect(fake.items[0]!.Status).toBe('InProgress');
      const { status, polls } = await pollUntilFinished(rpa, (run as { runId: string }).runId);
      expect(status).toEqual({ state: 'done', confirmation: 'LV-2027-0042', output: { days: '5' } });
      expect(polls).toBe(2);
      expect(fake.items[0]!.Status).toBe('Successful');
    });

    it('Failed with a business exception: failed, permanent, with the robot reason', async () => {
      await start();
      fake.robot = { outcome: () => ({ status: 'Failed', reason: 'Leave balance too low', type: 'BusinessException' }) };
      const rpa = adapter(fake);
      const run = await rpa.submit(LEAVE, { reference: 'REF-0000000041' });
      const { status } = await pollUntilFinished(rpa, (run as { runId: string }).runId);
      expect(status).toEqual({ state: 'failed', permanent: true, reason: expect.stringContaining('Leave balance too low') });
      expect((status as { reason: string }).reason).toContain('REF-0000000041');
    });

    it("Failed with an application exception (the queue's own retries used up): failed for good too, named as such", async () => {
      await start();
      fake.robot = { outcome: () => ({ status: 'Failed', reason: 'Portal timed out', type: 'ApplicationException' }) };
      const rpa = adapter(fake);
      const run = await rpa.submit(LEAVE, { reference: 'REF-0000000042' });
      expect((await pollUntilFinished(rpa, (run as { runId: string }).runId)).status).toEqual({ state: 'failed', permanent: true, reason: expect.stringContaining('(application exception): Portal timed out') });
    });

    it("follows the queue's auto retry to the copy of the item, to its outcome", async () => {
      await start();
      fake.robot = { outcome: ({ retryNumber }) => (retryNumber === 0 ? { status: 'Retried', reason: 'Selector not found' } : { status: 'Successful', output: { confirmation: 'LV-7' } }) };
      const rpa = adapter(fake);
      const run = await rpa.submit(LEAVE, { reference: 'REF-0000000043' });
      expect((await pollUntilFinished(rpa, (run as { runId: string }).runId)).status).toEqual({ state: 'done', confirmation: 'LV-7' });
      expect(fake.itemsWithReference('REF-0000000043').map((i) => i.Status)).toEqual(['Retried', 'Successful']);
    });

    it('an unknown run is not_found', async () => {
      await start();
      const rpa = adapter(fake);
      expect(((await rpa.status('q:99999').catch((e: unknown) => e)) as ConnectorError).kind).toBe('not_found');
      expect(((await rpa.status('nonsense').catch((e: unknown) => e)) as ConnectorError).kind).toBe('not_found');
    });
  });

  describe('a task mapped to a process: started as a job', () => {
    const env = { UIPATH_QUEUE: '', UIPATH_TASKS: `leave.request=process:${UIPATH_DEFAULT_RELEASE_KEY}` };

    it('starts one job with the inputs as arguments and the reference, polled until Successful', async () => {
      await start();
      fake.robot = { outcome: ({ content }) => ({ status: 'Successful', output: { confirmation: `LV-${String(content.employee)}` } }) };
      const rpa = adapter(fake, env);
      const run = await rpa.submit(LEAVE, { reference: 'REF-0000000050' });
      expect(run).toEqual({ state: 'running', runId: `j:${fake.jobs[0]!.Id}` });
      expect(fake.jobs[0]).toMatchObject({ Reference: 'REF-0000000050', State: 'Pending' });
      expect(JSON.parse(fake.jobs[0]!.InputArguments!)).toEqual(LEAVE.input);
      expect(fake.requests.filter(R.token)[0]!.body).toMatchObject({ scope: 'OR.Jobs' });
      expect((await pollUntilFinished(rpa, (run as { runId: string }).runId)).status).toEqual({ state: 'done', confirmation: 'LV-E-1001' });
      expect(await rpa.findByReference('leave.request', 'REF-0000000050')).toEqual(run);
    });

    it('a faulted job is failed with its info; a lost StartJobs answer is not repeated', async () => {
      await start();
      fake.robot = { outcome: () => ({ status: 'Failed', reason: 'Login page changed' }) };
      const rpa = adapter(fake, env);
      const run = await rpa.submit(LEAVE, { reference: 'REF-0000000051' });
      expect((await pollUntilFinished(rpa, (run as { runId: string }).runId)).status).toEqual({ state: 'failed', permanent: true, reason: expect.stringContaining('Login page changed') });
      fake.dropAfterActing({ match: R.startJobs });
      const lost = (await rpa.submit(LEAVE, { reference: 'REF-0000000052' }).catch((e: unknown) => e)) as ConnectorError;
      expect(lost.kind).toBe('upstream_unavailable');
      expect(fake.jobs.filter((j) => j.Reference === 'REF-0000000052')).toHaveLength(1);
      expect(await rpa.findByReference('leave.request', 'REF-0000000052')).toEqual({ state: 'running', runId: `j:${fake.jobs.at(-1)!.Id}` });
    });
  });

  it('a task with no queue or process configured is unsupported; an unknown queue is not_found', async () => {
    await start();
    const rpa = adapter(fake, { UIPATH_QUEUE: '', UIPATH_TASKS: 'other.task=queue:LeaveRequests' });
    expect(rpa.tasks?.()).toEqual(['other.task']);
    expect(adapter(fake).tasks).toBeUndefined();
    expect(((await rpa.submit(LEAVE, { reference: 'REF-0000000060' }).catch((e: unknown) => e)) as ConnectorError).kind).toBe('unsupported');
    const missing = (await adapter(fake, { UIPATH_QUEUE: 'NoSuchQueue' }).submit(LEAVE, { reference: 'REF-0000000061' }).catch((e: unknown) => e)) as ConnectorError;
    expect([missing.kind, missing.vendorCode]).toEqual(['not_found', 'queue_not_found']);
  });
});
