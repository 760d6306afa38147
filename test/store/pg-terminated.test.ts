/**
 * PostgreSQL ending a session under a live process (an operator's pg_terminate_backend, a
 * failover, a restart): the work on that session fails as a store error, the process lives on,
 * and the next call gets a new connection. Found by the chaos test of issue #14, where servers
 * and workers died of an unhandled 'error' event on a checked-out client: first inside a
 * transaction, then on a client the pool had just handed on to one.
 */
import { randomBytes } from 'node:crypto';
import { Client } from 'pg';
import { AppError } from '../../src/errors';
import { PgStore } from '../../src/store';
import { databaseUrl } from '../support/stores';

async function terminate(applicationName: string): Promise<number> {
  const admin = new Client({ connectionString: databaseUrl() });
  await admin.connect();
  try {
    const { rows } = await admin.query<{ ok: boolean }>('SELECT pg_terminate_backend(pid) AS ok FROM pg_stat_activity WHERE application_name = $1', [applicationName]);
    return rows.filter((r) => r.ok).length;
  } finally {
    await admin.end();
  }
}

describe('PgStore when PostgreSQL terminates its sessions', () => {
  let applicationName: string;
  let store: PgStore;
  beforeEach(() => {
    // Each test's own: the sessions of the previous test's closed pool may still be ending.
    applicationName = `ab-terminated-${randomBytes(4).toString('hex')}`;
    const url = new URL(databaseUrl());
    url.searchParams.set('application_name', applicationName);
    store = new PgStore({ connectionString: url.toString(), max: 5 });
  });
  afterEach(() => store.close());

  it('fails the transaction whose session ended between its statements, and the next call reconnects', async () => {
    const uncaught: unknown[] = [];
    const onUncaught = (err: unknown) => uncaught.push(err);
    process.on('uncaughtException', onUncaught);
    try {
      const outcome = store.transaction(async (tx) => {
        await tx.query('SELECT 1');
        // The session is ended while the transaction waits on something else (a vendor, a timer).
        expect(await terminate(applicationName)).toBe(1);
        await new Promise((r) => setTimeout(r, 300));
        await tx.query('SELECT 1');
      });
      await expect(outcome).rejects.toBeInstanceOf(AppError);
      await expect(outcome).rejects.toMatchObject({ kind: 'upstream_unavailable' });
      expect((await store.query<{ n: number }>('SELECT 2 AS n')).rows).toEqual([{ n: 2 }]);
      expect(uncaught).toEqual([]);
    } finally {
      process.off('uncaughtException', onUncaught);
    }
  });

  it('lives through sessions ended again and again under queries and transactions that hand clients on', async () => {
    // The race: a session's end arriving in the same read as the answer that released its client,
    // which the pool has just handed to a waiting transaction that has not resumed yet.
    let stop = false;
    let done = 0;
    let failed = 0;
    const churn = async (transaction: boolean) => {
      while (!stop) {
        try {
          if (!transaction) await store.query('SELECT pg_sleep(0.01)');
          else
            await store.transaction(async (tx) => {
              await tx.query('SELECT 1');
              await new Promise((r) => setTimeout(r, Math.random() * 20));
              await tx.query('SELECT pg_sleep(0.005)');
            });
          done++;
        } catch (err) {
          expect(err).toMatchObject({ kind: 'upstream_unavailable' });
          failed++;
        }
      }
    };
    const loops = Array.from({ length: 12 }, (_, i) => churn(i % 2 === 1));
    let terminated = 0;
    for (let round = 0; round < 15; round++) {
      await new Promise((r) => setTimeout(r, 250));
      terminated += await terminate(applicationName);
    }
    stop = true;
    await Promise.all(loops);
    expect(terminated).toBeGreaterThan(15);
    expect(failed).toBeGreaterThan(0);
    expect(done).toBeGreaterThan(failed);
    expect((await store.query<{ n: number }>('SELECT 4 AS n')).rows).toEqual([{ n: 4 }]);
  });

  it('lets idle pooled sessions end without a trace, and serves the next query', async () => {
    await store.query('SELECT 1');
    expect(await terminate(applicationName)).toBe(1);
    await new Promise((r) => setTimeout(r, 300));
    expect((await store.query<{ n: number }>('SELECT 3 AS n')).rows).toEqual([{ n: 3 }]);
  });
});
