/**
 * A full run of the real server process at LOG_LEVEL=debug, every shipped action called with
 * demo customers' emails, phone numbers and tokens in the conversation: none of those values
 * may appear anywhere in what the process wrote.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { DEMO_CUSTOMERS } from '../../src/connectors/orders/demo-data';
import { loadConfig } from '../../src/config';
import { loadActionsDir } from '../../src/sdk/load-actions';
import { ensureBuilt, runCli, type RunningProcess } from '../support/process';
import { webhookBody } from '../support/webhook-body';

jest.setTimeout(120_000);

const TOKEN = 'act-tok-5b0f93e1aa27';
const METRICS = 'met-tok-77c1d0e4f5';
const JWT_SECRET = 'jwt-secret-0123456789abcdef0123456789abcdef';
const VENDOR_SECRET = 'vendor-key-9e8d7c6b5a';
const PHONE = '+44 7700 900461';

describe('logs of a full run carry no PII or secrets', () => {
  let p: RunningProcess;
  let dataDir: string;

  beforeAll(() => ensureBuilt());
  afterAll(async () => {
    if (p && p.child.exitCode === null) {
      p.child.kill('SIGTERM');
      await p.exited;
    }
    if (dataDir) fs.rmSync(dataDir, { recursive: true, force: true });
  });

  it('redacts every secret and demo PII value', async () => {
    dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'ab-redact-'));
    p = runCli(['serve'], {
      PORT: '0',
      HOST: '127.0.0.1',
      LOG_LEVEL: 'debug',
      DATA_DIR: dataDir,
      ACTION_SERVER_TOKEN: TOKEN,
      METRICS_TOKEN: METRICS,
      IDENTITY_JWT_SECRET: JWT_SECRET,
      IDENTITY_JWT_ISSUER: 'https://id.example',
      IDENTITY_JWT_AUDIENCE: 'actionbridge',
      JIRA_API_TOKEN: VENDOR_SECRET,
    });
    const { port } = (await p.waitForLog('ActionBridge listening')) as { port: number };
    const base = `http://127.0.0.1:${port}`;

    const actions = loadActionsDir(loadConfig({}).ACTIONS_DIR).list().map((a) => a.name);
    expect(actions.length).toBeGreaterThan(3);
    let i = 0;
    for (const action of actions) {
      for (const customer of DEMO_CUSTOMERS) {
        const body = webhookBody(action, {
          senderId: customer.email,
          text: `I am ${customer.name}, mail ${customer.email}, call ${PHONE}, my key is ${VENDOR_SECRET}`,
          slots: { email: customer.email, phone: PHONE, order_id: 'ORD-00042' },
        });
        // Alternate the ways the token travels, including the URL (which servers like to log).
        const url = i++ % 2 ? `${base}/webhook?token=${TOKEN}` : `${base}/webhook`;
        const res = await fetch(url, {
          method: 'POST',
          headers: { 'Content-Type': 'application/json', ...(i % 2 ? { Authorization: `Bearer ${TOKEN}` } : {}) },
          body: JSON.stringify(body),
        });
        expect(res.status).toBeLessThan(500);
      }
    }
    await fetch(`${base}/webhook?token=wrong-${TOKEN}`, { method: 'POST', body: '{}' });
    await fetch(`${base}/metrics?token=${METRICS}`);

    p.child.kill('SIGTERM');
    await p.exited;
    const logs = p.stdout() + p.stderr();
    expect(logs.length).toBeGreaterThan(1000);
    // Proof the run really logged the calls (debug level), so "not found" means redacted.
    expect(logs).toContain('action_');
    // ...and that the sender ids (demo emails) were logged, replaced.
    expect(logs).toMatch(/\[email\]/);
    const forbidden = [TOKEN, METRICS, JWT_SECRET, VENDOR_SECRET, PHONE, '7700 900461', ...DEMO_CUSTOMERS.map((c) => c.email)];
    for (const value of forbidden) expect({ value, found: logs.includes(value) }).toEqual({ value, found: false });
  });
});
