/**
 * The adopter's path, end to end, as someone outside this repository takes it: the project is
 * packed (`npm pack`, which builds through prepack), the tarball is installed into a fresh
 * project without any optional peer, and there a typed .ts action and its jest test are written
 * and run: type-checked with skipLibCheck false, tested through `actionbridge/testkit`, served
 * by `npx actionbridge serve --actions ./actions -p <port>` over HTTP (and picked up again after
 * an edit with --auto-reload) and over HTTPS with a self-signed certificate.
 *
 * One pack and one project for every check: the npm installs are the slow part. They read
 * npm's cache first (--prefer-offline) and reach the registry only for what it lacks.
 */
import { execFile, spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import https from 'node:https';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';

const ROOT = path.resolve(__dirname, '../..');
const run = promisify(execFile);
const MINUTE = 60_000;
const CORE_INSTALL_LIMIT_BYTES = 120 * 1024 * 1024;

/** What the repository itself runs, so the adopter's project installs versions npm has cached. */
const versionHere = (pkg: string): string => (JSON.parse(fs.readFileSync(path.join(ROOT, 'node_modules', pkg, 'package.json'), 'utf8')) as { version: string }).version;
const DEV_TOOLS = ['typescript', 'jest', 'ts-jest', '@types/jest', '@types/node'].map((p) => `${p}@${versionHere(p)}`);

/** npm's own variables (set when the suite runs under `npm test`) would steer the nested npm. */
function cleanEnv(extra: Record<string, string> = {}): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {};
  for (const [k, v] of Object.entries(process.env)) if (!/^npm_/i.test(k) && !/^(DATABASE_URL|AMQP_URL|REDIS_URL)$/.test(k)) env[k] = v;
  return { ...env, ...extra };
}

/** The temporary folder every command of this test runs in; nothing runs in the repository. */
let work: string | undefined;

function insideWork(cwd: string | undefined): string {
  const resolved = cwd && path.resolve(cwd);
  if (!work || !resolved || (resolved !== work && !resolved.startsWith(work + path.sep))) throw new Error(`not running outside the test's temporary folder (asked for ${String(cwd)})`);
  return cwd;
}

/** A path in the test's temporary folder; throws before that folder exists. */
function inWork(...parts: string[]): string {
  if (!work) throw new Error('the temporary folder was not made');
  return path.join(work, ...parts);
}

async function sh(cmd: string, args: string[], cwd: string | undefined, timeout = 5 * MINUTE, env = cleanEnv()): Promise<{ stdout: string; stderr: string }> {
  try {
    return await run(cmd, args, { cwd: insideWork(cwd), timeout, env, maxBuffer: 64 * 1024 * 1024 });
  } catch (err) {
    // tsc and jest say what failed on stdout; execFile's message carries only stderr.
    const e = err as Error & { stdout?: string };
    if (e.stdout) e.message += `\n--- stdout ---\n${e.stdout.slice(-4000)}`;
    throw e;
  }
}

const freePort = (): Promise<number> =>
  new Promise((resolve, reject) => {
    const srv = net.createServer().listen(0, '127.0.0.1', () => {
      const { port } = srv.address() as net.AddressInfo;
      srv.close(() => resolve(port));
    });
    srv.on('error', reject);
  });

/** Polls until `probe` answers something other than undefined, or fails after `limitMs`. */
async function eventually<T>(what: string, probe: () => Promise<T | undefined>, limitMs = MINUTE): Promise<T> {
  const deadline = Date.now() + limitMs;
  let last: unknown;
  for (;;) {
    try {
      const got = await probe();
      if (got !== undefined) return got;
    } catch (err) {
      last = err;
    }
    if (Date.now() > deadline) throw new Error(`${what}: not within ${limitMs} ms (last error: ${String(last)})`);
    await new Promise((r) => setTimeout(r, 250));
  }
}

interface Served {
  child: ChildProcess;
  output(): string;
  stop(): Promise<void>;
}

