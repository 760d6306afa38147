/**
 * CORS for every route, as rasa_sdk's `--cors` gives it (sanic-cors with automatic OPTIONS): a
 * request from an allowed origin gets `Access-Control-Allow-Origin`, and a preflight from one is
 * answered here, before the token check (browsers send no credentials in a preflight). An origin
 * not on the list gets no CORS headers, so the browser keeps its answer from the page.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';

/** The methods the routes answer; a preflight for anything else is still told these. */
const METHODS = 'GET, HEAD, POST, OPTIONS';
/** How long a browser may reuse a preflight's answer (seconds). */
const PREFLIGHT_MAX_AGE = '600';

/**
 * Returns a function that sets the CORS headers for `req` on `res` and answers a preflight;
 * it returns true when the request has been answered.
 */
export function corsHandler(origins: readonly string[]): (req: IncomingMessage, res: ServerResponse) => boolean {
  const any = origins.includes('*');
  const allowed = new Set(origins);
  return (req, res) => {
    const origin = req.headers.origin;
    const preflight = req.method === 'OPTIONS' && req.headers['access-control-request-method'] !== undefined;
    // The answer depends on Origin unless every origin gets the same `*`.
    if (!any) res.setHeader('Vary', 'Origin');
    const ok = origin !== undefined && (any || allowed.has(origin));
    if (ok) res.setHeader('Access-Control-Allow-Origin', any ? '*' : origin);
    if (!preflight) return false;
    if (ok) {
      res.setHeader('Access-Control-Allow-Methods', METHODS);
      const asked = req.headers['access-control-request-headers'];
      if (asked) res.setHeader('Access-Control-Allow-Headers', asked);
      res.setHeader('Access-Control-Max-Age', PREFLIGHT_MAX_AGE);
    }
    res.statusCode = 204;
    res.end();
    req.resume();
    return true;
  };
}
