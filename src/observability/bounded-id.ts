/**
 * An identifier the chat user controls (Rasa's `sender_id`), made safe to log, to count metrics
 * and rate limits by, and to store in the audit log: a short one unchanged, a long one as its
 * first characters and a hash of the whole. The same long id always gives the same result, so
 * limits keyed on it still count one conversation; what a 1 MB id costs stays bounded.
 */
import { createHash } from 'node:crypto';

/** Longer than any id a channel makes (UUIDs, phone numbers, platform user ids). */
export const MAX_ID_CHARS = 128;

export function boundedId(id: string): string;
export function boundedId(id: string | null): string | null;
export function boundedId(id: string | null): string | null {
  if (id === null || id.length <= MAX_ID_CHARS) return id;
  return `${id.slice(0, 16)}…sha256:${createHash('sha256').update(id).digest('hex').slice(0, 32)}`;
}
