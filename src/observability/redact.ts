/**
 * Scrubs personal data and secrets from log lines. Emails, phone numbers and bearer/JWT-looking
 * tokens are replaced by patterns; configured secret values are replaced wherever they appear.
 */
const EMAIL = /[A-Za-z0-9._%+-]+@[A-Za-z0-9.-]+\.[A-Za-z]{2,}/g;
const PHONE_CANDIDATE = /(?<![\w.:])\+?\(?\d[\d\s()-]{6,}\d(?![\w.:])/g;
/** 9 to 15 digits: phone numbers, but not dates (8 digits) or ids run together with letters. */
const phoneOrKeep = (m: string) => {
  const digits = m.replace(/\D/g, '').length;
  return digits >= 9 && digits <= 15 ? '[phone]' : m;
};
const JWT = /\beyJ[A-Za-z0-9_-]{5,}\.[A-Za-z0-9_-]{5,}\.[A-Za-z0-9_-]*/g;
const BEARER = /\b(Bearer|Basic)\s+[A-Za-z0-9._~+/=-]{8,}/gi;

const secrets = new Set<string>();

/** Values (tokens, passwords) that must never reach a log line, whatever key they sit under. */
export function registerSecret(value: string | undefined): void {
  if (value && value.length >= 4) secrets.add(value);
}

export function redactString(s: string): string {
  let out = s;
  for (const secret of secrets) if (out.includes(secret)) out = out.split(secret).join('[secret]');
  return out.replace(JWT, '[token]').replace(BEARER, '$1 [token]').replace(EMAIL, '[email]').replace(PHONE_CANDIDATE, phoneOrKeep);
}

const SENSITIVE_KEY = /pass(word)?|secret|token|authorization|api[-_]?key|cookie/i;

/** Deep-copies `value` with strings redacted and values under sensitive keys hidden. */
export function redact(value: unknown, depth = 0): unknown {
  if (typeof value === 'string') return redactString(value);
  if (typeof value !== 'object' || value === null || depth > 8) return value;
  if (Array.isArray(value)) return value.map((v) => redact(v, depth + 1));
  if (value instanceof Error) {
    // Operators follow a 500's request id to this line: keep the stack, scrubbed like the rest.
    return { name: value.name, message: redactString(value.message), stack: value.stack ? redactString(value.stack) : undefined };
  }
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(value)) out[k] = SENSITIVE_KEY.test(k) && typeof v === 'string' ? '[secret]' : redact(v, depth + 1);
  return out;
}
