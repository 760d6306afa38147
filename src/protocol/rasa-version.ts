/**
 * Which Rasa is calling, from the request's `version` field, and what follows from it for the
 * domain handshake.
 *
 * Rasa has sent its version with every action call since 1.x, so a call without one (or with one
 * that does not parse) is not from a Rasa we know: it is treated as the newest Rasa. That keeps
 * the answer a newer Rasa needs (449, then it resends the domain) and costs an older Rasa nothing,
 * because an older Rasa always names itself.
 */

export interface RasaVersion {
  major: number;
  minor: number;
  patch: number;
}

/** "3.6.21", "3.9", "3.10.0rc1", "3.16.0.dev2", "v3.7.1": the numbers before any pre-release tag. */
const VERSION = /^v?(\d{1,4})\.(\d{1,4})(?:\.(\d{1,4}))?/;

export function parseRasaVersion(value: unknown): RasaVersion | null {
  if (typeof value !== 'string' || value.length > 64) return null;
  const m = VERSION.exec(value.trim());
  if (!m) return null;
  return { major: Number(m[1]), minor: Number(m[2]), patch: Number(m[3] ?? 0) };
}

/** Negative when `a` is older than `b`, 0 when equal, positive when newer. */
export function compareRasaVersions(a: RasaVersion, b: RasaVersion): number {
  return a.major - b.major || a.minor - b.minor || a.patch - b.patch;
}

/** A version written in code ("3.9.0"); throws on a typo, since the tables below rely on it. */
export function rasaVersion(text: string): RasaVersion {
  const v = parseRasaVersion(text);
  if (!v) throw new Error(`not a Rasa version: ${text}`);
  return v;
}

export const formatRasaVersion = (v: RasaVersion): string => `${v.major}.${v.minor}.${v.patch}`;

/**
 * The first Rasa that, sent a 449, resends the call with its domain (rasa_sdk answers 449 from
 * this version on too). Before it, Rasa never retries: with `enable_selective_domain` it sends
 * neither `domain` nor `domain_digest`, and a 449 loses the action's events.
 */
export const DOMAIN_RETRY_SINCE: RasaVersion = rasaVersion('3.9.0');

/**
 * What to do with a call that carries no domain and no digest this server has a domain for:
 * - `ask_for_domain`: answer 449 (Rasa >= 3.9, or a caller that does not say which Rasa it is);
 * - `empty_domain`: run the action with `{}`, as rasa_sdk 3.6 does (Rasa < 3.9, which would not retry).
 */
export type MissingDomainRule = 'ask_for_domain' | 'empty_domain';

export function missingDomainRule(version: unknown): MissingDomainRule {
  const v = parseRasaVersion(version);
  return v !== null && compareRasaVersions(v, DOMAIN_RETRY_SINCE) < 0 ? 'empty_domain' : 'ask_for_domain';
}
