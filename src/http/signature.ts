/**
 * Webhook signatures, both directions: HMAC-SHA256 over `<timestamp>.<raw body>` with a shared
 * secret, sent as
 *
 *   X-ActionBridge-Timestamp: <unix seconds>
 *   X-ActionBridge-Signature: v1=<lower-case hex>
 *
 * Signing the timestamp with the body means an old request cannot be replayed with a fresh
 * timestamp; a receiver refuses timestamps outside its tolerance and deliveries it has seen.
 * Several `v1=` values (comma-separated) are accepted so a secret can be rotated.
 */
import { createHmac, timingSafeEqual } from 'node:crypto';

export const TIMESTAMP_HEADER = 'x-actionbridge-timestamp';
export const SIGNATURE_HEADER = 'x-actionbridge-signature';
export const DELIVERY_HEADER = 'x-actionbridge-delivery';
export const EVENT_HEADER = 'x-actionbridge-event';

export function signature(secret: string, timestamp: number | string, body: string | Buffer): string {
  const mac = createHmac('sha256', secret);
  mac.update(`${timestamp}.`);
  mac.update(body);
  return `v1=${mac.digest('hex')}`;
}

/** The headers that sign `body` now. */
export function signedHeaders(secret: string, body: string, nowMs = Date.now()): Record<string, string> {
  const ts = Math.floor(nowMs / 1000);
  return { 'X-ActionBridge-Timestamp': String(ts), 'X-ActionBridge-Signature': signature(secret, ts, body) };
}

export type Verdict =
  /** `signature`: the value that matched, computed here from the timestamp and body (never the header's text). */
  | { ok: true; timestamp: number; signature: string }
  | { ok: false; reason: 'missing_signature' | 'bad_timestamp' | 'stale_timestamp' | 'bad_signature' | 'malformed_signature' };

/** One `v1=` value: exactly what `signature()` writes. */
const V1 = /^v1=[0-9a-f]{64}$/;

export function verifySignature(
  secret: string,
  headers: { timestamp?: string; signature?: string },
  body: Buffer,
  opts: { toleranceSeconds: number; nowMs?: number },
): Verdict {
  if (!headers.signature || !headers.timestamp) return { ok: false, reason: 'missing_signature' };
  if (!/^\d{1,12}$/.test(headers.timestamp.trim())) return { ok: false, reason: 'bad_timestamp' };
  const ts = Number(headers.timestamp.trim());
  const now = Math.floor((opts.nowMs ?? Date.now()) / 1000);
  if (Math.abs(now - ts) > opts.toleranceSeconds) return { ok: false, reason: 'stale_timestamp' };
  const values = headers.signature.split(',').map((s) => s.trim());
  // Anything but well-formed values is refused: a header padded with junk must not pass as new.
  if (values.length > 8 || !values.every((v) => V1.test(v))) return { ok: false, reason: 'malformed_signature' };
  const expectedText = signature(secret, ts, body);
  const expected = Buffer.from(expectedText);
  const match = values.some((v) => timingSafeEqual(Buffer.from(v), expected));
  return match ? { ok: true, timestamp: ts, signature: expectedText } : { ok: false, reason: 'bad_signature' };
}

/** Jira Cloud's own scheme: `X-Hub-Signature: sha256=<hex>` over the raw body. */
export function verifyHubSignature(secret: string, header: string | undefined, body: Buffer): boolean {
  if (!header) return false;
  const expected = Buffer.from(`sha256=${createHmac('sha256', secret).update(body).digest('hex')}`);
  const given = Buffer.from(header.trim());
  return given.length === expected.length && timingSafeEqual(given, expected);
}
