/**
 * The one error type every connector throws: an AppError (so routes and actions map it like any
 * other) that also says what the gateway may do about it. Each connector's `normalize` builds
 * these from its SDK's own error shapes, so retry decisions never look at vendor types.
 */
import { AppError, type ErrorKind } from '../../errors';

/**
 * - `safe`: the vendor provably did not process the request (429, 503 with Retry-After,
 *   connection refused): retrying cannot duplicate anything.
 * - `if_idempotent`: a transient failure after the request may have reached the vendor
 *   (timeout, 5xx, reset): retry only operations that are idempotent.
 * - `never`: retrying gives the same answer (validation, auth, not found).
 */
export type RetryAdvice = 'safe' | 'if_idempotent' | 'never';

export interface ConnectorErrorDetails {
  connector: string;
  operation?: string;
  status?: number;
  /** The vendor's own error code (errorCode, category, code) for logs and tests. */
  vendorCode?: string;
  retry: RetryAdvice;
  retryAfterSeconds?: number;
  issues?: { path: string; message: string }[];
  cause?: unknown;
}

export class ConnectorError extends AppError {
  readonly connector: string;
  operation?: string;
  readonly status?: number;
  readonly vendorCode?: string;
  readonly retry: RetryAdvice;

  constructor(kind: ErrorKind, message: string, details: ConnectorErrorDetails) {
    super(kind, message, { retryAfterSeconds: details.retryAfterSeconds, issues: details.issues, cause: details.cause });
    this.name = 'ConnectorError';
    this.connector = details.connector;
    this.operation = details.operation;
    this.status = details.status;
    this.vendorCode = details.vendorCode;
    this.retry = details.retry;
  }

  /** Whether this failure counts against the connector's health (opens the breaker). */
  get transient(): boolean {
    return this.kind === 'upstream_unavailable' || this.kind === 'rate_limited';
  }
}

/** Node / undici / node-fetch / axios codes that mean no connection was made at all. */
const NOT_CONNECTED = new Set(['ECONNREFUSED', 'ENOTFOUND', 'EAI_AGAIN', 'EHOSTUNREACH', 'ENETUNREACH', 'ENETDOWN', 'EHOSTDOWN']);
/** Codes where the request may have been sent before the connection failed. */
const CONNECTION_LOST = new Set(['ECONNRESET', 'EPIPE', 'ETIMEDOUT', 'ECONNABORTED', 'UND_ERR_SOCKET', 'UND_ERR_CONNECT_TIMEOUT', 'ERR_SOCKET_CONNECTION_TIMEOUT']);

/** The first network error code found on an error or its cause chain. */
export function networkCodeOf(err: unknown): string | undefined {
  let cur: unknown = err;
  for (let depth = 0; depth < 5 && typeof cur === 'object' && cur !== null; depth++) {
    const code = (cur as { code?: unknown; errno?: unknown }).code;
    if (typeof code === 'string' && (NOT_CONNECTED.has(code) || CONNECTION_LOST.has(code))) return code;
    cur = (cur as { cause?: unknown }).cause;
  }
  return undefined;
}

/** A transport failure (no HTTP answer) as a ConnectorError, or undefined if it is not one. */
export function fromNetworkError(connector: string, err: unknown): ConnectorError | undefined {
  const code = networkCodeOf(err);
  if (!code) return undefined;
  return new ConnectorError('upstream_unavailable', `${connector} could not be reached (${code}).`, {
    connector,
    vendorCode: code,
    retry: NOT_CONNECTED.has(code) ? 'safe' : 'if_idempotent',
    cause: err,
  });
}

/** Retry-After as seconds: either delta-seconds or an HTTP date. */
export function parseRetryAfter(value: unknown, now = Date.now()): number | undefined {
  if (typeof value === 'number' && Number.isFinite(value)) return Math.max(0, value);
  if (typeof value !== 'string' || value.trim() === '') return undefined;
  const s = value.trim();
  if (/^\d+(\.\d+)?$/.test(s)) return Number(s);
  const at = Date.parse(s);
  return Number.isNaN(at) ? undefined : Math.max(0, (at - now) / 1000);
}

/** The generic HTTP status → taxonomy mapping every connector starts from. */
export function fromHttpStatus(
  connector: string,
  status: number,
  message: string,
  extra: { vendorCode?: string; retryAfterSeconds?: number; issues?: { path: string; message: string }[]; cause?: unknown } = {},
): ConnectorError {
  const base = { connector, status, ...extra };
  if (status === 429) return new ConnectorError('rate_limited', message, { ...base, retry: 'safe' });
  if (status === 503 || status === 529) {
    // A 503 that says when to come back was refused up front; without it, who knows.
    return new ConnectorError('upstream_unavailable', message, { ...base, retry: extra.retryAfterSeconds !== undefined ? 'safe' : 'if_idempotent' });
  }
  if (status >= 500 || status === 408) return new ConnectorError('upstream_unavailable', message, { ...base, retry: 'if_idempotent' });
  if (status === 401) return new ConnectorError('auth', message, { ...base, retry: 'never' });
  if (status === 403) return new ConnectorError('forbidden', message, { ...base, retry: 'never' });
  if (status === 404) return new ConnectorError('not_found', message, { ...base, retry: 'never' });
  if (status === 409) return new ConnectorError('conflict', message, { ...base, retry: 'never' });
  if (status === 413) return new ConnectorError('too_large', message, { ...base, retry: 'never' });
  return new ConnectorError('validation', message, { ...base, retry: 'never' });
}

/**
 * Checks a vendor's success body against what the adapter needs. Several SDKs resolve a
 * malformed JSON answer as a plain string; this turns that into a clear upstream error.
 */
export function expectShape<T>(connector: string, what: string, schema: { safeParse(v: unknown): { success: true; data: T } | { success: false } }, value: unknown): T {
  const parsed = schema.safeParse(value);
  if (parsed.success) return parsed.data;
  throw new ConnectorError('upstream_unavailable', `${connector} sent an answer to ${what} that could not be understood.`, {
    connector,
    vendorCode: 'malformed_response',
    retry: 'never',
  });
}
