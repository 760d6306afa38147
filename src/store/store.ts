/**
 * The one query interface the rest of the code talks to. Two implementations serve it: the
 * embedded PGlite (no services needed) and PostgreSQL through a `pg` pool. Both speak the same
 * SQL dialect, so one set of migrations and one set of queries serve both.
 *
 * Parameters are always passed separately from the SQL text ($1, $2, ...); nothing in this
 * interface builds SQL from values.
 */

export interface QueryResult<Row> {
  rows: Row[];
  /** Rows changed by INSERT/UPDATE/DELETE (0 for SELECT on some drivers). */
  rowCount: number;
}

export type Row = Record<string, unknown>;

/** How to run one statement. */
export interface QueryOptions {
  /**
   * Names a statement run on every call of a hot path, so PostgreSQL parses and plans it once per
   * connection instead of every time. One name per SQL text. Only for statements whose result
   * columns are listed (never `*`): a prepared `*` fails once a migration adds a column. The
   * embedded store ignores it.
   */
  prepared?: string;
}

export interface Queryable {
  query<R extends object = Row>(sql: string, params?: readonly unknown[], options?: QueryOptions): Promise<QueryResult<R>>;
}

/** A transaction handle: the same queries, plus running a multi-statement script (migrations). */
export interface Transaction extends Queryable {
  /** Runs a script of several statements with no parameters. For migrations only. */
  exec(script: string): Promise<void>;
}

export type StoreKind = 'embedded' | 'postgres';

export interface Store extends Queryable {
  readonly kind: StoreKind;
  /** Runs `fn` in one transaction: committed when it resolves, rolled back when it throws. */
  transaction<T>(fn: (tx: Transaction) => Promise<T>): Promise<T>;
  close(): Promise<void>;
}
