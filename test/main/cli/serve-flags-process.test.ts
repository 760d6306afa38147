/**
 * What only a real `actionbridge` process shows: `--help` and `--version` exit without side
 * effects, unknown flags are refused, and in an adopter's project outside this repository
 * (`node_modules/actionbridge` linked to it) `serve --actions ./actions` loads a typed `.ts` and a
 * `.mjs` action without a build, reloads an edited `.ts` with `--auto-reload`, serves HTTPS with
 * a self-signed certificate, and names a broken action file.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { closedPort, postWebhook, request } from '../../support/http';
import { ensureBuilt, ROOT, runCli, type RunningProcess } from '../../support/process';
import { httpsGet, makeCertificates } from '../../support/tls';
import { replyOf, webhookBody } from '../../support/webhook-body';

/** A typed action as an adopter writes it: type syntax, imports from the package and zod. */
const typedAction = (text: string) => `import { defineAction, type Action } from 'actionbridge';
import { z } from 'zod';

interface Greeting { text: string }
const greeting: Greeting = { text: ${JSON.stringify(text)} };

export const greet: Action = defineAction({
  name: 'action_typed_greet',
  slots: z.object({ user_name: z.string().optional() }),
  run({ slots, dispatcher }) {
    dispatcher.utterMessage({ text: greeting.text + (slots.user_name ? ', ' + slots.user_name : '') });
  },
});

// Rejected through the package's own error class: the server recognises it only if the action
// and the server share one copy of the package.
export const refuse: Action = defineAction({ name: 'action_typed_refuse', run({ reject }) { reject('not today'); } });
`;

const esmAction = `export default {
  name: 'action_esm_hello',
  kind: 'action',
  slotNames: [],
  async run({ dispatcher }) { dispatcher.utterMessage('hello from an ES module'); return []; },
};
`;

let project: string;
const running: RunningProcess[] = [];

beforeAll(() => {
  ensureBuilt();
}, 180_000);

beforeEach(() => {
  project = fs.mkdtempSync(path.join(os.tmpdir(), 'ab-adopter-'));
  fs.mkdirSync(path.join(project, 'node_modules'));
  fs.symlinkSync(ROOT, path.join(project, 'node_modules', 'actionbridge'), 'dir');
  fs.symlinkSync(path.join(ROOT, 'node_modules', 'zod'), path.join(project, 'node_modules', 'zod'), 'dir');
  fs.mkdirSync(path.join(project, 'actions'));
});

afterEach(async () => {
  for (const p of running.splice(0)) {
    if (p.child.exitCode === null && p.child.signalCode === null) p.child.kill('SIGKILL');
    await p.exited;
  }
  fs.rmSync(project, { recursive: true, force: true });
});

const cli = (args: string[], env: Record<string, string> = {}) => {
  const p = runCli(args, { DATA_DIR: path.join(project, 'data'), ...env }, project);
  running.push(p);
  return p;
};

async function eventually(check: () => Promise<boolean>, tries = 300): Promise<boolean> {
  for (let i = 0; i < tries; i++) {
    if (await check()) return true;
    await new Promise((r) => setTimeout(r, 50));
  }
  return false;
}

describe('--help and --version', () => {
  it.each(['serve', 'worker', 'list', 'call', 'check', 'jobs', 'audit', 'data', 'init', 'types'])('%s --help prints usage and exits 0 without starting anything', async (command) => {
    // A database that is down: a command that tried to reach it would hang or fail.
    const port = await closedPort();
    const p = cli([command, '--help'], { DATABASE_URL: `postgres://postgres@127.0.0.1:${port}/none`, PORT: '0' });
    expect(await p.exited).toBe(0);
    expect(p.stdout()).toMatch(/Usage: actionbridge/);
    expect(p.stdout()).not.toContain('ActionBridge listening');
    expect(p.stderr()).toBe('');
    expect(fs.existsSync(path.join(project, 'data'))).toBe(false);
    // Nothing written into the working folder either (init scaffolds there, types writes there).
    expect(fs.readdirSync(project).sort()).toEqual(['actions', 'node_modules']);
    expect(fs.readdirSync(path.join(project, 'actions'))).toEqual([]);
  });

  it('--version prints the package version', async () => {
    const { version } = JSON.parse(fs.readFileSync(path.join(ROOT, 'package.json'), 'utf8')) as { version: string };
    const p = cli(['--version']);
    expect(await p.exited).toBe(0);
    expect(p.stdout().trim()).toBe(version);
  });

  it('refuses an unknown flag or command with exit 2 and the usage', async () => {
    const flag = cli(['serve', '--no-such-flag'], { PORT: '0' });
    expect(await flag.exited).toBe(2);
    expect(flag.stderr()).toContain("Unknown option '--no-such-flag'");
    expect(flag.stderr()).toContain('Usage: actionbridge serve');
    expect(flag.stdout()).not.toContain('ActionBridge listening');

    const command = cli(['serv']);
    expect(await command.exited).toBe(2);
    expect(command.stderr()).toContain("Unknown command 'serv'");
  });
});

