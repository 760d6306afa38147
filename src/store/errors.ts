/**
 * Turns "the database cannot be reached" into the error taxonomy's `upstream_unavailable`, so
 * actions can tell the user to try again later and the server answers 503 instead of 500.
 * Query errors (bad SQL, constraint violations) stay what they are: those are bugs.
 */
import { AppError } from '../errors';

const NETWORK_CODES = new Set(['ECONNREFUSED', 'ECONNRESET', 'ETIMEDOUT', 'ENOTFOUND', 'EHOSTUNREACH', 'EPIPE', 'EAI_AGAIN']);
// SQLSTATE: class 08 = connection exception; 57P01-03 = shutting down / cannot connect now;
// 53300 = too many connections; 57014 = cancelled, which is what statement_timeout does.
const UNAVAILABLE_SQLSTATE = /^(08...|57P0[123]|53300|57014)$/;

export function isUnavailable(err: unknown): boolean {
  const code = (err as { code?: unknown } | null)?.code;
  if (typeof code === 'string' && (NETWORK_CODES.has(code) || UNAVAILABLE_SQLSTATE.test(code))) return true;
  const message = err instanceof Error ? err.message : '';
  // pg's own wording when a pooled connection drops, a client's session already died, or the
  // pool cannot connect in time.
  return /Connection terminated|not queryable|timeout exceeded when trying to connect/i.test(message);
}

export function databaseUnavailable(cause: unknown): AppError {
  const detail = cause instanceof Error && cause.message ? ` (${cause.message})` : '';
  return new AppError('upstream_unavailable', `The database is not reachable${detail}.`, { cause });
}

/** Rethrows `err`, as `upstream_unavailable` when it means the database cannot be reached. */
export function rethrowStoreError(err: unknown): never {
  if (err instanceof AppError) throw err;
  throw isUnavailable(err) ? databaseUnavailable(err) : err;
}
