/**
 * The embedded store: PostgreSQL compiled to WebAssembly (PGlite), in this process, persisted to
 * a folder. Used when no DATABASE_URL is configured, so a fresh clone works with no services.
 *
 * PGlite is a single connection and runs every query and transaction exclusively, so a
 * transaction here never sees another caller's statements in between.
 */
import fs from 'node:fs';
import type { PGlite, PGliteOptions, Transaction as PGliteTransaction } from '@electric-sql/pglite';
import { lockDataDir, type DirLock } from './dir-lock';
import { defaultTemplateFile, unpackTemplate } from './embedded-template';
import { PGLITE_SETTINGS, preferBaselineWasmCompiler } from './pglite-tuning';
import type { QueryResult, Store, Transaction } from './store';
import { storableParams } from './storable';

type PGliteQueryable = Pick<PGlite, 'query'> | Pick<PGliteTransaction, 'query'>;

async function run<R>(db: PGliteQueryable, sql: string, params?: readonly unknown[]): Promise<QueryResult<R>> {
  const res = await db.query<R>(sql, storableParams(params));
  return { rows: res.rows, rowCount: res.affectedRows ?? res.rows.length };
}

export class PgliteStore implements Store {
  readonly kind = 'embedded' as const;
  private closed = false;

  private constructor(
    private readonly db: PGlite,
    private readonly lock: DirLock | null,
  ) {}

  /**
   * Opens (creating when needed) the database in `dataDir`; no folder = in memory, for tests.
   * A folder another live process has open is refused. A new folder starts from the build's
   * template (initdb and the migrations done: src/store/embedded-template.ts) when there is one,
   * else PGlite runs initdb. `from`: an in-memory store starts from this dumped data folder (a
   * tarball) instead of running initdb (tests use a prepared one). `template`: another template
   * file than the build's.
   */
  static async open(dataDir?: string, opts: { from?: Blob; template?: string } = {}): Promise<PgliteStore> {
    preferBaselineWasmCompiler();
    // Required on first opening, not at load: a server never asked for company data does not pay for it.
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const { PGlite: Db } = require('@electric-sql/pglite') as { PGlite: typeof PGlite };
    const options: PGliteOptions = { startParams: [...Db.defaultStartParams, ...PGLITE_SETTINGS] };
    if (!dataDir) {
      const db = new Db({ ...options, ...(opts.from ? { loadDataDir: opts.from } : {}) });
      await db.waitReady;
      return new PgliteStore(db, null);
    }
    const lock = lockDataDir(dataDir);
    try {
      await unpackTemplate(dataDir, opts.template ?? defaultTemplateFile());
      fs.mkdirSync(dataDir, { recursive: true });
      const db = new Db(dataDir, options);
      await db.waitReady;
      return new PgliteStore(db, lock);
    } catch (err) {
      lock.release();
      throw err;
    }
  }

  /** The whole cluster as a gzipped tarball (what `loadDataDir` and the template read). */
  async dump(): Promise<Buffer> {
    return Buffer.from(await (await this.db.dumpDataDir('gzip')).arrayBuffer());
  }

  query<R extends object>(sql: string, params?: readonly unknown[]): Promise<QueryResult<R>> {
    return run<R>(this.db, sql, params);
  }

  transaction<T>(fn: (tx: Transaction) => Promise<T>): Promise<T> {
    return this.db.transaction(async (tx) =>
      fn({
        query: <R extends object>(sql: string, params?: readonly unknown[]) => run<R>(tx, sql, params),
        exec: async (script: string) => {
          await tx.exec(script);
        },
      }),
    );
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    try {
      await this.db.close();
    } finally {
      this.lock?.release();
    }
  }
}