function serve(cwd: string | undefined, args: string[], env: Record<string, string>): Served {
  // Its own process group: npx runs the server as a child of its own, and both must end.
  const child = spawn('npx', ['actionbridge', 'serve', ...args], { cwd: insideWork(cwd), env: cleanEnv({ HOST: '127.0.0.1', LOG_LEVEL: 'warn', ...env }), stdio: ['ignore', 'pipe', 'pipe'], detached: true });
  const signal = (sig: NodeJS.Signals) => {
    try {
      process.kill(-child.pid!, sig);
    } catch {
      // already gone
    }
  };
  let out = '';
  child.stdout!.on('data', (c: Buffer) => (out += c.toString('utf8')));
  child.stderr!.on('data', (c: Buffer) => (out += c.toString('utf8')));
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  return {
    child,
    output: () => out,
    stop: async () => {
      if (child.exitCode === null && child.signalCode === null) signal('SIGTERM');
      const killer = setTimeout(() => signal('SIGKILL'), 10_000);
      await exited;
      clearTimeout(killer);
      // The server may outlive npx by a moment; the group is ended either way.
      signal('SIGKILL');
    },
  };
}

const webhookBody = (action: string, slots: Record<string, unknown> = {}) =>
  JSON.stringify({ next_action: action, sender_id: 'adopter', tracker: { sender_id: 'adopter', slots, events: [] }, domain: {}, version: '3.6.20' });

async function textOver(url: string, action: string, slots: Record<string, unknown>, fetchImpl: (url: string, body: string) => Promise<{ status: number; json: unknown }> = httpPost): Promise<string[]> {
  const res = await fetchImpl(url, webhookBody(action, slots));
  if (res.status !== 200) throw new Error(`POST ${url}: ${res.status} ${JSON.stringify(res.json)}`);
  return ((res.json as { responses: { text?: string }[] }).responses ?? []).map((r) => r.text ?? '');
}

async function httpPost(url: string, body: string): Promise<{ status: number; json: unknown }> {
  const res = await fetch(url, { method: 'POST', headers: { 'content-type': 'application/json' }, body });
  return { status: res.status, json: await res.json() };
}

const ACTION_V1 = `import { z } from 'zod';
import { defineAction, type ActionContext } from 'actionbridge';

interface Order {
  id: string;
  status: 'shipped' | 'pending';
}

const OrderSlots = z.object({ order_id: z.string().min(1) });

function describeOrder(order: Order): string {
  return \`Order \${order.id} is \${order.status}.\`;
}

export const orderStatus = defineAction({
  name: 'action_order_status',
  slots: OrderSlots,
  run({ slots, dispatcher }: ActionContext<z.infer<typeof OrderSlots>>): void {
    const order: Order = { id: slots.order_id, status: 'shipped' };
    dispatcher.utterMessage({ text: describeOrder(order) });
  },
});
`;

const ACTION_TEST = `import { runAction } from 'actionbridge/testkit';
import { orderStatus } from './order-status';

test('says where the order is', async () => {
  const out = await runAction(orderStatus, { slots: { order_id: 'A-1' } });
  expect(out.texts).toEqual(['Order A-1 is shipped.']);
});
`;

