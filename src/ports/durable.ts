/**
 * How an action sees a side effect it hands to a company system. The composition root decides
 * how it is delivered (through the outbox with a retrying worker, or directly); the action only
 * learns whether it is done or queued under a reference the user can ask about later. A failure
 * the vendor will never accept is thrown as the AppError it was, in both cases.
 */

export type Handed<T> =
  | { state: 'done'; value: T; reference?: string }
  /** Accepted and safe; it will be delivered later (the vendor is slow or failing for now). */
  | { state: 'queued'; reference: string };

/** What became of a request handed over earlier, looked up by its reference. */
export type HandedStatus<T> =
  | { state: 'queued'; attempts: number }
  /** Delivered; `value` is null when the result did not say (an older or partial record). */
  | { state: 'done'; value: T | null }
  /** Given up on for good; the operators have it in the dead letters. */
  | { state: 'failed' };

/**
 * A request reference: `REF-` and ten Crockford base32 characters (no I, L, O, U), so it stays
 * unambiguous when read out over the phone.
 */
export const REQUEST_REFERENCE = /^REF-[0-9A-HJKMNP-TV-Z]{10}$/;

/** " ref-0a1b2c3d4e " → "REF-0A1B2C3D4E", or null when it is not a request reference. */
export function parseRequestReference(value: unknown): string | null {
  if (typeof value !== 'string') return null;
  const v = value.trim().toUpperCase();
  return REQUEST_REFERENCE.test(v) ? v : null;
}
