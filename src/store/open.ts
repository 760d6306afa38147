/** Chooses the store from the configuration and brings its schema up to date. */
import path from 'node:path';
import { migrate } from './migrate';
import { PgStore } from './pg-store';
import { PgliteStore } from './pglite-store';
import type { Store } from './store';

export interface StoreSettings {
  /** PostgreSQL connection string; unset = the embedded store. */
  DATABASE_URL?: string;
  /** Folder of the embedded store's files. */
  DATA_DIR: string;
  DATABASE_POOL_MAX?: number;
}

export interface OpenedStore {
  store: Store;
  /** Migration versions applied by this start (empty when the schema was already current). */
  applied: string[];
}

/** Opens the configured store and applies pending migrations. */
export async function openStore(settings: StoreSettings): Promise<OpenedStore> {
  const store: Store = settings.DATABASE_URL
    ? new PgStore({ connectionString: settings.DATABASE_URL, max: settings.DATABASE_POOL_MAX })
    : await PgliteStore.open(path.join(path.resolve(settings.DATA_DIR), 'pglite'));
  try {
    const applied = await migrate(store);
    return { store, applied };
  } catch (err) {
    await store.close().catch(() => undefined);
    throw err;
  }
}
