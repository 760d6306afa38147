/**
 * JSON bodies for the Express-served inbound routes (Dialogflow, MCP, tools): application/json
 * only, bounded in size and nesting, and every body-parser failure answered as our usual 4xx JSON
 * error instead of Express's HTML page.
 */
import express, { type NextFunction, type Request, type RequestHandler, type Response } from 'express';
import { AppError } from '../errors';
import { DEFAULT_JSON_MAX_DEPTH, exceedsJsonDepth, tooDeepMessage } from './json-depth';
import { isJsonRequest } from './json-content-type';
import { malformedJson } from './malformed-json';
import { requestIdOf, sendError } from './node-http';

export interface JsonBodyOptions {
  /** Largest body accepted (bytes or a body-parser size such as '1mb'). */
  limit: string | number;
  /** Deepest array/object nesting accepted (JSON_MAX_DEPTH); checked on the raw bytes before parsing. */
  maxDepth?: number;
  /** Names the call in the 413 message. */
  what: string;
}

/** Body-parser failures carry a `type`; they become our usual 4xx JSON bodies. */
export function bodyError(err: unknown, what: string): AppError | null {
  // Thrown by our own `verify` (too deep); body-parser only decorated it.
  if (err instanceof AppError) return err;
  const type = (err as { type?: unknown } | null)?.type;
  if (type === 'entity.parse.failed') return malformedJson(err);
  if (type === 'entity.too.large') return new AppError('too_large', `Request body is too large for ${what}.`);
  if (type === 'encoding.unsupported' || type === 'charset.unsupported') return new AppError('unsupported', (err as Error).message);
  if (type === 'request.aborted' || type === 'request.size.invalid' || type === 'stream.encoding.set') return new AppError('validation', (err as Error).message);
  // A corrupt gzip/deflate/br body fails in zlib: body-parser passes that on as a 400 without a `type`.
  const e = err as { status?: unknown; expose?: unknown } | null;
  if (typeof e?.status === 'number' && e.status >= 400 && e.status < 500 && e.expose === true) return new AppError('validation', 'The request body could not be decompressed or read.');
  return null;
}

/**
 * body-parser's `verify` sees the raw bytes before JSON.parse does; what it throws reaches the
 * error handler. Only UTF-8 bodies get this far (`isJsonRequest`), so the byte scan reads ASCII
 * brackets and quotes as they are.
 */
function depthGuard(maxDepth: number) {
  return (_req: unknown, _res: unknown, buf: Buffer): void => {
    if (exceedsJsonDepth(buf, maxDepth)) throw new AppError('validation', tooDeepMessage(maxDepth));
  };
}

/** The parser: anything but JSON is left unparsed (`req.body` undefined), for the route to refuse. */
export function jsonBody(opts: JsonBodyOptions): RequestHandler {
  return express.json({ type: isJsonRequest, limit: opts.limit, verify: depthGuard(opts.maxDepth ?? DEFAULT_JSON_MAX_DEPTH) });
}

/** The error handler to mount after the routes that use `jsonBody`; other errors pass on. */
export function jsonBodyErrors(what: string) {
  return (err: unknown, req: Request, res: Response, next: NextFunction): void => {
    const known = bodyError(err, what);
    if (!known) {
      next(err);
      return;
    }
    sendError(res, known, { requestId: requestIdOf(req.headers['x-request-id']) });
  };
}
