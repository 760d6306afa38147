/**
 * The ops console's admin session. An administrator pastes ADMIN_TOKEN (and their name) into a
 * login form once; the answer is a cookie that is HttpOnly, SameSite=Strict and scoped to
 * /status, holding a session signed with a key derived from the token they used.
 *
 * Why a signed cookie and not a table of sessions: every replica, and every worker's WORKER_PORT
 * on the same host (cookies ignore the port), accepts it as long as it has the same ADMIN_TOKEN,
 * with nothing stored; removing a token from ADMIN_TOKEN ends its sessions at once.
 *
 * CSRF: SameSite=Strict already keeps the cookie off requests another site starts; on top, each
 * session carries a random nonce from which a CSRF token is derived (a hidden field in every
 * form, checked in constant time), and a POST must come with an Origin of this very host. Three
 * independent checks, so a browser quirk in one does not open the door.
 */
import crypto from 'node:crypto';
import type { IncomingMessage } from 'node:http';
import type { AcceptedTokens } from '../../http/auth';

export const SESSION_COOKIE = 'ab_console_admin';
export const SESSION_TTL_MS = 8 * 60 * 60 * 1000;
/** Names are what the audit log records as "who": short and plain, so a row stays readable. */
export const ADMIN_NAME = /^[\p{L}\p{N}][\p{L}\p{N} .@_-]{0,59}$/u;

export interface AdminSession {
  /** The name the administrator gave at login. */
  name: string;
  /** First 12 hex digits of SHA-256(the token used): which ADMIN_TOKEN of a rotation it was, never the token. */
  tokenId: string;
  expiresAt: number;
  nonce: string;
}

const b64url = (b: Buffer | string): string => Buffer.from(b).toString('base64url');
const sha256 = (s: string): Buffer => crypto.createHash('sha256').update(s, 'utf8').digest();

/** One signing key per accepted token, derived so the cookie never carries anything a token can be read from. */
function keyOf(token: string): Buffer {
  return crypto.createHmac('sha256', sha256(token)).update('actionbridge ops console session v1').digest();
}

const sign = (key: Buffer, data: string): Buffer => crypto.createHmac('sha256', key).update(data).digest();

function sameBytes(a: Buffer, b: Buffer): boolean {
  return a.length === b.length && crypto.timingSafeEqual(a, b);
}

export class AdminSessions {
  private readonly keys: { tokenId: string; digest: Buffer; key: Buffer }[];

  constructor(
    tokens: AcceptedTokens,
    private readonly now: () => number = Date.now,
  ) {
    this.keys = (tokens ?? []).map((t) => ({ tokenId: sha256(t).toString('hex').slice(0, 12), digest: sha256(t), key: keyOf(t) }));
  }

  /** False: ADMIN_TOKEN is unset and the console is read-only. */
  get enabled(): boolean {
    return this.keys.length > 0;
  }

  /**
   * The session for a pasted token, or null when it is none of ADMIN_TOKEN's. Every accepted
   * token is compared (digests, constant time, no early exit), as for the other tokens.
   */
  login(presented: string, name: string): { session: AdminSession; cookie: string } | null {
    const d = sha256(presented);
    let match: (typeof this.keys)[number] | undefined;
    for (const k of this.keys) if (crypto.timingSafeEqual(d, k.digest) && !match) match = k;
    if (!match) return null;
    const session: AdminSession = { name, tokenId: match.tokenId, expiresAt: this.now() + SESSION_TTL_MS, nonce: crypto.randomBytes(16).toString('hex') };
    const body = b64url(JSON.stringify(session));
    return { session, cookie: `${body}.${b64url(sign(match.key, body))}` };
  }

  /** The session a cookie value holds, when its signature is under a current token and it has not expired. */
  verify(cookie: string | undefined): AdminSession | null {
    if (!cookie) return null;
    const dot = cookie.indexOf('.');
    if (dot <= 0 || cookie.length > 1024) return null;
    const body = cookie.slice(0, dot);
    const mac = Buffer.from(cookie.slice(dot + 1), 'base64url');
    let session: AdminSession;
    try {
      session = JSON.parse(Buffer.from(body, 'base64url').toString('utf8')) as AdminSession;
    } catch {
      return null;
    }
    const k = this.keys.find((key) => key.tokenId === session?.tokenId);
    if (!k || !sameBytes(mac, sign(k.key, body))) return null;
    if (typeof session.expiresAt !== 'number' || session.expiresAt <= this.now()) return null;
    if (typeof session.name !== 'string' || typeof session.nonce !== 'string') return null;
    return session;
  }

  /** The CSRF token every form of this session carries. */
  csrfToken(session: AdminSession): string {
    const k = this.keys.find((key) => key.tokenId === session.tokenId);
    if (!k) throw new Error('csrfToken: the session was not verified');
    return b64url(sign(k.key, `csrf:${session.nonce}`));
  }

  csrfMatches(session: AdminSession, presented: unknown): boolean {
    if (typeof presented !== 'string' || presented.length > 100) return false;
    return sameBytes(Buffer.from(presented), Buffer.from(this.csrfToken(session)));
  }
}

/** One cookie's value from a Cookie header (no cookie library for one name). */
export function cookieValue(req: Pick<IncomingMessage, 'headers'>, name: string): string | undefined {
  const header = req.headers.cookie;
  if (!header) return undefined;
  for (const part of header.split(';')) {
    const eq = part.indexOf('=');
    if (eq > 0 && part.slice(0, eq).trim() === name) return part.slice(eq + 1).trim();
  }
  return undefined;
}

/** Set-Cookie for the session (Secure when the request came over TLS); empty value and Max-Age=0 clears it. */
export function sessionCookie(value: string, secure: boolean, maxAgeMs = SESSION_TTL_MS): string {
  return `${SESSION_COOKIE}=${value}; Path=/status; HttpOnly; SameSite=Strict; Max-Age=${Math.floor(maxAgeMs / 1000)}${secure ? '; Secure' : ''}`;
}

/**
 * A state-changing request must say it comes from this very origin: the Origin header (every
 * browser sends it on a POST) must name the Host the request was sent to.
 */
export function sameOrigin(req: Pick<IncomingMessage, 'headers'>, secure: boolean): boolean {
  const origin = req.headers.origin;
  const host = req.headers.host;
  if (typeof origin !== 'string' || typeof host !== 'string') return false;
  return origin === `${secure ? 'https' : 'http'}://${host}`;
}
