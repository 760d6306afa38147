/**
 * UiPath's errors in our taxonomy. Orchestrator answers `{message, errorCode, traceId}` (its
 * "Response codes" page: 1002 not found, 1016 a duplicate Reference on a queue that enforces
 * unique references, answered 409); the identity server answers OAuth's `{error}` with 400.
 */
import { ConnectorError, fromHttpStatus, fromNetworkError, parseRetryAfter } from '../kit/connector-error';
import type { ErrorNormalizer } from '../kit/gateway';

export const UIPATH = 'uipath';
/** "Error creating Transaction. Duplicate Reference." */
export const DUPLICATE_REFERENCE = 1016;

/** An Orchestrator answer that was not 2xx. */
export function orchestratorError(status: number, text: string, retryAfter: string | null, what: string): ConnectorError {
  let message = `UiPath Orchestrator answered ${status} to ${what}.`;
  let errorCode: number | undefined;
  try {
    const body = JSON.parse(text) as { message?: unknown; errorCode?: unknown };
    if (typeof body.message === 'string') message = `UiPath Orchestrator answered ${status} to ${what}: ${body.message.slice(0, 300)}`;
    if (typeof body.errorCode === 'number') errorCode = body.errorCode;
  } catch {
    // A proxy's page, not Orchestrator's JSON: the status says enough.
  }
  if (status === 409 && errorCode === DUPLICATE_REFERENCE) {
    return new ConnectorError('conflict', message, { connector: UIPATH, status, vendorCode: 'duplicate_reference', retry: 'never' });
  }
  return fromHttpStatus(UIPATH, status, message, {
    ...(errorCode !== undefined && errorCode !== 0 ? { vendorCode: String(errorCode) } : status === 401 ? { vendorCode: 'not_authenticated' } : {}),
    retryAfterSeconds: parseRetryAfter(retryAfter ?? undefined),
  });
}

/** Whether this is Orchestrator refusing a second item with the same Reference. */
export function isDuplicateReference(err: unknown): boolean {
  return err instanceof ConnectorError && err.connector === UIPATH && err.vendorCode === 'duplicate_reference';
}

/**
 * The identity server refused the client credentials. Nothing reached Orchestrator, so a
 * transient failure here is always safe to try again, whatever the call was.
 */
export function identityError(status: number, text: string, retryAfter: string | null): ConnectorError {
  let code: string | undefined;
  try {
    const body = JSON.parse(text) as { error?: unknown };
    if (typeof body.error === 'string') code = body.error;
  } catch {
    // Not OAuth's JSON.
  }
  const message = `The UiPath identity server refused the token request (${status}${code ? ` ${code}` : ''}).`;
  if (code === 'invalid_client' || code === 'unauthorized_client') {
    return new ConnectorError('auth', `${message} Check UIPATH_CLIENT_ID and UIPATH_CLIENT_SECRET.`, { connector: UIPATH, status, vendorCode: code, retry: 'never' });
  }
  if (code === 'invalid_scope') {
    return new ConnectorError('forbidden', `${message} The external application was not granted every scope in UIPATH_SCOPES.`, { connector: UIPATH, status, vendorCode: code, retry: 'never' });
  }
  const base = fromHttpStatus(UIPATH, status, message, { vendorCode: code, retryAfterSeconds: parseRetryAfter(retryAfter ?? undefined) });
  return base.transient ? new ConnectorError(base.kind, message, { connector: UIPATH, status, vendorCode: code, retry: 'safe', retryAfterSeconds: base.retryAfterSeconds }) : base;
}

/** For the gateway: transport failures (our own ConnectorErrors pass through as they are). */
export const normalizeUiPathError: ErrorNormalizer = (err) => (err instanceof ConnectorError ? err : fromNetworkError(UIPATH, err));
