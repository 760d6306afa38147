/**
 * PostgreSQL refuses two things that chat text and JSON may legally carry: U+0000 (in text and
 * in jsonb, where JSON.stringify writes it as the escape `\u0000`) and unpaired UTF-16 surrogates
 * (jsonb refuses their `\udxxx` escapes). Either would make an INSERT fail and a user's message
 * end in a 500, so every query parameter passes through here: NULs are dropped and lone
 * surrogates become U+FFFD, the replacement character. Strings without either (nearly all) are
 * returned as they are after two cheap checks.
 */

/** `\u0000` preceded by an even number of backslashes (an odd number would make it literal text). */
const NUL_ESCAPE = /(?<!\\)((?:\\\\)*)\\u0000/g;
/** A `\udxxx` escape that is not half of an escaped pair, again outside a literal backslash. */
const LONE_SURROGATE_ESCAPE = /(?<!\\)((?:\\\\)*)(?:\\u(d[89ab][0-9a-f]{2})(?!\\ud[c-f][0-9a-f]{2})|(?<!\\ud[89ab][0-9a-f]{2})\\u(d[c-f][0-9a-f]{2}))/gi;

/** ES2024 string methods, present in Node ≥ 20 but not in the compiler's ES2022 library. */
interface WellFormed {
  isWellFormed(): boolean;
  toWellFormed(): string;
}

/** True when PostgreSQL would store `s` as it is (no U+0000, no unpaired surrogate). */
export function isStorableText(s: string): boolean {
  return !s.includes('\0') && (s as unknown as WellFormed).isWellFormed();
}

export function storableText(s: string): string {
  let out = s;
  if (out.includes('\0')) out = out.replaceAll('\0', '');
  if (!(out as unknown as WellFormed).isWellFormed()) out = (out as unknown as WellFormed).toWellFormed();
  if (out.includes('\\u')) out = out.replace(NUL_ESCAPE, '$1').replace(LONE_SURROGATE_ESCAPE, '$1\\ufffd');
  return out;
}

export function storableParams(params: readonly unknown[] | undefined): unknown[] | undefined {
  if (!params) return undefined;
  return params.map((p) => (typeof p === 'string' ? storableText(p) : p));
}
