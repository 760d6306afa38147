import type { QueryOptions, QueryResult, Store, Transaction } from '../../src/store';

/** A store that forwards to a real one and keeps every statement sent to it outside a transaction. */
export class RecordingStore implements Store {
  readonly kind;
  sent: { sql: string; params: readonly unknown[] }[] = [];

  constructor(private readonly inner: Store) {
    this.kind = inner.kind;
  }

  query<R extends object>(sql: string, params: readonly unknown[] = [], options?: QueryOptions): Promise<QueryResult<R>> {
    this.sent.push({ sql, params });
    return this.inner.query<R>(sql, params, options);
  }

  transaction<T>(fn: (tx: Transaction) => Promise<T>): Promise<T> {
    return this.inner.transaction(fn);
  }

  close(): Promise<void> {
    return this.inner.close();
  }
}
