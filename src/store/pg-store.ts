/** The production store: PostgreSQL through a `pg` connection pool. */
import type { Pool, PoolClient, PoolConfig, QueryConfig } from 'pg';
import { rethrowStoreError } from './errors';
import type { QueryOptions, QueryResult, Store, Transaction } from './store';
import { storableParams } from './storable';

export interface PgStoreOptions {
  connectionString: string;
  /** Largest number of pooled connections. */
  max?: number;
  /** Schema search path for every connection (tests isolate themselves in their own schema). */
  searchPath?: string;
  /** How long to wait for a connection before the call fails as unavailable (default 5 s). */
  connectTimeoutMs?: number;
  /** Longest a statement may run on the server before it is cancelled (default 10 s). */
  statementTimeoutMs?: number;
}

function quoteIdent(name: string): string {
  return `"${name.replace(/"/g, '""')}"`;
}

export class PgStore implements Store {
  readonly kind = 'postgres' as const;
  private readonly pool: Pool;
  private closed = false;

  constructor(opts: PgStoreOptions) {
    // Bounded waits: a chat user is waiting, and Rasa gives up on an action after a while anyway.
    const config: PoolConfig = {
      connectionString: opts.connectionString,
      max: opts.max ?? 10,
      connectionTimeoutMillis: opts.connectTimeoutMs ?? 5_000,
      statement_timeout: opts.statementTimeoutMs ?? 10_000,
    };
    // Set per connection at start-up rather than with SET, so it holds for every pooled client.
    if (opts.searchPath) config.options = `-c search_path=${quoteIdent(opts.searchPath)}`;
    // `pg` is required here, not at the top: a server on the embedded store never loads it (~2 MB of heap).
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const { Pool: PgPool } = require('pg') as { Pool: typeof Pool };
    this.pool = new PgPool(config);
    // An idle client losing its connection must not crash the process; the next query reconnects.
    this.pool.on('error', () => undefined);
    // Nor a checked-out one. The pool listens only on idle clients, and no listener added after
    // checkout can be in time: the session's end may come in the same network read as the answer
    // that let the previous user give the client back, and it is handed on and errors before its
    // new user resumes. Its statements reject anyway, and a client that is not queryable is not
    // given back to the pool.
    this.pool.on('connect', (client) => client.on('error', () => undefined));
  }

  async query<R extends object>(sql: string, params?: readonly unknown[], options?: QueryOptions): Promise<QueryResult<R>> {
    const res = await this.pool.query<R>(statement(sql, params, options)).catch(rethrowStoreError);
    return { rows: res.rows, rowCount: res.rowCount ?? 0 };
  }

  async transaction<T>(fn: (tx: Transaction) => Promise<T>): Promise<T> {
    const client = await this.pool.connect().catch(rethrowStoreError);
    let broken: Error | undefined;
    try {
      await client.query('BEGIN');
      const result = await fn(txOf(client));
      await client.query('COMMIT');
      return result;
    } catch (err) {
      try {
        await client.query('ROLLBACK');
      } catch (rollbackErr) {
        // A connection that cannot roll back is not given back to the pool.
        broken = rollbackErr as Error;
      }
      rethrowStoreError(err);
    } finally {
      client.release(broken);
    }
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    await this.pool.end();
  }
}

function statement(sql: string, params: readonly unknown[] | undefined, options: QueryOptions | undefined): QueryConfig {
  return { text: sql, values: storableParams(params), ...(options?.prepared ? { name: options.prepared } : {}) };
}

function txOf(client: PoolClient): Transaction {
  return {
    async query<R extends object>(sql: string, params?: readonly unknown[], options?: QueryOptions) {
      const res = await client.query<R>(statement(sql, params, options));
      return { rows: res.rows, rowCount: res.rowCount ?? 0 };
    },
    async exec(script: string) {
      // No parameters: pg sends it with the simple query protocol, which allows several statements.
      await client.query(script);
    },
  };
}