describe('serve in an adopter project', () => {
  it('loads a typed .ts and a .mjs action from ./actions, and --auto-reload serves an edited .ts', async () => {
    fs.writeFileSync(path.join(project, 'actions', 'greet.ts'), typedAction('Hi'));
    fs.writeFileSync(path.join(project, 'actions', 'hello.mjs'), esmAction);
    const p = cli(['serve', '--actions', './actions', '-p', '0', '--host', '127.0.0.1', '--auto-reload']);
    const listening = await p.waitForLog('ActionBridge listening');
    expect(listening).toMatchObject({ actions: ['action_typed_greet', 'action_typed_refuse', 'action_esm_hello'], actionsDir: path.join(fs.realpathSync(project), 'actions'), autoReload: true });
    const base = `http://127.0.0.1:${listening.port as number}`;
    const said = async (action: string, slots: Record<string, unknown> = {}) => replyOf((await postWebhook(base, webhookBody(action, { slots }))).json()).texts;
    expect(await said('action_typed_greet', { user_name: 'Ada' })).toEqual(['Hi, Ada']);
    expect(await said('action_esm_hello')).toEqual(['hello from an ES module']);
    const refused = await postWebhook(base, webhookBody('action_typed_refuse'));
    expect({ status: refused.status, body: refused.json() }).toEqual({ status: 400, body: { error: 'not today', action_name: 'action_typed_refuse' } });

    fs.writeFileSync(path.join(project, 'actions', 'greet.ts'), typedAction('Welcome back'));
    expect(await eventually(async () => (await said('action_typed_greet'))[0] === 'Welcome back')).toBe(true);

    fs.writeFileSync(path.join(project, 'actions', 'greet.ts'), 'export const broken: number = ;\n');
    expect(await eventually(async () => p.stdout().includes('actions reload failed'))).toBe(true);
    expect(p.stdout()).toContain('"file":"actions/greet.ts"');
    expect(await said('action_typed_greet')).toEqual(['Welcome back']);
  });

  it('serves the ./actions folder of the working folder without --actions, and the demo only without one', async () => {
    fs.writeFileSync(path.join(project, 'actions', 'hello.mjs'), esmAction);
    const found = cli(['serve', '-p', '0']);
    expect(await found.waitForLog('ActionBridge listening')).toMatchObject({ actions: ['action_esm_hello'] });

    fs.rmSync(path.join(project, 'actions'), { recursive: true });
    const demo = cli(['serve', '-p', '0']);
    await demo.waitForLog('serving the built-in demo actions: no --actions, ACTIONS_DIR or ./actions folder');
    expect(((await demo.waitForLog('ActionBridge listening')).actions as string[])).toContain('action_greet');
  });

  it('names a broken action file and a missing folder, and exits 1', async () => {
    fs.writeFileSync(path.join(project, 'actions', 'foo.ts'), 'const x: number = ;\n');
    const broken = cli(['serve', '--actions', 'actions', '-p', '0']);
    expect(await broken.exited).toBe(1);
    expect(broken.stderr()).toContain('Cannot load the action file actions/foo.ts');

    const missing = cli(['serve', '-p', '0'], { ACTIONS_DIR: './no-such-actions' });
    expect(await missing.exited).toBe(1);
    expect(missing.stderr()).toContain(`Actions folder not found: ${path.join(fs.realpathSync(project), 'no-such-actions')}`);
    expect(missing.stdout()).not.toContain('built-in demo');
  });

  it('serves HTTPS with a self-signed certificate', async () => {
    const certs = makeCertificates(project);
    fs.writeFileSync(path.join(project, 'actions', 'hello.mjs'), esmAction);
    const p = cli(['serve', '--actions', './actions', '-p', '0', '--ssl-certificate', certs.cert, '--ssl-keyfile', certs.key]);
    const listening = await p.waitForLog('ActionBridge listening');
    expect(listening.protocol).toBe('https');
    const health = await httpsGet(`https://127.0.0.1:${listening.port as number}/health`, { ca: fs.readFileSync(certs.cert) });
    expect(health.status).toBe(200);
    await expect(request(`http://127.0.0.1:${listening.port as number}`, { path: '/health' })).rejects.toThrow();
  });
});
