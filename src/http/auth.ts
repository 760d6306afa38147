/**
 * Shared-secret authentication for any route. A caller proves it knows the token in whichever
 * way its platform can send it: `Authorization: Bearer <t>`, HTTP basic auth whose password (or
 * user name) is the token, an `X-Action-Token` header, or `?token=` in the URL. Any one match
 * is enough, because some platforms (Dialogflow CX) put their own ID token in `Authorization`
 * and ours in a custom header.
 *
 * The pure part (`presentedTokens`, `tokenMatches`) takes a plain IncomingMessage so the
 * hand-written /webhook path can use it without Express.
 */
import crypto from 'node:crypto';
import type { IncomingMessage } from 'node:http';
import type { NextFunction, Request, Response } from 'express';
import { AppError } from '../errors';
import { requestIdOf, sendError } from './node-http';

export const TOKEN_HEADERS = ['x-action-token', 'x-actionbridge-token'] as const;

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

const digest = (s: string) => crypto.createHash('sha256').update(s, 'utf8').digest();

/**
 * Constant-time check. Hashing first gives both sides the same length, so neither the length nor
 * the content of the secret leaks through timing.
 */
export function tokenMatches(presented: string, expected: string): boolean {
  return crypto.timingSafeEqual(digest(presented), digest(expected));
}

export function isAuthorized(req: Pick<IncomingMessage, 'headers' | 'url'>, token: string | undefined, sources?: TokenSources): boolean {
  if (!token) return true;
  let ok = false;
  // Check every candidate (no early exit) so timing does not reveal which form matched.
  for (const t of presentedTokens(req, sources)) ok = tokenMatches(t, token) || ok;
  return ok;
}

/** The answer to a caller without the right token. */
export function unauthorized(): AppError {
  return new AppError('auth', 'Missing or wrong token: send it as Authorization: Bearer <token>, basic auth, an X-Action-Token header or ?token=.', {
    headers: { 'WWW-Authenticate': 'Bearer realm="actionbridge", Basic realm="actionbridge"' },
  });
}

/** Express middleware; a no-op when no token is configured. */
export function requireToken(token: string | undefined, sources?: TokenSources) {
  return (req: Request, res: Response, next: NextFunction): void => {
    if (isAuthorized(req, token, sources)) {
      next();
      return;
    }
    sendError(res, unauthorized(), { requestId: requestIdOf(req.headers['x-request-id']) });
  };
}
