/**
 * The server opens its store at start-up, after it listens: /health answers while the store is
 * still opening, /ready names the store (503) until it answers, then 200. First with a store
 * whose opening the test holds and releases; then the real embedded store under startServer,
 * kept from opening by another process's lock on its folder until the test lets it go, so the
 * store opens without any call to /webhook.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { startServer, type Started } from '../../src/main/serve';
import { openInBackground } from '../../src/main/open-in-background';
import { silentLogger } from '../../src/observability/logger';
import { openingStoreReadiness } from '../../src/observability/opening-readiness';
import { ActionRegistry } from '../../src/sdk/registry';
import { createActionServer, type ActionServer } from '../../src/server/app';
import { LazyStore, migrate, type Store } from '../../src/store';
import { openMemoryPglite, seedPgliteDir } from '../support/pglite-template';

interface Ready {
  status: number;
  body: { status: string; checks: Record<string, { ok: boolean; reason?: string }> };
}

async function get(url: string): Promise<Ready> {
  const res = await fetch(url);
  return { status: res.status, body: (await res.json()) as Ready['body'] };
}

/** Polls until `check` holds; bounded by a count of tries, so a slow machine only waits longer. */
async function eventually<T>(probe: () => Promise<T>, ok: (v: T) => boolean, tries = 600): Promise<T> {
  let last = await probe();
  for (let i = 0; i < tries && !ok(last); i++) {
    await new Promise((r) => setTimeout(r, 100));
    last = await probe();
  }
  return last;
}

describe('/ready while the store opens at start-up', () => {
  let server: ActionServer | undefined;
  let store: LazyStore | undefined;
  afterEach(async () => {
    await server?.shutdown();
    await store?.close();
  });

  it('says not_started for the store until its opening is released, with /health 200 meanwhile', async () => {
    let release!: () => void;
    const held = new Promise<void>((r) => (release = r));
    let opens = 0;
    store = new LazyStore('embedded', async () => {
      opens++;
      await held;
      const opened: Store = await openMemoryPglite();
      await migrate(opened);
      return opened;
    });
    server = createActionServer({ config: { BODY_LIMIT: 1024 * 1024, SHUTDOWN_TIMEOUT_MS: 1_000 }, registry: new ActionRegistry(), logger: silentLogger(), readiness: openingStoreReadiness(store) });
    const { port } = await server.listen(0, '127.0.0.1');
    const url = `http://127.0.0.1:${port}`;
    openInBackground(store, silentLogger());
    expect(store.state).toBe('opening');

    expect((await fetch(`${url}/health`)).status).toBe(200);
    expect(await get(`${url}/ready`)).toEqual({
      status: 503,
      body: { status: 'not_ready', checks: { store: { ok: false, reason: 'not_started' }, migrations: { ok: false, reason: 'not_started' } } },
    });

    release();
    const after = await eventually(() => get(`${url}/ready`), (r) => r.status === 200);
    expect(after).toEqual({ status: 200, body: { status: 'ready', checks: { store: { ok: true }, migrations: { ok: true } } } });
    expect(opens).toBe(1);
  }, 120_000);
});

describe('startServer on the embedded store', () => {
  let tmp: string;
  let started: Started | undefined;
  let holder: ChildProcess | undefined;
  beforeAll(() => {
    tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'ab-ready-open-'));
  });
  afterAll(async () => {
    await started?.server.shutdown();
    holder?.kill('SIGKILL');
    fs.rmSync(tmp, { recursive: true, force: true });
  });

  it('opens it without any call: 503 naming the store while another process holds its folder, 200 once let go', async () => {
    const dataDir = path.join(tmp, 'data');
    const folder = path.join(dataDir, 'pglite');
    fs.mkdirSync(dataDir, { recursive: true });
    // An initdb'd cluster (as a first start leaves it), so the test waits for migrations, not initdb.
    seedPgliteDir(folder);
    // Another live process owns the folder: the store's opening fails until its lock is gone.
    holder = spawn(process.execPath, ['-e', 'setTimeout(() => {}, 600000)'], { stdio: 'ignore' });
    fs.writeFileSync(`${folder}.lock`, String(holder.pid));

    started = await startServer({ PATH: process.env.PATH, HOST: '127.0.0.1', PORT: '0', LOG_LEVEL: 'error', DATA_DIR: dataDir }, { exitOnSignal: false });
    const url = `http://127.0.0.1:${started.address.port}`;
    expect((await fetch(`${url}/health`)).status).toBe(200);
    const refused = await eventually(() => get(`${url}/ready`), (r) => r.body.checks.store?.reason === 'failed');
    expect(refused.status).toBe(503);
    expect(refused.body.checks.store).toEqual({ ok: false, reason: 'failed' });

    holder.kill('SIGKILL');
    await new Promise((r) => holder!.once('exit', r));
    fs.rmSync(`${folder}.lock`, { force: true });
    const ready = await eventually(() => get(`${url}/ready`), (r) => r.status === 200);
    expect(ready).toEqual({ status: 200, body: { status: 'ready', checks: { store: { ok: true }, migrations: { ok: true } } } });
    // Opened by the server itself, with no call made: the folder's lock is this process's.
    expect(fs.readFileSync(`${folder}.lock`, 'utf8')).toBe(String(process.pid));
  }, 180_000);
});
