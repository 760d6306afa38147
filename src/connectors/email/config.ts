/**
 * The SMTP server that sends mail (one-time codes), configured when SMTP_URL is set:
 * `smtp://user:password@host:587` (STARTTLS when the server offers it) or `smtps://...:465`.
 */
import type { EnvReader } from '../../config/env';
import { registerSecret } from '../../observability/redact';
import { replaceUrlUserinfo } from '../../observability/redact-scan';

export interface MailConfig {
  /** Carries the SMTP password: never log it whole. */
  url: string;
  /** The sender, `codes@shop.example` or `Shop <codes@shop.example>`. */
  from: string;
}

const ADDRESS = /^[^\s<>@",;]+@[^\s<>@",;]+\.[A-Za-z]{2,}$/;
const NAMED_ADDRESS = /^[^<>\r\n]*<([^<>]+)>$/;

export function readMailConfig(env: EnvReader): MailConfig | undefined {
  const url = env.get('SMTP_URL');
  if (!url) return undefined;
  let parsed: URL | undefined;
  try {
    parsed = new URL(url);
  } catch {
    parsed = undefined;
  }
  if (!parsed || (parsed.protocol !== 'smtp:' && parsed.protocol !== 'smtps:') || !parsed.hostname) {
    env.problems.push(`SMTP_URL: '${replaceUrlUserinfo(url, '[secret]')}' is not an smtp:// or smtps:// URL`);
  } else if (parsed.password) {
    // Read from SMTP_URL_FILE, the password never passed the environment's scan for secrets.
    registerSecret(parsed.password);
    registerSecret(safeDecode(parsed.password));
  }
  const from = env.require('SMTP_FROM', 'SMTP_URL is set');
  if (from && !isSender(from)) env.problems.push(`SMTP_FROM: '${from}' is not an email address such as codes@shop.example or "Shop <codes@shop.example>"`);
  return { url, from };
}

function isSender(value: string): boolean {
  const named = NAMED_ADDRESS.exec(value);
  return ADDRESS.test(named ? named[1]!.trim() : value);
}

function safeDecode(s: string): string {
  try {
    return decodeURIComponent(s);
  } catch {
    return s;
  }
}
