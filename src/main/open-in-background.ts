/**
 * The server opens its store right after it listens: `/health` answers at once (liveness), the
 * first order lookup does not pay for the embedded database's start, and `/ready` turns green
 * when the store answers (src/observability/opening-readiness.ts). A failed opening is logged
 * and tried again by the next call or readiness probe.
 */
import { performance } from 'node:perf_hooks';
import type { Logger } from '../observability/logger';
import type { LazyStore } from '../store';

export function openInBackground(store: LazyStore, logger: Logger): void {
  if (store.state !== 'idle') return;
  const started = performance.now();
  store.get().then(
    () => logger.info('store open', { store: store.kind, ms: Math.round(performance.now() - started) }),
    (err: unknown) => logger.error('store did not open; /ready says so, and the next call or probe tries again', { store: store.kind, error: err }),
  );
}
