/**
 * The console's forms are tiny (a name, a token, a CSRF field): read an urlencoded body of at most
 * 4 KB by hand, so a wrong type or an oversized body is a clear 415/413 through the taxonomy,
 * never a parser's 500.
 */
import type { IncomingMessage } from 'node:http';
import { AppError } from '../../errors';

export const FORM_LIMIT = 4096;

export async function readForm(req: IncomingMessage): Promise<URLSearchParams> {
  const type = (req.headers['content-type'] ?? '').split(';')[0]!.trim().toLowerCase();
  if (type !== 'application/x-www-form-urlencoded') {
    req.resume();
    throw new AppError('unsupported', 'Send the form as application/x-www-form-urlencoded.');
  }
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (chunk: Buffer) => {
      size += chunk.length;
      // Past the limit the rest is drained, not kept: the socket stays usable for the answer.
      if (size <= FORM_LIMIT) chunks.push(chunk);
    });
    req.on('error', reject);
    req.on('end', () => {
      if (size > FORM_LIMIT) reject(new AppError('too_large', `The form is larger than ${FORM_LIMIT} bytes.`));
      else resolve(new URLSearchParams(Buffer.concat(chunks).toString('utf8')));
    });
  });
}
