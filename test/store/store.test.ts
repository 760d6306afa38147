import { migrate, readMigrations, type Store } from '../../src/store';
import { STORE_TARGETS, createPgSchema } from '../support/stores';

describe.each(STORE_TARGETS)('store: $name', (target) => {
  let store: Store;
  let cleanup: () => Promise<void>;

  beforeAll(async () => {
    ({ store, cleanup } = await target.open());
  });
  afterAll(() => cleanup());

  it('reports which kind of store it is', () => {
    expect(store.kind).toBe(target.name);
  });

  it('applies every migration once, and nothing on a second run', async () => {
    const all = readMigrations().map((m) => m.version);
    expect(await migrate(store)).toEqual(all);
    expect(await migrate(store)).toEqual([]);
    const { rows } = await store.query<{ version: string }>('SELECT version FROM schema_migrations ORDER BY version');
    expect(rows.map((r) => r.version)).toEqual(all);
  });

  it('applies nothing twice when two migrations race on the same store', async () => {
    const [a, b] = await Promise.all([migrate(store), migrate(store)]);
    expect([...a, ...b]).toEqual([]);
  });

  it('passes parameters as values, never as SQL', async () => {
    await store.query('CREATE TABLE notes (id serial PRIMARY KEY, body text NOT NULL)');
    const evil = "x'); DROP TABLE notes; --";
    await store.query('INSERT INTO notes (body) VALUES ($1)', [evil]);
    const { rows } = await store.query<{ body: string }>('SELECT body FROM notes WHERE body = $1', [evil]);
    expect(rows).toEqual([{ body: evil }]);
  });

  it('runs a statement named as prepared like any other, and PostgreSQL keeps it parsed on the connection', async () => {
    const named = (tx: { query: Store['query'] }, n: number) => tx.query<{ doubled: number }>('SELECT ($1::integer * 2) AS doubled', [n], { prepared: 'test_doubled' });
    const seen = await store.transaction(async (tx) => {
      expect((await named(tx, 2)).rows).toEqual([{ doubled: 4 }]);
      expect((await named(tx, 5)).rows).toEqual([{ doubled: 10 }]);
      if (store.kind !== 'postgres') return [];
      const { rows } = await tx.query<{ name: string }>('SELECT name FROM pg_prepared_statements');
      return rows.map((r) => r.name);
    });
    if (store.kind === 'postgres') expect(seen).toContain('test_doubled');
    // Through the pool: whichever connection answers, the named statement works on it.
    const results = await Promise.all([1, 2, 3, 4, 5, 6].map((n) => named(store, n)));
    expect(results.map((r) => r.rows[0]!.doubled)).toEqual([2, 4, 6, 8, 10, 12]);
  });

  it('round-trips jsonb documents', async () => {
    const doc = { line1: 'Ünïcode 1', nested: { n: 1, list: [true, null] } };
    const { rows } = await store.query<{ doc: unknown }>('SELECT $1::jsonb AS doc', [JSON.stringify(doc)]);
    expect(rows[0]!.doc).toEqual(doc);
  });

  it('commits a transaction that resolves and reports affected rows', async () => {
    const n = await store.transaction(async (tx) => {
      const r = await tx.query('INSERT INTO notes (body) VALUES ($1), ($2)', ['a', 'b']);
      return r.rowCount;
    });
    expect(n).toBe(2);
    const { rows } = await store.query<{ c: number }>("SELECT count(*)::int AS c FROM notes WHERE body IN ('a', 'b')");
    expect(rows[0]!.c).toBe(2);
  });

  it('rolls back a transaction that throws, and rethrows its error', async () => {
    await expect(
      store.transaction(async (tx) => {
        await tx.query('INSERT INTO notes (body) VALUES ($1)', ['rolled back']);
        throw new Error('boom');
      }),
    ).rejects.toThrow('boom');
    const { rows } = await store.query('SELECT 1 FROM notes WHERE body = $1', ['rolled back']);
    expect(rows).toHaveLength(0);
  });

  it('rolls back a failing migration whole', async () => {
    const bad = [{ version: '9001', name: 'half', sql: 'CREATE TABLE half_done (id int); SELECT no_such_function();' }];
    await expect(migrate(store, bad)).rejects.toThrow();
    const { rows } = await store.query("SELECT 1 FROM schema_migrations WHERE version = '9001'");
    expect(rows).toHaveLength(0);
    await expect(store.query('SELECT * FROM half_done')).rejects.toThrow();
  });
});

describe('store: postgres, two processes starting at once', () => {
  it('migrates a fresh schema from two independent pools racing, without error', async () => {
    const schema = await createPgSchema();
    const a = schema.store(2);
    const b = schema.store(2);
    try {
      const [ra, rb] = await Promise.all([migrate(a), migrate(b)]);
      const all = readMigrations().map((m) => m.version);
      // One of them applied everything; the other waited on the lock and found nothing to do.
      expect([ra, rb].sort((x, y) => x.length - y.length)).toEqual([[], all]);
      const { rows } = await a.query<{ n: number }>('SELECT count(*)::int AS n FROM schema_migrations');
      expect(rows[0]!.n).toBe(all.length);
    } finally {
      await a.close();
      await b.close();
      await schema.drop();
    }
  });
});
