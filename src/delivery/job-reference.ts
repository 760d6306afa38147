/**
 * Job references: what the user and the CLI see for a queued request. Derived from the
 * idempotency key, so the same request always gets the same reference, even before the job row
 * is read back.
 */
import { createHash } from 'node:crypto';

/** Crockford base32: no I, L, O, U, so a reference read out over the phone stays unambiguous. */
const ALPHABET = '0123456789ABCDEFGHJKMNPQRSTVWXYZ';
const LENGTH = 10;

export { REQUEST_REFERENCE as JOB_REFERENCE, parseRequestReference as parseJobReference } from '../ports/durable';

export function jobReferenceFor(idempotencyKey: string): string {
  const digest = createHash('sha256').update(idempotencyKey).digest();
  let out = '';
  // 5 bits per character from the first bytes of the digest.
  let bits = 0;
  let value = 0;
  for (const byte of digest) {
    value = (value << 8) | byte;
    bits += 8;
    while (bits >= 5 && out.length < LENGTH) {
      out += ALPHABET[(value >>> (bits - 5)) & 31];
      bits -= 5;
    }
    if (out.length === LENGTH) break;
    value &= (1 << bits) - 1;
  }
  return `REF-${out}`;
}
