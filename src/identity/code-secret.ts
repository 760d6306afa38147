/**
 * Making and checking one-time codes. Six digits are only a million possibilities, so a plain
 * salted hash would give up a stored code to anyone who reads the table in about a second:
 * scrypt makes each try cost tens of milliseconds, which turns that second into hours, longer than
 * a code lives. What the code is bound to goes into the hash too, so a row copied to another
 * order or conversation matches nothing.
 */
import { createHash, randomBytes, randomInt, scrypt, timingSafeEqual } from 'node:crypto';

export const CODE_DIGITS = 6;
const SALT_BYTES = 16;
const HASH_BYTES = 32;
/** 16 MB and ~40 ms per hash on one core; the verify path pays it once per attempt. */
const SCRYPT = { N: 2 ** 14, r: 8, p: 1, maxmem: 64 * 1024 * 1024 };

/** A uniformly random code of CODE_DIGITS digits, leading zeros kept. */
export function newCode(): string {
  return String(randomInt(0, 10 ** CODE_DIGITS)).padStart(CODE_DIGITS, '0');
}

export const newSalt = (): Buffer => randomBytes(SALT_BYTES);

/** A stable, non-reversible stand-in for a value that only has to be matched again (sender id, details). */
export const digestOf = (value: string): string => createHash('sha256').update(value, 'utf8').digest('hex');

export function hashCode(code: string, salt: Buffer, binding: string): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    scrypt(`${code}\u0000${binding}`, salt, HASH_BYTES, SCRYPT, (err, key) => (err ? reject(err) : resolve(key)));
  });
}

export async function codeMatches(code: string, salt: Buffer, binding: string, stored: Buffer): Promise<boolean> {
  const candidate = await hashCode(code, salt, binding);
  return stored.length === candidate.length && timingSafeEqual(stored, candidate);
}
