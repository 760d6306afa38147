/**
 * Shared-secret authentication for any route. A caller proves it knows the token in whichever
 * way its platform can send it: `Authorization: Bearer <t>`, HTTP basic auth whose password (or
 * user name) is the token, an `X-Action-Token` header, or `?token=` in the URL. Any one match
 * is enough, because some platforms (Dialogflow CX) put their own ID token in `Authorization`
 * and ours in a custom header.
 *
 * Several tokens may be accepted at once (a rotation: the old and the new); which one matched,
 * and how many there are, is never told to the caller.
 *
 * The pure part (`presentedTokens`, `tokenCheck`) takes a plain IncomingMessage so the
 * hand-written /webhook path can use it without Express.
 */
import crypto from 'node:crypto';
import type { IncomingMessage } from 'node:http';
import type { NextFunction, Request, Response } from 'express';
import { AppError } from '../errors';
import { requestIdOf, sendError } from './node-http';

export const TOKEN_HEADERS = ['x-action-token', 'x-actionbridge-token'] as const;

/** The tokens a route accepts (ACTION_SERVER_TOKEN, METRICS_TOKEN as the config parsed them); none = open. */
export type AcceptedTokens = readonly string[] | undefined;

const headerValues = (v: string | string[] | undefined): string[] => (v === undefined ? [] : Array.isArray(v) ? v : [v]);

/**
 * Where else a caller may put the token: Rasa's endpoints.yml can rename the query parameter
 * (`token_name`) and send arbitrary `headers`.
 */
export interface TokenSources {
  /** Query parameter name (ACTION_SERVER_TOKEN_NAME); default `token`. */
  queryName?: string;
  /** One more header carrying the bare token (ACTION_SERVER_TOKEN_HEADER). */
  header?: string;
}

function queryToken(url: string | undefined, name: string): string[] {
  if (!url || !url.includes('?')) return [];
  try {
    return new URL(url, 'http://localhost').searchParams.getAll(name);
  } catch {
    return [];
  }
}

/** Every candidate secret the request carries, in no particular order. */
export function presentedTokens(req: Pick<IncomingMessage, 'headers' | 'url'>, sources: TokenSources = {}): string[] {
  const out: string[] = [];
  for (const auth of headerValues(req.headers.authorization)) {
    const m = /^\s*(\w+)\s+(.+?)\s*$/.exec(auth);
    if (!m) continue;
    const scheme = m[1]!.toLowerCase();
    if (scheme === 'bearer') out.push(m[2]!);
    else if (scheme === 'basic') {
      const decoded = Buffer.from(m[2]!, 'base64').toString('utf8');
      const colon = decoded.indexOf(':');
      if (colon >= 0) out.push(decoded.slice(colon + 1), decoded.slice(0, colon));
      else out.push(decoded);
    }
  }
  for (const name of TOKEN_HEADERS) out.push(...headerValues(req.headers[name]));
  if (sources.header) out.push(...headerValues(req.headers[sources.header.toLowerCase()]));
  out.push(...queryToken(req.url, sources.queryName ?? 'token'));
  return out.filter((t) => t.length > 0);
}

/**
 * Tokens are compared as their SHA-256 digests: both sides then have the same length, so neither
 * the length nor the content of a secret leaks through the constant-time comparison's timing.
 */
const digest = (s: string) => crypto.createHash('sha256').update(s, 'utf8').digest();

/**
 * A check of requests against the accepted tokens, hashed once here rather than per request.
 * Every presented token is compared with every accepted one, without an early exit, so the time
 * taken does not say which form or which of the accepted tokens matched.
 */
export function tokenCheck(accepted: AcceptedTokens, sources?: TokenSources): (req: Pick<IncomingMessage, 'headers' | 'url'>) => boolean {
  if (!accepted || accepted.length === 0) return () => true;
  const expected = accepted.map(digest);
  return (req) => {
    let ok = false;
    for (const t of presentedTokens(req, sources)) {
      const d = digest(t);
      for (const e of expected) ok = crypto.timingSafeEqual(d, e) || ok;
    }
    return ok;
  };
}

export function isAuthorized(req: Pick<IncomingMessage, 'headers' | 'url'>, accepted: AcceptedTokens, sources?: TokenSources): boolean {
  return tokenCheck(accepted, sources)(req);
}

/** The answer to a caller without the right token. */
export function unauthorized(): AppError {
  return new AppError('auth', 'Missing or wrong token: send it as Authorization: Bearer <token>, basic auth, an X-Action-Token header or ?token=.', {
    headers: { 'WWW-Authenticate': 'Bearer realm="actionbridge", Basic realm="actionbridge"' },
  });
}

/** Express middleware; a no-op when no token is configured. */
export function requireToken(accepted: AcceptedTokens, sources?: TokenSources) {
  const authorized = tokenCheck(accepted, sources);
  return (req: Request, res: Response, next: NextFunction): void => {
    if (authorized(req)) {
      next();
      return;
    }
    sendError(res, unauthorized(), { requestId: requestIdOf(req.headers['x-request-id']) });
  };
}
