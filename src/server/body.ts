/**
 * Reads a request body with a size limit that also bounds the *decompressed* size, so a small
 * gzip/deflate bomb cannot expand into gigabytes. Rasa sends `Content-Encoding: deflate`
 * (zlib) when request compression is on; gzip is accepted too.
 */
import type { IncomingMessage } from 'node:http';
import zlib from 'node:zlib';
import { AppError } from '../sdk/errors';
import { acquireBody } from './body-pool';

export async function readBody(req: IncomingMessage, limit: number): Promise<Buffer> {
  const declared = Number(req.headers['content-length']);
  if (Number.isFinite(declared) && declared > limit) throw tooLarge(limit);
  const raw = await collect(req, limit, Number.isFinite(declared) && declared >= 0 ? declared : Infinity);
  const encoding = (req.headers['content-encoding'] ?? 'identity').toLowerCase().trim();
  switch (encoding) {
    case 'identity':
    case '':
      return raw;
    case 'deflate':
      return inflate(raw, limit, true);
    case 'gzip':
    case 'x-gzip':
      return inflate(raw, limit, false);
    default:
      throw new AppError('unsupported', `Unsupported Content-Encoding '${encoding}'; send identity, deflate or gzip.`);
  }
}

function tooLarge(limit: number): AppError {
  return new AppError('too_large', `Request body is larger than the limit of ${limit} bytes.`);
}

/**
 * A body that declared its length (up to this size) is copied into one buffer as it arrives:
 * the socket's read buffers are let go at once instead of being held until the last byte, and no
 * concatenation is needed. Larger or chunked bodies are gathered as a list; the cap keeps a
 * caller that declares a big body and sends one byte from reserving much memory.
 */
const PREALLOCATE_MAX = 4 * 1024 * 1024;

function collect(req: IncomingMessage, limit: number, declared: number): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    let whole: Buffer | null = null;
    let chunks: Buffer[] | null = null;
    let size = 0;
    let failed = false;
    req.on('data', (chunk: Buffer) => {
      if (failed) return;
      const at = size;
      size += chunk.length;
      if (size > limit) {
        failed = true;
        whole = null;
        chunks = null;
        // Keep reading (and discarding) so the 413 can still be written on this connection.
        reject(tooLarge(limit));
        return;
      }
      if (at === 0 && (chunk.length >= declared || !(declared <= PREALLOCATE_MAX))) {
        // The whole body in one read, or a size we do not reserve up front.
        if (chunk.length >= declared) whole = chunk;
        else chunks = [chunk];
        return;
      }
      if (at === 0) whole = acquireBody(declared);
      if (whole !== null && size <= whole.length && whole.length === declared) {
        chunk.copy(whole, at);
        return;
      }
      if (chunks === null) chunks = whole === null ? [] : [whole.subarray(0, at)];
      whole = null;
      chunks.push(chunk);
    });
    req.on('end', () => {
      if (failed) return;
      if (chunks !== null) resolve(chunks.length === 1 ? chunks[0]! : Buffer.concat(chunks, size));
      else resolve(whole === null ? Buffer.alloc(0) : whole.length === size ? whole : whole.subarray(0, size));
    });
    req.on('error', (err) => {
      if (!failed) {
        failed = true;
        // The caller hung up mid-upload: its fault, not a server error (no 500, no error log).
        reject(new AppError('validation', 'The request body ended before it was complete.', { cause: err }));
      }
    });
  });
}

function inflate(raw: Buffer, limit: number, zlibWrapped: boolean): Buffer {
  try {
    // Rasa (aiohttp) sends zlib-wrapped deflate; some clients send raw deflate. Try both.
    if (zlibWrapped) {
      try {
        return zlib.inflateSync(raw, { maxOutputLength: limit });
      } catch (err) {
        if (isOutputLimit(err)) throw err;
        return zlib.inflateRawSync(raw, { maxOutputLength: limit });
      }
    }
    return zlib.gunzipSync(raw, { maxOutputLength: limit });
  } catch (err) {
    if (isOutputLimit(err)) throw tooLarge(limit);
    throw new AppError('validation', 'Request body could not be decompressed.');
  }
}

function isOutputLimit(err: unknown): boolean {
  return err instanceof RangeError || (err as { code?: string }).code === 'ERR_BUFFER_TOO_LARGE';
}
