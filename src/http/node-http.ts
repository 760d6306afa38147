/**
 * The node:http core every route shares (the hand-written hot path and the Express routes
 * alike): JSON responses without Express's decoration, errors through the one taxonomy, request
 * ids, listening.
 */
import type { Server, ServerResponse } from 'node:http';
import { toHttpError } from '../errors/http';

export function sendJson(res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}): void {
  const payload = JSON.stringify(body);
  res.writeHead(status, {
    'Content-Type': 'application/json; charset=utf-8',
    'Content-Length': Buffer.byteLength(payload),
    ...headers,
  });
  res.end(payload);
}

/** Answers with `err` as the taxonomy maps it (src/errors/http.ts); the one way errors are written. */
export function sendError(res: ServerResponse, err: unknown, ctx: { requestId: string; actionName?: string }): void {
  const mapped = toHttpError(err, ctx);
  sendJson(res, mapped.status, mapped.body, mapped.headers);
}

const REQUEST_ID = /^[\w.:-]{1,128}$/;
let counter = 0;
const prefix = process.pid.toString(36) + Date.now().toString(36);

/** The caller's `X-Request-Id` when it is sane, else a new one (cheap: no crypto on the hot path). */
export function requestIdOf(header: string | string[] | undefined): string {
  if (typeof header === 'string' && REQUEST_ID.test(header)) return header;
  counter = (counter + 1) % Number.MAX_SAFE_INTEGER;
  return `${prefix}-${counter.toString(36)}`;
}

/** Starts listening; resolves with the address actually bound (port 0 → the port chosen). */
export function listenOn(server: Server, port: number, host: string): Promise<{ port: number; host: string }> {
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => {
      server.off('error', reject);
      const addr = server.address();
      resolve(typeof addr === 'object' && addr ? { port: addr.port, host: addr.address } : { port, host });
    });
  });
}
