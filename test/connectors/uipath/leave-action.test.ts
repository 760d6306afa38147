/**
 * action_request_leave with RPA_PROVIDER=uipath, end to end: the action answers a reference at
 * once; a worker adds one queue item to the fake Orchestrator (the reference as its Reference,
 * the form as its SpecificContent), reads it until the simulated robot has finished, and the
 * conversation is told the robot's confirmation number; a robot's business exception ends in a
 * dead job the status question reports. The real outbox on PostgreSQL.
 */
import { EnvReader } from '../../../src/config/env';
import { Gateway } from '../../../src/connectors/kit/gateway';
import { RasaAssistant } from '../../../src/connectors/rasa';
import { UiPathRpa } from '../../../src/connectors/uipath';
import { readUiPathConfig } from '../../../src/connectors/uipath/config';
import { actionPorts } from '../../../src/delivery/action-ports';
import { createDeliveryRuntime, type DeliveryRuntime } from '../../../src/delivery/runtime';
import { silentLogger } from '../../../src/observability/logger';
import type { ActionServices } from '../../../src/sdk/services';
import { runAction } from '../../../src/sdk/testkit';
import { migrate, type PgStore } from '../../../src/store';
import { leaveStatus } from '../../../actions/leave-status';
import { requestLeave } from '../../../actions/request-leave';
import { testDeliveryConfig, TEST_POLICY } from '../../support/delivery';
import { FakeRasa } from '../../support/fakes/rasa';
import { FakeUiPath, UIPATH_REQUESTS as R } from '../../support/fakes/uipath';
import { createPgSchema, type PgSchema } from '../../support/stores';

jest.setTimeout(120_000);

async function until<T>(what: string, probe: () => Promise<T | null | undefined | false>, timeoutMs = 90_000): Promise<T> {
  const end = Date.now() + timeoutMs;
  for (;;) {
    const v = await probe();
    if (v) return v;
    if (Date.now() > end) throw new Error(`gave up waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

describe('action_request_leave through the outbox and UiPath Orchestrator (fake)', () => {
  let schema: PgSchema;
  let store: PgStore;
  let fake: FakeUiPath;
  let rasa: FakeRasa;
  let runtime: DeliveryRuntime;
  let services: ActionServices;

  beforeAll(async () => {
    schema = await createPgSchema();
    store = schema.store(6);
    await migrate(store);
    fake = await new FakeUiPath().start();
    rasa = new FakeRasa(['EXTERNAL_leave_request_filed']);
    await rasa.start();
    const reader = new EnvReader(fake.env);
    const config = readUiPathConfig(reader);
    expect(reader.problems).toEqual([]);
    const gateway = new Gateway({ defaults: { ...TEST_POLICY, attemptTimeoutMs: 3_000 } });
    const ports = { rpa: new UiPathRpa(config, gateway), assistant: new RasaAssistant({ url: rasa.url, token: 'rasa-token' }, gateway) };
    runtime = createDeliveryRuntime({ store, ports, config: testDeliveryConfig({ maxAttempts: 5 }), logger: silentLogger() });
    await runtime.start('worker');
    services = actionPorts(ports, runtime.delivery);
  });
  afterAll(async () => {
    await runtime?.stop();
    await fake?.stop();
    await rasa?.stop();
    await store?.close();
    await schema?.drop();
  });

  const slots = (start: string, end: string) => ({ leave_employee: 'Grace Hopper', leave_type: 'vacation', leave_start: start, leave_end: end });

  it('answers a reference at once, adds one queue item for it, and tells the conversation the robot confirmation number', async () => {
    fake.robot = { readsToStart: 1, readsToFinish: 3, outcome: ({ content }) => ({ status: 'Successful', output: { confirmation: `HR-${String(content.start).slice(0, 4)}-0042` } }) };
    const out = await runAction(requestLeave, { services, senderId: 'conv-uipath-1', slots: slots('2031-07-01', '2031-07-10') });
    const reference = out.slotsSet.leave_reference as string;
    expect(reference).toMatch(/^REF-[0-9A-Z]{10}$/);

    const job = await until('the job to be done', async () => {
      const j = await runtime.outbox.get(reference);
      return j?.status === 'done' && j;
    });
    expect(fake.itemsWithReference(reference)).toHaveLength(1);
    expect(fake.itemsWithReference(reference)[0]!.SpecificContent).toMatchObject({ employee: 'Grace Hopper', type: 'annual', start: '2031-07-01', end: '2031-07-10', ActionBridgeTask: 'leave.request' });
    expect(job.result).toMatchObject({ provider: 'uipath', confirmation: 'HR-2031-0042' });
    const trigger = await until('the Rasa trigger', async () => rasa.triggersFor('conv-uipath-1')[0]);
    expect(trigger.entities).toEqual({ request_reference: reference, confirmation_number: 'HR-2031-0042' });
    const asked = await runAction(leaveStatus, { services, senderId: 'conv-uipath-1', slots: { leave_reference: reference } });
    expect(asked.texts[0]).toContain('confirmation number HR-2031-0042');
    expect(fake.requests.filter(R.addQueueItem)).toHaveLength(1);
  });

  it("a robot's business exception: a dead job whose error names the robot's reason, and the status question says it could not be filed", async () => {
    fake.robot = { outcome: () => ({ status: 'Failed', reason: 'Grace Hopper has no vacation days left in 2031', type: 'BusinessException' }) };
    const out = await runAction(requestLeave, { services, senderId: 'conv-uipath-2', slots: slots('2031-08-03', '2031-08-04') });
    const reference = out.slotsSet.leave_reference as string;
    const job = await until('the job to be dead', async () => {
      const j = await runtime.outbox.get(reference);
      return j?.status === 'dead' && j;
    });
    expect(job.attempts).toBe(1);
    expect(job.lastError).toContain('no vacation days left');
    expect(fake.itemsWithReference(reference)).toHaveLength(1);
    const asked = await runAction(leaveStatus, { services, senderId: 'conv-uipath-2', slots: { leave_reference: reference } });
    expect(asked.texts[0]).toContain('could not file');
  });
});
