/**
 * Versioned SQL migrations, one file per version (`0001_name.sql`), applied in order at start.
 *
 * All pending files run in one transaction that first takes a PostgreSQL advisory lock, so when
 * two processes start at once the second waits, then finds every version recorded in
 * `schema_migrations` and applies nothing. A failing file rolls the whole run back.
 */
import fs from 'node:fs';
import path from 'node:path';
import type { Store } from './store';

/** Arbitrary but fixed: every ActionBridge process contends for the same lock. */
const MIGRATION_LOCK_KEY = 4_170_213_977;
const FILE_NAME = /^(\d{4})_([a-z0-9_]+)\.sql$/;

export interface Migration {
  version: string;
  name: string;
  sql: string;
}

/**
 * The migrations folder: beside this file when running from source; in the compiled build the
 * .sql files stay in src/, so look there too.
 */
export function defaultMigrationsDir(): string {
  const candidates = [path.join(__dirname, 'migrations'), path.resolve(__dirname, '../../../src/store/migrations')];
  const found = candidates.find((dir) => fs.existsSync(dir));
  if (!found) throw new Error(`SQL migrations folder not found (looked in ${candidates.join(', ')})`);
  return found;
}

export function readMigrations(dir = defaultMigrationsDir()): Migration[] {
  const seen = new Map<string, string>();
  const out: Migration[] = [];
  for (const file of fs.readdirSync(dir).sort()) {
    if (!file.endsWith('.sql')) continue;
    const m = FILE_NAME.exec(file);
    if (!m) throw new Error(`Migration file '${file}' must be named NNNN_name.sql`);
    const [, version, name] = m as unknown as [string, string, string];
    const other = seen.get(version);
    if (other) throw new Error(`Migrations '${other}' and '${file}' share version ${version}`);
    seen.set(version, file);
    out.push({ version, name, sql: fs.readFileSync(path.join(dir, file), 'utf8') });
  }
  return out;
}

/** Applies the pending migrations; returns the versions applied by this call. */
export async function migrate(store: Store, migrations: Migration[] = readMigrations()): Promise<string[]> {
  return store.transaction(async (tx) => {
    // Waiting for another process's migrations, or a long migration, is not a stuck query.
    await tx.query('SET LOCAL statement_timeout = 0');
    await tx.query('SELECT pg_advisory_xact_lock($1)', [MIGRATION_LOCK_KEY]);
    await tx.exec(
      `CREATE TABLE IF NOT EXISTS schema_migrations (
         version text PRIMARY KEY,
         name text NOT NULL,
         applied_at timestamptz NOT NULL DEFAULT now()
       )`,
    );
    const { rows } = await tx.query<{ version: string }>('SELECT version FROM schema_migrations');
    const applied = new Set(rows.map((r) => r.version));
    const done: string[] = [];
    for (const m of migrations) {
      if (applied.has(m.version)) continue;
      await tx.exec(m.sql);
      await tx.query('INSERT INTO schema_migrations (version, name) VALUES ($1, $2)', [m.version, m.name]);
      done.push(m.version);
    }
    return done;
  });
}