describe('an adopter installs the packed tarball into their own project', () => {
  let project: string | undefined;
  /** A path in the adopter's project; throws when the project was never made (no write lands elsewhere). */
  const inProject = (...parts: string[]): string => path.join(insideWork(project), ...parts);
  let packed: { filename: string; files: { path: string }[] };

  beforeAll(async () => {
    work = fs.realpathSync(fs.mkdtempSync(path.join(os.tmpdir(), 'ab-adopter-')));
    // Packed from a copy: prepack rebuilds dist/, which other tests read in the repository.
    const source = inWork('source');
    fs.mkdirSync(source);
    for (const entry of ['package.json', 'package-lock.json', 'README.md', 'tsconfig.json', 'tsconfig.build.json', 'bin', 'src', 'actions', 'proto', 'scripts']) {
      fs.cpSync(path.join(ROOT, entry), path.join(source, entry), { recursive: true });
    }
    fs.symlinkSync(path.join(ROOT, 'node_modules'), path.join(source, 'node_modules'), 'dir');
    const tarballs = inWork('tarballs');
    fs.mkdirSync(tarballs);
    const { stdout } = await sh('npm', ['pack', '--json', '--pack-destination', tarballs], source, 5 * MINUTE);
    packed = (JSON.parse(stdout.slice(stdout.indexOf('['))) as (typeof packed)[])[0]!;

    project = inWork('my-bot');
    fs.mkdirSync(project);
    fs.writeFileSync(inProject('package.json'), JSON.stringify({ name: 'my-bot', version: '1.0.0', private: true }, null, 2));
    await sh('npm', ['install', '--no-audit', '--no-fund', '--prefer-offline', path.join(tarballs, packed.filename)], project, 5 * MINUTE);
  }, 12 * MINUTE);

  afterAll(() => {
    if (work) fs.rmSync(work, { recursive: true, force: true });
  });

  it('ships the build, the CLI and the SQL migrations, and no tests, benches, CI or TypeScript sources', () => {
    const files = packed.files.map((f) => f.path);
    expect(files).toEqual(expect.arrayContaining(['bin/actionbridge.js', 'dist/src/index.js', 'dist/src/index.d.ts', 'dist/src/sdk/testkit.d.ts', 'dist/src/main/cli/main.js', 'package.json']));
    expect(files.filter((f) => f.startsWith('src/store/migrations/') && f.endsWith('.sql')).length).toBeGreaterThan(0);
    // The embedded store's pre-initialised template (a first start unpacks it instead of running initdb)
    // and the gRPC channel's protos.
    expect(files.filter((f) => /^dist\/embedded\/pglite-[\w.-]+\.tar\.gz$/.test(f))).toHaveLength(1);
    expect(files).toEqual(expect.arrayContaining(['proto/action_webhook.proto', 'proto/health.proto']));
    expect(files.filter((f) => /^(test|bench|\.ci|scripts|rasa-project|ops)\//.test(f))).toEqual([]);
    expect(files.filter((f) => f.endsWith('.ts') && !f.endsWith('.d.ts'))).toEqual([]);
  });

  it('installs without the optional peers in at most 120 MB, zod brought as the required peer', async () => {
    const { stdout } = await sh('du', ['-sk', 'node_modules'], project);
    const bytes = Number.parseInt(stdout, 10) * 1024;
    expect(bytes).toBeGreaterThan(0);
    expect(bytes).toBeLessThanOrEqual(CORE_INSTALL_LIMIT_BYTES);
    for (const optional of ['jsforce', '@hubspot/api-client', '@notionhq/client', 'jira.js', '@sentry/node', 'amqplib', 'ioredis', 'nodemailer', '@opentelemetry/sdk-trace-node', '@slack/web-api']) {
      expect(fs.existsSync(inProject('node_modules', optional))).toBe(false);
    }
    expect(fs.existsSync(inProject('node_modules', 'zod', 'package.json'))).toBe(true);
  });

  it('a configured vendor whose SDK is not installed stops start-up, naming the package to install', async () => {
    const port = await freePort();
    const p = serve(project, ['-p', String(port)], { CRM_PROVIDER: 'hubspot', HUBSPOT_ACCESS_TOKEN: 'not-used', DATA_DIR: inWork('data-vendor') });
    // 'close' comes after the output streams are drained, 'exit' may come before.
    const code = await new Promise<number | null>((resolve) => p.child.once('close', (c: number | null) => resolve(c)));
    expect(code).not.toBe(0);
    expect(p.output()).toContain('CRM_PROVIDER=hubspot is configured but the package @hubspot/api-client is not installed: npm install @hubspot/api-client@^');
  }, 2 * MINUTE);

  describe('with a typed action and its test written there', () => {
    beforeAll(async () => {
      await sh('npx', ['actionbridge', 'init'], project);
      fs.writeFileSync(inProject('actions', 'order-status.ts'), ACTION_V1);
      fs.writeFileSync(inProject('actions', 'order-status.test.ts'), ACTION_TEST);
      await sh('npm', ['install', '--no-audit', '--no-fund', '--prefer-offline', '--save-dev', ...DEV_TOOLS], project, 5 * MINUTE);
    }, 8 * MINUTE);

    it('type-checks against the installed declarations with skipLibCheck false', async () => {
      const tsconfig = JSON.parse(fs.readFileSync(inProject('tsconfig.json'), 'utf8')) as { compilerOptions: { skipLibCheck: boolean } };
      expect(tsconfig.compilerOptions.skipLibCheck).toBe(false);
      await expect(sh('npx', ['tsc', '-p', '.'], project, 3 * MINUTE)).resolves.toBeDefined();
    }, 4 * MINUTE);

    it('a misspelled property in an action is a type error there', async () => {
      const broken = inProject('actions', 'broken.ts');
      fs.writeFileSync(broken, ACTION_V1.replace('dispatcher.utterMessage({ text:', 'dispatcher.utterMesage({ text:').replace('action_order_status', 'action_broken'));
      try {
        await expect(sh('npx', ['tsc', '-p', '.'], project, 3 * MINUTE)).rejects.toMatchObject({ stdout: expect.stringContaining("Property 'utterMesage' does not exist") });
      } finally {
        fs.rmSync(broken);
      }
    }, 4 * MINUTE);

    it('runs the jest tests through the exported test kit (the scaffolded one and ours)', async () => {
      const { stderr } = await sh('npx', ['jest', '--ci'], project, 4 * MINUTE);
      expect(stderr).toMatch(/Tests:\s+3 passed, 3 total/);
    }, 5 * MINUTE);

    it('serves the action over HTTP with serve --actions ./actions -p, and --auto-reload serves an edit', async () => {
      const port = await freePort();
      const p = serve(project, ['--actions', './actions', '-p', String(port), '--auto-reload'], { DATA_DIR: inWork('data-http') });
      try {
        const url = `http://127.0.0.1:${port}/webhook`;
        expect(await eventually('the first answer', () => textOver(url, 'action_order_status', { order_id: 'A-7' }))).toEqual(['Order A-7 is shipped.']);
        // The scaffolded example is served too: the whole folder is the user's.
        expect(await textOver(url, 'action_greet', { user_name: 'Ada' })).toEqual(['Hello, Ada!']);
        const v2 = ACTION_V1.replace("status: 'shipped' };", "status: 'pending' };");
        expect(v2).not.toBe(ACTION_V1);
        fs.writeFileSync(inProject('actions', 'order-status.ts'), v2);
        const edited = await eventually('the edited answer', async () => {
          const texts = await textOver(url, 'action_order_status', { order_id: 'A-7' });
          return texts[0] === 'Order A-7 is pending.' ? texts : undefined;
        });
        expect(edited).toEqual(['Order A-7 is pending.']);
      } catch (err) {
        throw new Error(`${(err as Error).message}\n--- serve output ---\n${p.output().slice(-4000)}`);
      } finally {
        await p.stop();
        fs.writeFileSync(inProject('actions', 'order-status.ts'), ACTION_V1);
      }
    }, 4 * MINUTE);

    it('serves HTTPS with a self-signed certificate', async () => {
      const cert = inWork('cert.pem');
      const key = inWork('key.pem');
      await sh('openssl', ['req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-keyout', key, '-out', cert, '-days', '1', '-subj', '/CN=localhost', '-addext', 'subjectAltName=IP:127.0.0.1,DNS:localhost'], work, MINUTE);
      const ca = fs.readFileSync(cert);
      const port = await freePort();
      const p = serve(project, ['--actions', './actions', '-p', String(port), '--ssl-certificate', cert, '--ssl-keyfile', key], { DATA_DIR: inWork('data-https') });
      const postTls = (url: string, body: string) =>
        new Promise<{ status: number; json: unknown }>((resolve, reject) => {
          const req = https.request(url, { method: 'POST', ca, headers: { 'content-type': 'application/json' } }, (res) => {
            let text = '';
            res.on('data', (c: Buffer) => (text += c.toString('utf8')));
            res.on('end', () => resolve({ status: res.statusCode ?? 0, json: JSON.parse(text) as unknown }));
          });
          req.on('error', reject);
          req.end(body);
        });
      try {
        const texts = await eventually('the HTTPS answer', () => textOver(`https://127.0.0.1:${port}/webhook`, 'action_order_status', { order_id: 'B-2' }, postTls));
        expect(texts).toEqual(['Order B-2 is shipped.']);
        // Plain HTTP on the same port is not served.
        await expect(httpPost(`http://127.0.0.1:${port}/webhook`, webhookBody('action_order_status', { order_id: 'B-2' }))).rejects.toThrow();
      } catch (err) {
        throw new Error(`${(err as Error).message}\n--- serve output ---\n${p.output().slice(-4000)}`);
      } finally {
        await p.stop();
      }
    }, 4 * MINUTE);
  });
});
