/**
 * A store opened on first use, or ahead of it with `get()` (the server opens the embedded store
 * right after it listens). The embedded database costs a WebAssembly start and a data folder,
 * which a command that never touches company data should not pay for; every caller of the first
 * query waits for the same opening. `state` is what readiness reports without waiting for it.
 */
import { AppError } from '../errors';
import { databaseUnavailable, isUnavailable } from './errors';
import type { QueryOptions, QueryResult, Store, StoreKind, Transaction } from './store';

/** Not asked for yet (or the last opening failed), being opened, or answering. */
export type OpeningState = 'idle' | 'opening' | 'open';

export class LazyStore implements Store {
  private opening: Promise<Store> | null = null;
  private opened = false;
  private closed = false;
  private failure: unknown = undefined;

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
      const opening = this.open().then(
        (store) => {
          if (this.opening === opening) this.opened = true;
          this.failure = undefined;
          return store;
        },
        (err: unknown) => {
          if (this.opening === opening) this.opening = null;
          this.failure = err instanceof AppError || !isUnavailable(err) ? err : databaseUnavailable(err);
          throw this.failure;
        },
      );
      this.opening = opening;
    }
    return this.opening;
  }

  get state(): OpeningState {
    return this.opened ? 'open' : this.opening ? 'opening' : 'idle';
  }

  /** Why the last opening failed; cleared once one succeeds. */
  get lastFailure(): unknown {
    return this.failure;
  }

  get isOpen(): boolean {
    return this.opening !== null;
  }

  async query<R extends object>(sql: string, params?: readonly unknown[], options?: QueryOptions): Promise<QueryResult<R>> {
    return (await this.get()).query<R>(sql, params, options);
  }

  async transaction<T>(fn: (tx: Transaction) => Promise<T>): Promise<T> {
    return (await this.get()).transaction(fn);
  }

  async close(): Promise<void> {
    this.closed = true;
    const opening = this.opening;
    this.opening = null;
    this.opened = false;
    if (!opening) return;
    const store = await opening.catch(() => null);
    await store?.close();
  }
}
