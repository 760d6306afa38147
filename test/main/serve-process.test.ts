/**
 * The real `actionbridge serve` process: start-up, signals, exit codes. Compiled once (the same
 * `ensure-build` that `npm start` runs); every process gets its own temp actions folder so what
 * it loads does not depend on the shipped actions.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { postWebhook, request } from '../support/http';
import { ensureBuilt, runCli, type RunningProcess } from '../support/process';

/** A plain CommonJS action module, as a user would write one without the SDK. */
const actionFile = (name: string) => `module.exports = {
  name: ${JSON.stringify(name)},
  kind: 'action',
  slotNames: [],
  async run() { return [{ event: 'slot', timestamp: null, name: 'done', value: true }]; },
};
`;

/** An action that says it started (on stdout) and then waits until the file `gate` exists. */
const gatedActionFile = (name: string, gate: string) => `const fs = require('node:fs');
module.exports = {
  name: ${JSON.stringify(name)},
  kind: 'action',
  slotNames: [],
  async run() {
    process.stdout.write(JSON.stringify({ message: 'test action started' }) + '\\n');
    while (!fs.existsSync(${JSON.stringify(gate)})) await new Promise((r) => setTimeout(r, 10));
    return [{ event: 'slot', timestamp: null, name: 'done', value: true }];
  },
};
`;

describe('the actionbridge process', () => {
  let tmp: string;
  const running: RunningProcess[] = [];

  beforeAll(() => {
    ensureBuilt();
  }, 180_000);

  beforeEach(() => {
    tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'actionbridge-proc-'));
  });

  afterEach(async () => {
    for (const p of running.splice(0)) {
      if (p.child.exitCode === null && p.child.signalCode === null) p.child.kill('SIGKILL');
      await p.exited;
    }
    fs.rmSync(tmp, { recursive: true, force: true });
  });

  const start = (env: Record<string, string>) => {
    const p = runCli(['serve'], env);
    running.push(p);
    return p;
  };

  it('serves on PORT=0, logs its port, answers /health, and exits 0 on SIGTERM', async () => {
    fs.writeFileSync(path.join(tmp, 'hello.js'), actionFile('action_hello'));
    const p = start({ PORT: '0', HOST: '127.0.0.1', ACTIONS_DIR: tmp });
    const listening = await p.waitForLog('ActionBridge listening');
    expect(listening).toMatchObject({ level: 'info', host: '127.0.0.1', actions: ['action_hello'] });
    const port = listening.port as number;
    expect(port).toBeGreaterThan(0);

    const base = `http://127.0.0.1:${port}`;
    const health = await request(base, { path: '/health' });
    expect(health.status).toBe(200);
    expect(health.json()).toEqual({ status: 'ok' });
    expect((await request(base, { path: '/actions' })).json()).toEqual([{ name: 'action_hello' }]);

    p.child.kill('SIGTERM');
    expect(await p.exited).toBe(0);
    expect(p.stdout()).toContain('"message":"stopped"');
  });

  it('on SIGTERM finishes the call in flight, then exits 0', async () => {
    const gate = path.join(tmp, 'release');
    fs.writeFileSync(path.join(tmp, 'slow.js'), gatedActionFile('action_slow', gate));
    const p = start({ PORT: '0', HOST: '127.0.0.1', ACTIONS_DIR: tmp });
    const { port } = (await p.waitForLog('ActionBridge listening')) as { port: number };
    const base = `http://127.0.0.1:${port}`;
    const call = postWebhook(base, { next_action: 'action_slow', tracker: { sender_id: 'u1' }, domain: { actions: ['action_slow'] } });
    await p.waitForLog('test action started');

    p.child.kill('SIGTERM');
    await p.waitForLog('shutting down: finishing in-flight calls');
    fs.writeFileSync(gate, '');

    const res = await call;
    expect(res.status).toBe(200);
    expect(res.json()).toEqual({ events: [{ event: 'slot', timestamp: null, name: 'done', value: true }], responses: [] });
    expect(await p.exited).toBe(0);
  });

  it('with bad configuration exits non-zero and names every bad variable', async () => {
    const p = start({ PORT: 'abc', LOG_LEVEL: 'loud', BODY_LIMIT: 'huge', ACTIONS_DIR: tmp });
    const code = await p.exited;
    expect(code).not.toBe(0);
    expect(typeof code).toBe('number');
    for (const name of ['PORT', 'LOG_LEVEL', 'BODY_LIMIT']) expect(p.stderr()).toContain(`${name}: `);
  });

  it('refuses to start when two files define the same action name, naming both files', async () => {
    fs.writeFileSync(path.join(tmp, 'first.js'), actionFile('action_twice'));
    fs.writeFileSync(path.join(tmp, 'second.js'), actionFile('action_twice'));
    const p = start({ PORT: '0', HOST: '127.0.0.1', ACTIONS_DIR: tmp });
    const code = await p.exited;
    expect(code).not.toBe(0);
    expect(p.stderr()).toContain("'action_twice'");
    expect(p.stderr()).toContain('first.js');
    expect(p.stderr()).toContain('second.js');
    expect(p.stdout()).not.toContain('ActionBridge listening');
  });

  it('refuses to start when the actions folder does not exist', async () => {
    const missing = path.join(tmp, 'nope');
    const p = start({ PORT: '0', HOST: '127.0.0.1', ACTIONS_DIR: missing });
    expect(await p.exited).not.toBe(0);
    expect(p.stderr()).toContain(missing);
  });
});
