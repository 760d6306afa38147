/**
 * The browser robot against the legacy HR portal on 127.0.0.1, on the real Chromium: it files a
 * leave request, files it once when the portal fails after saving it, and stops on a flow that no
 * longer matches the screens with a clear error and what the page showed (secrets removed).
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { BrowserRobot } from '../../../src/connectors/browser-robot';
import { StoreArtifacts } from '../../../src/connectors/browser-robot/artifacts';
import { readBrowserRobotConfig } from '../../../src/connectors/browser-robot/config';
import { ConnectorError } from '../../../src/connectors/kit/connector-error';
import { Gateway } from '../../../src/connectors/kit/gateway';
import { EnvReader } from '../../../src/config/env';
import { migrate, type PgliteStore } from '../../../src/store';
import { findChromium } from '../../support/chromium';
import { LegacyHrPortal } from '../../support/legacy-hr-portal';
import { openMemoryPglite } from '../../support/pglite-template';

jest.setTimeout(180_000);

const SHIPPED_FLOWS = path.resolve(__dirname, '../../../rpa/flows');
const INPUT = { employee: 'Ada Lovelace', type: 'annual', start: '2031-07-01', end: '2031-07-10', reason: 'Summer holiday' };
// Generous: the machine is shared and Chromium is slow to start under load; nothing here is timed.
const POLICY = { attemptTimeoutMs: 90_000, deadlineMs: 170_000, maxAttempts: 3, initialDelayMs: 50, maxDelayMs: 200, breakerThreshold: 50 };

function robotFor(portal: LegacyHrPortal, flowsDir: string, artifacts?: StoreArtifacts, over: Record<string, string> = {}): BrowserRobot {
  const env = new EnvReader({
    RPA_FLOWS_DIR: flowsDir,
    RPA_BROWSER_PATH: findChromium(),
    RPA_BASE_URL: portal.url,
    HR_PORTAL_USER: portal.username,
    HR_PORTAL_PASSWORD: portal.password,
    RPA_MAX_CONTEXTS: '2',
    ...over,
  });
  const config = readBrowserRobotConfig(env);
  expect(env.problems).toEqual([]);
  return new BrowserRobot(config, new Gateway({ policies: { browser: POLICY } }), artifacts ? { artifacts } : {});
}

describe('browser robot on the legacy HR portal', () => {
  let portal: LegacyHrPortal;
  let store: PgliteStore;
  let artifacts: StoreArtifacts;
  let robot: BrowserRobot;
  let tmp: string;

  beforeAll(async () => {
    portal = new LegacyHrPortal({ confirmationDelayMs: 1_500 });
    await portal.start();
    store = await openMemoryPglite();
    await migrate(store);
    artifacts = new StoreArtifacts(store);
    robot = robotFor(portal, SHIPPED_FLOWS, artifacts);
    tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'rpa-flows-'));
  });
  afterAll(async () => {
    await robot?.close();
    await portal?.stop();
    await store?.close();
    if (tmp) fs.rmSync(tmp, { recursive: true, force: true });
  });

  it('files a leave request through the portal and answers with its confirmation number', async () => {
    const run = await robot.submit({ name: 'leave.request', input: INPUT }, { reference: 'REF-0000000001' });
    expect(portal.requests).toHaveLength(1);
    const filed = portal.requests[0]!;
    expect(filed).toMatchObject({ employee: 'Ada Lovelace', type: 'annual', start: '2031-07-01', end: '2031-07-10', reference: 'REF-0000000001' });
    expect(run).toEqual({ state: 'done', confirmation: filed.number, output: { existing: 'false' } });
    // Asked again with the same reference, it finds the request instead of filing a second one.
    expect(await robot.findByReference('leave.request', 'REF-0000000001')).toMatchObject({ state: 'done', confirmation: filed.number });
    expect(await robot.submit({ name: 'leave.request', input: INPUT }, { reference: 'REF-0000000001' })).toMatchObject({ confirmation: filed.number, output: { existing: 'true' } });
    expect(portal.requests).toHaveLength(1);
    expect(await robot.findByReference('leave.request', 'REF-0000000099')).toBeNull();
  });

  it('when the portal fails after saving the request, the retry finds it and files nothing twice', async () => {
    const before = portal.requests.length;
    portal.failNext({ path: '/leave/submit', when: 'after' });
    const run = await robot.submit({ name: 'leave.request', input: { ...INPUT, start: '2031-08-01', end: '2031-08-02' } }, { reference: 'REF-0000000002' });
    const mine = portal.requests.filter((r) => r.reference === 'REF-0000000002');
    expect(mine).toHaveLength(1);
    expect(portal.requests.length).toBe(before + 1);
    expect(run).toMatchObject({ state: 'done', confirmation: mine[0]!.number, output: { existing: 'true' } });
    // The failed attempt left its evidence behind.
    const kept = await artifacts.list('REF-0000000002');
    expect(kept.map((a) => a.kind)).toEqual(['failure_screenshot', 'failure_text']);
  });

  it('when the portal fails before saving, the retry files it once', async () => {
    const before = portal.submits();
    portal.failNext({ path: '/leave/step1' });
    const run = await robot.submit({ name: 'leave.request', input: { ...INPUT, start: '2031-09-01', end: '2031-09-03' } }, { reference: 'REF-0000000003' });
    const mine = portal.requests.filter((r) => r.reference === 'REF-0000000003');
    expect(mine).toHaveLength(1);
    expect(portal.submits() - before).toBe(1);
    expect(run).toMatchObject({ confirmation: mine[0]!.number, output: { existing: 'false' } });
  });

  it('a selector the page does not have fails at once, naming flow and step, with a screenshot and the page text without secrets', async () => {
    const flow = fs.readFileSync(path.join(SHIPPED_FLOWS, 'leave-request.yml'), 'utf8').replace('click: "#login"', 'click: { selector: "#log-in" }\n    timeoutMs: 1500');
    expect(flow.includes('#log-in')).toBe(true);
    const dir = fs.mkdtempSync(path.join(tmp, 'wrong-'));
    fs.writeFileSync(path.join(dir, 'leave-request.yml'), flow);
    const wrong = robotFor(portal, dir, artifacts);
    try {
      const err = await wrong.submit({ name: 'leave.request', input: INPUT }, { reference: 'REF-0000000004' }).then(
        () => null,
        (e: unknown) => e,
      );
      expect(err).toBeInstanceOf(ConnectorError);
      const e = err as ConnectorError;
      expect(e.kind).toBe('unsupported');
      expect(e.retry).toBe('never');
      expect(e.message).toContain('RPA flow leave.request, step session[4] (click');
      expect(e.message).toContain('#log-in');
      expect(e.message).toContain('jobs show REF-0000000004');
      expect(e.message.includes(portal.password)).toBe(false);
      // Not retried: one attempt, one screenshot and one page text.
      const kept = await artifacts.list('REF-0000000004');
      expect(kept.map((a) => [a.kind, a.step])).toEqual([
        ['failure_screenshot', 'session[4] (click)'],
        ['failure_text', 'session[4] (click)'],
      ]);
      const shot = await artifacts.get(kept[0]!.id);
      expect(shot!.content.subarray(1, 4).toString('latin1')).toBe('PNG');
      const text = (await artifacts.get(kept[1]!.id))!.content.toString('utf8');
      expect(text).toContain('HR Portal');
      expect(text.includes(portal.password)).toBe(false);
      expect(portal.requests.some((r) => r.reference === 'REF-0000000004')).toBe(false);
    } finally {
      await wrong.close();
    }
  });

  it('refuses a run that lacks an input the flow uses, before opening a browser', async () => {
    const { reason: _, ...partial } = INPUT;
    await expect(robot.submit({ name: 'leave.request', input: partial }, { reference: 'REF-0000000005' })).rejects.toMatchObject({ kind: 'validation', message: expect.stringContaining('reason') });
    await expect(robot.submit({ name: 'payroll.change', input: {} }, { reference: 'REF-0000000005' })).rejects.toMatchObject({ kind: 'unsupported' });
  });
});
