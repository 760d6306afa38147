/**
 * The content type every JSON route requires: `application/json`, optionally with a UTF-8
 * charset (Rasa sends exactly `application/json`; Dialogflow adds `charset=utf-8`).
 *
 * Why: a browser sends `text/plain`, `multipart/form-data` and form posts cross-origin without a
 * preflight. A route that parsed any body as JSON could be driven from any web page a user of an
 * internal network opens, when no token guards it. `application/json` is not one of those types,
 * so a page cannot send it without the server's CORS consent (and this server gives none).
 */
import type { IncomingMessage } from 'node:http';
import { AppError } from '../errors';

const JSON_MEDIA_TYPE = 'application/json';
const UTF8 = /^"?utf-?8"?$/i;

/** True when the header names JSON, and UTF-8 if it names a charset at all. */
export function isJsonContentType(header: string | undefined): boolean {
  if (header === undefined) return false;
  const [type, ...params] = header.split(';');
  if (type!.trim().toLowerCase() !== JSON_MEDIA_TYPE) return false;
  for (const param of params) {
    const eq = param.indexOf('=');
    if (eq === -1) continue;
    if (param.slice(0, eq).trim().toLowerCase() === 'charset' && !UTF8.test(param.slice(eq + 1).trim())) return false;
  }
  return true;
}

/** For body-parser's `type` option and the hand-written routes alike. */
export function isJsonRequest(req: IncomingMessage): boolean {
  return isJsonContentType(req.headers['content-type']);
}

/** The 415 a route answers to anything but JSON, naming what it expected. */
export function notJson(what: string): AppError {
  return new AppError('unsupported', `Send ${what} as JSON (Content-Type: application/json).`);
}
