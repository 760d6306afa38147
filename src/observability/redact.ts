/**
 * Scrubs personal data and secrets from log lines (and from error reports). Emails, phone
 * numbers, card numbers and bearer/JWT-looking tokens are replaced; configured secret values are
 * replaced wherever they appear.
 *
 * Every step is linear in the input: the chat user controls much of what is logged (a sender id,
 * a message), and a backtracking pattern turns 80 KB into seconds of a frozen process. Emails and
 * JWTs are therefore found by hand-written scans (./redact-scan.ts) that return exactly what the
 * patterns `[A-Za-z0-9._%+-]+@[A-Za-z0-9.-]+\.[A-Za-z]{2,}` and
 * `\beyJ[A-Za-z0-9_-]{5,}\.[A-Za-z0-9_-]{5,}\.[A-Za-z0-9_-]*` would match.
 */
import { replaceEmails, replaceJwts, replaceUrlUserinfo } from './redact-scan';

const PHONE_CANDIDATE = /(?<![\w.:])\+?\(?\d[\d\s()-]{6,}\d(?![\w.:])/g;
/**
 * 16 to 19 digits passing the Luhn check every payment card number passes. Shorter cards (13 to
 * 15 digits) are already hidden as phone numbers.
 */
function isCardNumber(digits: string): boolean {
  if (digits.length < 16 || digits.length > 19) return false;
  let sum = 0;
  for (let i = 0; i < digits.length; i++) {
    let d = digits.charCodeAt(digits.length - 1 - i) - 48;
    if (i % 2 === 1) d = d * 2 > 9 ? d * 2 - 9 : d * 2;
    sum += d;
  }
  return sum % 10 === 0;
}

/**
 * Card numbers (spaced or dashed as people type them); 9 to 15 digits: phone numbers, but not
 * dates (8 digits) or ids run together with letters.
 */
const phoneOrKeep = (m: string) => {
  const digits = m.replace(/\D/g, '');
  if (isCardNumber(digits)) return '[card]';
  return digits.length >= 9 && digits.length <= 15 ? '[phone]' : m;
};
const BEARER = /\b(Bearer|Basic)\s+[A-Za-z0-9._~+/=-]{8,}/gi;

const secrets = new Set<string>();

/** Environment variables whose values are credentials by their name (vendor keys, passwords). */
const SECRET_ENV_NAME = /TOKEN|SECRET|PASSWORD|PASSWD|API_KEY|PRIVATE_KEY|CLIENT_KEY|_URL$/;

/**
 * Registers every configured credential: the value of each variable named like one. URLs are
 * included because connection strings carry passwords; a short or empty value is ignored.
 */
export function registerSecretsFromEnv(env: NodeJS.ProcessEnv): void {
  for (const [name, value] of Object.entries(env)) {
    if (!value || !SECRET_ENV_NAME.test(name)) continue;
    if (name.endsWith('_URL')) {
      // Only the credential part of a URL is secret; the host is useful in logs.
      try {
        const u = new URL(value);
        registerSecret(u.password ? decodeURIComponent(u.password) : undefined);
      } catch {
        /* not a URL: nothing to register */
      }
      continue;
    }
    registerSecret(value);
  }
}

/** `?token=...`, `&api_key=...` and the like inside logged URLs. */
const URL_CREDENTIAL = /([?&](?:token|access_token|auth|key|api_key|apikey|password|secret)=)[^&\s"']+/gi;

/** Values (tokens, passwords) that must never reach a log line, whatever key they sit under. */
export function registerSecret(value: string | undefined): void {
  if (value && value.length >= 4) secrets.add(value);
}

/** Whether `s` has at least `n` ASCII digits (a phone number needs 9). */
function hasDigits(s: string, n: number): boolean {
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c >= 48 && c <= 57 && --n === 0) return true;
  }
  return false;
}

const MAY_BE_BEARER = /bearer|basic/i;

export function redactString(s: string): string {
  let out = s;
  for (const secret of secrets) if (out.includes(secret)) out = out.split(secret).join('[secret]');
  // Every log line goes through here: skip each step when a cheap test shows it cannot match.
  if (out.includes('://')) out = replaceUrlUserinfo(out, '[secret]');
  if (out.includes('=')) out = out.replace(URL_CREDENTIAL, '$1[secret]');
  if (out.includes('eyJ')) out = replaceJwts(out, '[token]');
  if (MAY_BE_BEARER.test(out)) out = out.replace(BEARER, '$1 [token]');
  if (out.includes('@')) out = replaceEmails(out, '[email]');
  if (hasDigits(out, 9)) out = out.replace(PHONE_CANDIDATE, phoneOrKeep);
  return out;
}

const SENSITIVE_KEY = /pass(word)?|secret|token|authorization|api[-_]?key|cookie/i;

/** Whether a value under this key is hidden whole (`[secret]`), whatever it looks like. */
export const isSensitiveKey = (key: string): boolean => SENSITIVE_KEY.test(key);

/**
 * The longest string a log line carries: user-controlled text (a message quoted in an error, a
 * slot) can be megabytes, and a log line is for finding the problem, not for keeping the data.
 */
export const MAX_LOGGED_CHARS = 2_000;

/** Cut after redacting, so a secret or address across the cut is never left half visible. */
function clip(s: string): string {
  return s.length <= MAX_LOGGED_CHARS ? s : `${s.slice(0, MAX_LOGGED_CHARS)}…[${s.length - MAX_LOGGED_CHARS} more characters]`;
}

/** Deep-copies `value` with strings redacted (and clipped) and values under sensitive keys hidden. */
export function redact(value: unknown, depth = 0): unknown {
  if (typeof value === 'string') return clip(redactString(value));
  if (typeof value !== 'object' || value === null) return value;
  // Deeper than any log field we write: whatever is down there is dropped, never written unredacted.
  if (depth > 8) return '[nested too deep]';
  if (Array.isArray(value)) return value.map((v) => redact(v, depth + 1));
  if (value instanceof Error) {
    // Operators follow a 500's request id to this line: keep the stack, scrubbed like the rest.
    return { name: value.name, message: clip(redactString(value.message)), stack: value.stack ? clip(redactString(value.stack)) : undefined };
  }
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(value)) out[k] = SENSITIVE_KEY.test(k) && typeof v === 'string' ? '[secret]' : redact(v, depth + 1);
  return out;
}
