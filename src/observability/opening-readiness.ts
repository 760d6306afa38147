/**
 * Readiness of a store opened during start-up (the embedded one): `/ready` says `not_started` for
 * the store and its migrations while it is still opening, without waiting for it, and `failed`
 * once an opening failed (asking again then, so a folder another process let go of is picked up
 * by the next probe). Once open, the same checks as a configured database's.
 */
import type { LazyStore, Migration } from '../store';
import { NotReady, storeReadiness, type ReadinessCheck } from './readiness';

export function openingStoreReadiness(store: LazyStore, migrations?: readonly Migration[]): ReadinessCheck[] {
  const whenOpen = (check: ReadinessCheck): ReadinessCheck => ({
    name: check.name,
    async check() {
      const state = store.state;
      if (state === 'open') return check.check();
      if (state === 'opening') throw new NotReady('not_started', 'the store is still opening');
      const failure = store.lastFailure;
      if (failure === undefined) throw new NotReady('not_started', 'the store has not been opened yet');
      // Tried again in the background; this probe reports the last failure.
      store.get().catch(() => undefined);
      throw failure;
    },
  });
  return storeReadiness(store, migrations).map(whenOpen);
}
