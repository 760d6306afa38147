/**
 * Reads a request body with a size limit that also bounds the *decompressed* size, so a small
 * gzip/deflate bomb cannot expand into gigabytes. Rasa sends `Content-Encoding: deflate`
 * (zlib) when request compression is on; gzip is accepted too.
 */
import type { IncomingMessage } from 'node:http';
import zlib from 'node:zlib';
import { AppError } from '../../errors';
import { acquireBody } from './body-pool';

export async function readBody(req: IncomingMessage, limit: number): Promise<Buffer> {
  const declared = Number(req.headers['content-length']);
  if (Number.isFinite(declared) && declared > limit) throw tooLarge(limit);
  const raw = await collect(req, limit);
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

/** Bodies up to this size are put together in a reusable buffer (see body-pool.ts). */
const POOLED_MAX = 4 * 1024 * 1024;

function collect(req: IncomingMessage, limit: number): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    let chunks: Buffer[] = [];
    let size = 0;
    let failed = false;
    req.on('data', (chunk: Buffer) => {
      if (failed) return;
      size += chunk.length;
      if (size > limit) {
        failed = true;
        chunks = [];
        // Keep reading (and discarding) so the 413 can still be written on this connection.
        reject(tooLarge(limit));
        return;
      }
      chunks.push(chunk);
    });
    req.on('end', () => {
      if (failed) return;
      if (chunks.length <= 1) return resolve(chunks[0] ?? Buffer.alloc(0));
      // One copy into a reused buffer: no concatenation garbage, and the chunks go at once.
      const whole = size <= POOLED_MAX ? acquireBody(size) : Buffer.allocUnsafe(size);
      let at = 0;
      for (const c of chunks) at += c.copy(whole, at);
      chunks = [];
      resolve(whole);
    });
    req.on('error', (err) => {
      if (!failed) {
        failed = true;
        chunks = [];
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
