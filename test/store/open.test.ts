import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { AppError } from '../../src/errors';
import { createPgSchema, databaseUrl } from '../support/stores';
import { LazyStore, PgStore, PgliteStore, migrate, openStore, readMigrations } from '../../src/store';
import { openMemoryPglite, seedPgliteDir } from '../support/pglite-template';

describe('openStore: embedded, persisted under DATA_DIR', () => {
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'ab-store-'));
  afterAll(() => fs.rmSync(dataDir, { recursive: true, force: true }));

  it('migrates a new folder, keeps data across restarts, and migrates nothing the second time', async () => {
    const first = await openStore({ DATA_DIR: dataDir });
    try {
      expect(first.store.kind).toBe('embedded');
      expect(first.applied).toEqual(readMigrations().map((m) => m.version));
      await first.store.query("INSERT INTO customers (id, name, email) VALUES ('C-1', 'Kept', 'kept@example.com')");
    } finally {
      await first.store.close();
    }
    const second = await openStore({ DATA_DIR: dataDir });
    try {
      expect(second.applied).toEqual([]);
      const { rows } = await second.store.query<{ name: string }>('SELECT name FROM customers WHERE id = $1', ['C-1']);
      expect(rows).toEqual([{ name: 'Kept' }]);
    } finally {
      await second.store.close();
    }
    // Two openings, the first running initdb in WebAssembly: tens of seconds on a loaded machine.
  }, 180_000);
});

describe('LazyStore', () => {
  it('opens once for concurrent first queries and retries after a failed opening', async () => {
    let opens = 0;
    let fail = true;
    const lazy = new LazyStore('embedded', async () => {
      opens++;
      if (fail) throw new Error('database down');
      return {
        kind: 'embedded' as const,
        query: async <R extends object>() => ({ rows: [{ ok: true }] as unknown as R[], rowCount: 1 }),
        transaction: async <T>(fn: (tx: never) => Promise<T>) => fn(undefined as never),
        close: async () => undefined,
      };
    });
    await expect(lazy.query('SELECT 1')).rejects.toThrow('database down');
    fail = false;
    const results = await Promise.all([lazy.query('SELECT 1'), lazy.query('SELECT 1')]);
    expect(results.map((r) => r.rows)).toEqual([[{ ok: true }], [{ ok: true }]]);
    expect(opens).toBe(2);
    await lazy.close();
    await expect(lazy.query('SELECT 1')).rejects.toThrow('closed');
  });
});

describe('store errors', () => {
  it('reports an unreachable PostgreSQL as upstream_unavailable, and a bad query as itself', async () => {
    const down = new PgStore({ connectionString: 'postgres://postgres@127.0.0.1:1/none' });
    try {
      await expect(down.query('SELECT 1')).rejects.toMatchObject({ kind: 'upstream_unavailable' });
      await expect(down.transaction(async () => 1)).rejects.toBeInstanceOf(AppError);
    } finally {
      await down.close();
    }
    const embedded = await openMemoryPglite();
    try {
      const err = await embedded.query('SELEC 1').catch((e: unknown) => e);
      expect(err).not.toBeInstanceOf(AppError);
      expect(String(err)).toMatch(/syntax error/);
    } finally {
      await embedded.close();
    }
  });
});

describe('embedded data folder lock', () => {
  const root = fs.mkdtempSync(path.join(os.tmpdir(), 'ab-lock-'));
  afterAll(() => fs.rmSync(root, { recursive: true, force: true }));

  it('refuses a folder that a live process holds, and takes over one whose process is gone', async () => {
    const dir = path.join(root, 'pglite');
    // The lock is what is tested here, not initdb (the test above creates a folder from nothing).
    seedPgliteDir(dir);
    // Another live process (our parent, the jest runner) holds it.
    fs.writeFileSync(`${dir}.lock`, String(process.ppid));
    await expect(PgliteStore.open(dir)).rejects.toMatchObject({ kind: 'upstream_unavailable', message: expect.stringContaining(`in use by process ${process.ppid}`) });
    // That process is gone now (no pid is this large): the lock is stale.
    fs.writeFileSync(`${dir}.lock`, '2147483646');
    const store = await PgliteStore.open(dir);
    try {
      expect(fs.readFileSync(`${dir}.lock`, 'utf8')).toBe(String(process.pid));
      await expect(PgliteStore.open(dir)).rejects.toMatchObject({ kind: 'conflict' });
    } finally {
      await store.close();
    }
    expect(fs.existsSync(`${dir}.lock`)).toBe(false);
  });
});

describe('PostgreSQL time limits', () => {
  it('cancels a statement that runs past the statement timeout, as upstream_unavailable', async () => {
    const schema = await createPgSchema();
    const store = new PgStore({ connectionString: databaseUrl(), searchPath: schema.name, statementTimeoutMs: 200 });
    try {
      await expect(store.query('SELECT pg_sleep(5)')).rejects.toMatchObject({ kind: 'upstream_unavailable' });
      expect((await store.query<{ ok: number }>('SELECT 1 AS ok')).rows).toEqual([{ ok: 1 }]);
      // Migrations are exempt: they may wait for another process's, or take long themselves.
      await expect(migrate(store, [{ version: '0001', name: 'slow', sql: 'SELECT pg_sleep(0.5)' }])).resolves.toEqual(['0001']);
    } finally {
      await store.close();
      await schema.drop();
    }
  });
});
