/**
 * action_request_leave end to end: the action hands the request to the outbox and answers a
 * reference at once; a worker runs the browser robot on the real Chromium against the legacy HR
 * portal on 127.0.0.1; the conversation is then told the confirmation number (a Rasa trigger) and
 * a status question answers it. Also: a portal that fails after saving is retried and files once;
 * a flow whose selector is wrong ends in a dead job whose error names the step and points at the
 * screenshot kept for it.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { BrowserRobot } from '../../src/connectors/browser-robot';
import { StoreArtifacts } from '../../src/connectors/browser-robot/artifacts';
import { readBrowserRobotConfig } from '../../src/connectors/browser-robot/config';
import { Gateway } from '../../src/connectors/kit/gateway';
import { RasaAssistant } from '../../src/connectors/rasa';
import { EnvReader } from '../../src/config/env';
import { actionPorts } from '../../src/delivery/action-ports';
import { createDeliveryRuntime, type DeliveryRuntime } from '../../src/delivery/runtime';
import { RPA_JOB } from '../../src/delivery/rpa-jobs';
import { silentLogger } from '../../src/observability/logger';
import type { ActionServices } from '../../src/sdk/services';
import { runAction } from '../../src/sdk/testkit';
import { migrate, type PgStore } from '../../src/store';
import { leaveStatus } from '../../actions/leave-status';
import { requestLeave } from '../../actions/request-leave';
import { findChromium } from '../support/chromium';
import { testDeliveryConfig } from '../support/delivery';
import { FakeRasa } from '../support/fakes/rasa';
import { LegacyHrPortal } from '../support/legacy-hr-portal';
import { createPgSchema, type PgSchema } from '../support/stores';

jest.setTimeout(300_000);

const FLOWS = path.resolve(__dirname, '../../rpa/flows');
const POLICY = { attemptTimeoutMs: 90_000, deadlineMs: 200_000, maxAttempts: 3, initialDelayMs: 50, maxDelayMs: 200, breakerThreshold: 50 };

interface Harness {
  robot: BrowserRobot;
  runtime: DeliveryRuntime;
  services: ActionServices;
  artifacts: StoreArtifacts;
}

async function until<T>(what: string, probe: () => Promise<T | null | undefined | false>, timeoutMs = 240_000): Promise<T> {
  const end = Date.now() + timeoutMs;
  for (;;) {
    const v = await probe();
    if (v) return v;
    if (Date.now() > end) throw new Error(`gave up waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 200));
  }
}

describe('action_request_leave through the outbox and the browser robot', () => {
  let schema: PgSchema;
  let store: PgStore;
  let portal: LegacyHrPortal;
  let rasa: FakeRasa;
  let tmp: string;
  const harnesses: Harness[] = [];

  async function start(flowsDir = FLOWS): Promise<Harness> {
    const env = new EnvReader({ RPA_FLOWS_DIR: flowsDir, RPA_BROWSER_PATH: findChromium(), RPA_BASE_URL: portal.url, HR_PORTAL_USER: portal.username, HR_PORTAL_PASSWORD: portal.password });
    const config = readBrowserRobotConfig(env);
    expect(env.problems).toEqual([]);
    const gateway = new Gateway({ policies: { browser: POLICY, rasa: { attemptTimeoutMs: 5_000 } } });
    const artifacts = new StoreArtifacts(store);
    const robot = new BrowserRobot(config, gateway, { artifacts });
    const assistant = new RasaAssistant({ url: rasa.url, token: 'rasa-token' }, gateway);
    const ports = { rpa: robot, assistant };
    // A long lease: an attempt is a whole browser flow on a loaded machine.
    const runtime = createDeliveryRuntime({ store, ports, config: testDeliveryConfig({ leaseMs: 120_000, maxAttempts: 5 }), logger: silentLogger() });
    await runtime.start('worker');
    const h = { robot, runtime, services: actionPorts(ports, runtime.delivery), artifacts };
    harnesses.push(h);
    return h;
  }

  beforeAll(async () => {
    schema = await createPgSchema();
    store = schema.store(6);
    await migrate(store);
    portal = new LegacyHrPortal({ confirmationDelayMs: 1_500 });
    await portal.start();
    rasa = new FakeRasa(['EXTERNAL_leave_request_filed']);
    await rasa.start();
    tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'rpa-e2e-'));
  });
  afterAll(async () => {
    for (const h of harnesses) {
      await h.runtime.stop().catch(() => undefined);
      await h.robot.close();
    }
    await portal?.stop();
    await rasa?.stop();
    await store?.close();
    await schema?.drop();
    if (tmp) fs.rmSync(tmp, { recursive: true, force: true });
  });

  const slots = (start: string, end: string) => ({ leave_employee: 'Grace Hopper', leave_type: 'vacation', leave_start: start, leave_end: end });

  it('answers a reference at once, files the request by a worker, tells the conversation the confirmation number, and answers status questions', async () => {
    const h = await start();
    const out = await runAction(requestLeave, { services: h.services, senderId: 'conv-leave-1', slots: slots('2031-07-01', '2031-07-10') });
    const reference = out.slotsSet.leave_reference as string;
    expect(reference).toMatch(/^REF-[0-9A-Z]{10}$/);
    expect(out.texts[0]).toContain(`your reference is ${reference}`);
    expect(out.slotsSet).toMatchObject({ leave_type: null, leave_start: null, leave_end: null });

    const job = await until('the job to be done', async () => {
      const j = await h.runtime.outbox.get(reference);
      return j?.status === 'done' && j;
    });
    expect(job.type).toBe(RPA_JOB);
    expect(portal.requests).toHaveLength(1);
    const filed = portal.requests[0]!;
    expect(filed).toMatchObject({ employee: 'Grace Hopper', type: 'annual', start: '2031-07-01', end: '2031-07-10', reference });
    expect(job.result).toMatchObject({ provider: 'browser', key: filed.number, confirmation: filed.number });

    const trigger = await until('the Rasa trigger', async () => rasa.triggersFor('conv-leave-1')[0]);
    expect(trigger.intent).toBe('EXTERNAL_leave_request_filed');
    expect(trigger.entities).toEqual({ request_reference: reference, confirmation_number: filed.number });

    const asked = await runAction(leaveStatus, { services: h.services, senderId: 'conv-leave-1', slots: { leave_reference: reference.toLowerCase() } });
    expect(asked.texts[0]).toContain(`confirmation number ${filed.number}`);
    // Another conversation is told the reference does not exist.
    const stranger = await runAction(leaveStatus, { services: h.services, senderId: 'someone-else', slots: { leave_reference: reference } });
    expect(stranger.texts[0]).toContain("couldn't find");
    // Rasa re-sending the same call gets the same reference, and nothing is filed again.
    const again = await runAction(requestLeave, { services: h.services, senderId: 'conv-leave-1', slots: slots('2031-07-01', '2031-07-10') });
    expect(again.slotsSet.leave_reference).toBe(reference);
    expect(portal.requests).toHaveLength(1);
  });

  it('the portal failing after saving the request: the job is retried and the request filed once', async () => {
    const h = harnesses[0] ?? (await start());
    portal.failNext({ path: '/leave/submit', when: 'after' });
    const out = await runAction(requestLeave, { services: h.services, senderId: 'conv-leave-2', slots: slots('2031-08-03', '2031-08-04') });
    const reference = out.slotsSet.leave_reference as string;
    const job = await until('the job to be done', async () => {
      const j = await h.runtime.outbox.get(reference);
      return j?.status === 'done' && j;
    });
    const mine = portal.requests.filter((r) => r.reference === reference);
    expect(mine).toHaveLength(1);
    expect(job.result).toMatchObject({ confirmation: mine[0]!.number, output: { existing: 'true' } });
  });

  it('a selector the portal does not have: a dead job naming the step, with a screenshot kept for it', async () => {
    const dir = fs.mkdtempSync(path.join(tmp, 'wrong-'));
    const flow = fs.readFileSync(path.join(FLOWS, 'leave-request.yml'), 'utf8').replace('click: "#submit"', 'click: "#submit-request"\n    timeoutMs: 2000');
    expect(flow.includes('#submit-request')).toBe(true);
    fs.writeFileSync(path.join(dir, 'leave-request.yml'), flow);
    // Only the workers with the broken flow may take the job.
    for (const other of harnesses) await other.runtime.stop();
    const h = await start(dir);
    const before = portal.requests.length;
    const out = await runAction(requestLeave, { services: h.services, senderId: 'conv-leave-3', slots: slots('2031-09-01', '2031-09-02') });
    const reference = out.slotsSet.leave_reference as string;
    const job = await until('the job to be dead', async () => {
      const j = await h.runtime.outbox.get(reference);
      return j?.status === 'dead' && j;
    });
    expect(job.attempts).toBe(1);
    expect(job.lastError).toContain('RPA flow leave.request, step steps[12] (click');
    expect(job.lastError).toContain('#submit-request');
    expect(job.lastError).toContain(`jobs show ${reference}`);
    expect(job.lastError!.includes(portal.password)).toBe(false);
    const kept = await h.artifacts.list(reference);
    expect(kept.map((a) => a.kind)).toEqual(['failure_screenshot', 'failure_text']);
    expect(kept[0]!.bytes).toBeGreaterThan(1_000);
    expect(portal.requests.length).toBe(before);
    const asked = await runAction(leaveStatus, { services: h.services, senderId: 'conv-leave-3', slots: { leave_reference: reference } });
    expect(asked.texts[0]).toContain('could not file');
  });
});
