/**
 * A store opened on first use. The embedded database costs a WebAssembly start and a data
 * folder, which a server that never touches company data should not pay for; every caller of
 * the first query waits for the same opening.
 */
import { AppError } from '../errors';
import { databaseUnavailable, isUnavailable } from './errors';
import type { QueryResult, Store, StoreKind, Transaction } from './store';

export class LazyStore implements Store {
  private opening: Promise<Store> | null = null;
  private closed = false;

  constructor(
    readonly kind: StoreKind,
    private readonly open: () => Promise<Store>,
  ) {}

  /**
   * Opens the store now (idempotent). An unreachable database rejects as `upstream_unavailable`
   * (the cause attached); any failed opening is retried on the next call.
   */
  get(): Promise<Store> {
    if (this.closed) return Promise.reject(new Error('The store is closed.'));
    if (!this.opening) {
      this.opening = this.open().catch((err: unknown) => {
        this.opening = null;
        throw err instanceof AppError || !isUnavailable(err) ? err : databaseUnavailable(err);
      });
    }
    return this.opening;
  }

  get isOpen(): boolean {
    return this.opening !== null;
  }

  async query<R extends object>(sql: string, params?: readonly unknown[]): Promise<QueryResult<R>> {
    return (await this.get()).query<R>(sql, params);
  }

  async transaction<T>(fn: (tx: Transaction) => Promise<T>): Promise<T> {
    return (await this.get()).transaction(fn);
  }

  async close(): Promise<void> {
    this.closed = true;
    const opening = this.opening;
    this.opening = null;
    if (!opening) return;
    const store = await opening.catch(() => null);
    await store?.close();
  }
}
