/**
 * The two halves of creating something at a vendor once, shared by every job that creates: a
 * create is recorded in the job before it is sent (so every later attempt, however it started,
 * knows one may have happened), and a later attempt believes the vendor's "not there" only once
 * the vendor's search can have seen that create.
 */
import { AwaitingConsistency, type CreateGuard } from './jobs';
import type { CreateAttempt } from './outbox';

/** A system whose lookup may lag behind its own writes (see each connector's entry in docs/delivery.md). */
export interface LaggingLookup {
  readonly provider: string;
  /** How long a lookup without a known id may miss a fresh create; 0 or absent: never. */
  readonly searchConsistencyMs?: number;
}

/**
 * Called after a lookup missed: fails the attempt (to be tried again when the window ends) while
 * an earlier create of this job may still be invisible to that lookup. A lookup that named the
 * created id is consistent, so its miss is believed at once.
 */
export function believeMiss(previous: CreateAttempt | null, system: LaggingLookup, reference: string): void {
  if (!previous || previous.createdId) return;
  const waitMs = (system.searchConsistencyMs ?? 0) - previous.ageMs;
  if (waitMs > 0) {
    throw new AwaitingConsistency(waitMs, `An earlier create of ${reference} may not be visible in ${system.provider}'s search yet; looking again in ${Math.ceil(waitMs)} ms.`);
  }
}

/**
 * Sends one create, recorded before it goes out and with the vendor's id kept when it answers.
 * Nothing is sent by a holder that lost the job meanwhile (its lease signal, or the record
 * refused under a stale claim).
 */
export async function sendRecordedCreate<T>(guard: CreateGuard, signal: AbortSignal | undefined, create: () => Promise<T>, idOf: (made: T) => string | undefined): Promise<T> {
  signal?.throwIfAborted();
  await guard.markCreateAttempted();
  let made: T;
  try {
    made = await create();
  } catch (err) {
    // The vendor may have applied the create any time until its call ended, not only when it was
    // sent: a slow machine or network can hold it for a while. The window counts from now.
    await guard.markCreateAttempted().catch(() => undefined);
    throw err;
  }
  const id = idOf(made);
  if (id) await guard.noteCreated(id);
  return made;
}
