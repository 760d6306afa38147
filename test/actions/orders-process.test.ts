/**
 * The real thing, as a user meets it: the compiled server started like `npm start` on a fresh
 * data folder answers a Rasa call about a demo order; `npm run seed` run twice at once against
 * one fresh PostgreSQL schema migrates and seeds it once, without error.
 */
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Client } from 'pg';
import { readMigrations } from '../../src/store';
import { ROOT, ensureBuilt, runCli, type RunningProcess } from '../support/process';
import { createPgSchema, databaseUrl } from '../support/stores';
import { DOMAIN } from '../support/orders';
import { buildTracker } from '../../src/sdk/testkit';

beforeAll(() => ensureBuilt(), 240_000);

describe('npm start on a fresh clone (embedded database)', () => {
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'ab-serve-'));
  let server: RunningProcess | undefined;

  afterAll(async () => {
    if (server && server.child.exitCode === null) {
      server.child.kill('SIGTERM');
      await server.exited;
    }
    fs.rmSync(dataDir, { recursive: true, force: true });
  });

  it('answers a Rasa call about a demo order with its status', async () => {
    server = runCli(['serve'], { PORT: '0', HOST: '127.0.0.1', DATA_DIR: dataDir });
    try {
      await askForDemoOrder(server);
    } catch (err) {
      // What the server said is what explains a failure here.
      console.error(`server stdout:\n${server.stdout()}\nserver stderr:\n${server.stderr()}`);
      throw err;
    }
  }, 60_000);

  async function askForDemoOrder(server: RunningProcess): Promise<void> {
    const listening = await server.waitForLog('ActionBridge listening');
    const tracker = buildTracker({
      senderId: 'fresh-clone-user',
      slots: { order_id: 'ORD-27364', order_email: 'grace@example.com' },
      text: 'where is my order?',
      intent: 'check_order_status',
    });
    const res = await fetch(`http://127.0.0.1:${listening.port as number}/webhook`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ next_action: 'action_fetch_order', sender_id: tracker.sender_id, tracker, domain: DOMAIN, version: '3.16.0' }),
    });
    expect(res.status).toBe(200);
    const body = (await res.json()) as { events: { event: string; name?: string; value?: unknown }[]; responses: { text: string }[] };
    expect(body.responses[0]!.text).toContain('Order ORD-27364 has shipped.');
    expect(body.events).toContainEqual(expect.objectContaining({ event: 'slot', name: 'order_status', value: 'shipped' }));
    // The embedded database was created where DATA_DIR points, not in the working folder.
    expect(fs.existsSync(path.join(dataDir, 'pglite'))).toBe(true);

    server.child.kill('SIGTERM');
    expect(await server.exited).toBe(0);
  }
});

describe('npm run seed against PostgreSQL', () => {
  function seed(url: string): Promise<{ code: number | null; out: string }> {
    return new Promise((resolve) => {
      const child = spawn(process.execPath, [path.join(ROOT, 'scripts', 'seed.js')], {
        cwd: ROOT,
        env: { PATH: process.env.PATH ?? '', DATABASE_URL: url },
        stdio: ['ignore', 'pipe', 'pipe'],
      });
      let out = '';
      child.stdout.on('data', (c: Buffer) => (out += c.toString()));
      child.stderr.on('data', (c: Buffer) => (out += c.toString()));
      child.on('exit', (code) => resolve({ code, out }));
    });
  }

  it('migrates and seeds one fresh schema once when two processes run at the same time', async () => {
    const schema = await createPgSchema();
    try {
      const url = `${databaseUrl()}${databaseUrl().includes('?') ? '&' : '?'}options=${encodeURIComponent(`-c search_path=${schema.name}`)}`;
      const results = await Promise.all([seed(url), seed(url)]);
      for (const r of results) expect(r).toEqual({ code: 0, out: expect.stringContaining('Demo data loaded into PostgreSQL') });
      // Between them, each migration was applied exactly once.
      const applied = results.flatMap((r) => /Migrations applied: (.*)/.exec(r.out)![1]!.split(', ')).filter((v) => /^\d{4}$/.test(v));
      expect(applied.sort()).toEqual(readMigrations().map((m) => m.version));

      const client = new Client({ connectionString: databaseUrl() });
      await client.connect();
      try {
        const orders = await client.query(`SELECT count(*)::int AS n FROM ${schema.name}.orders`);
        expect(orders.rows[0].n).toBe(6);
      } finally {
        await client.end();
      }
    } finally {
      await schema.drop();
    }
  }, 60_000);
});
