/**
 * The stores a shared test suite runs against: the embedded store (PGlite, in memory, from the
 * initdb'd template) and the
 * real PostgreSQL on 127.0.0.1, each PostgreSQL test file in its own fresh schema so parallel
 * jest workers never see each other's tables.
 */
import { randomBytes } from 'node:crypto';
import { Client } from 'pg';
import { PgStore, type Store } from '../../src/store';
import { openMemoryPglite } from './pglite-template';

const LOCAL_DEFAULT = 'postgres://postgres@127.0.0.1:5432/test';

/** CI must test against PostgreSQL: a missing DATABASE_URL there is a failure, not a skip. */
export function databaseUrl(): string {
  const url = process.env.DATABASE_URL;
  if (url) return url;
  if (process.env.CI) throw new Error('DATABASE_URL is not set: CI must run the store tests against PostgreSQL');
  return LOCAL_DEFAULT;
}

export interface PgSchema {
  name: string;
  /** A new pool whose connections use this schema. */
  store(max?: number): PgStore;
  drop(): Promise<void>;
}

export async function createPgSchema(): Promise<PgSchema> {
  const url = databaseUrl();
  const name = `t_${randomBytes(6).toString('hex')}`;
  const admin = new Client({ connectionString: url });
  await admin.connect();
  try {
    await admin.query(`CREATE SCHEMA ${name}`);
  } finally {
    await admin.end();
  }
  return {
    name,
    store: (max = 4) => new PgStore({ connectionString: url, searchPath: name, max }),
    async drop() {
      const c = new Client({ connectionString: url });
      await c.connect();
      try {
        await c.query(`DROP SCHEMA IF EXISTS ${name} CASCADE`);
      } finally {
        await c.end();
      }
    },
  };
}

export interface StoreTarget {
  name: 'embedded' | 'postgres';
  /** Opens an empty store for one test file. */
  open(): Promise<{ store: Store; cleanup(): Promise<void> }>;
}

export const STORE_TARGETS: StoreTarget[] = [
  {
    name: 'embedded',
    async open() {
      const store = await openMemoryPglite();
      return { store, cleanup: () => store.close() };
    },
  },
  {
    name: 'postgres',
    async open() {
      const schema = await createPgSchema();
      const store = schema.store();
      return {
        store,
        async cleanup() {
          await store.close();
          await schema.drop();
        },
      };
    },
  },
];
