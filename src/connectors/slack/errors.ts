/**
 * What Slack's Web API answers, in the connector taxonomy. Slack says most things with HTTP 200
 * and `{ok: false, error}`; the SDK throws those as platform errors, 429s as rate-limited ones.
 */
import { ErrorCode, type WebAPICallError } from '@slack/web-api';
import { ConnectorError, fromHttpStatus, fromNetworkError, parseRetryAfter } from '../kit/connector-error';

export const SLACK = 'slack';

const AUTH = new Set(['not_authed', 'invalid_auth', 'account_inactive', 'token_revoked', 'token_expired', 'no_permission', 'ekm_access_denied']);
const CHANNEL = new Set(['channel_not_found', 'not_in_channel', 'is_archived']);
const SCOPE = new Set(['missing_scope', 'restricted_action', 'access_denied']);
const TRANSIENT = new Set(['internal_error', 'fatal_error', 'service_unavailable', 'request_timeout']);

function platform(code: string, retryAfterSeconds: number | undefined): ConnectorError {
  const base = { connector: SLACK, vendorCode: code };
  if (code === 'ratelimited') return new ConnectorError('rate_limited', 'Slack is rate limiting the app.', { ...base, retry: 'safe', retryAfterSeconds });
  if (AUTH.has(code)) return new ConnectorError('auth', `Slack refused the bot token (${code}): check SLACK_BOT_TOKEN.`, { ...base, retry: 'never' });
  if (CHANNEL.has(code)) {
    return new ConnectorError('not_found', `Slack cannot post to SLACK_CHANNEL (${code}): check the ID and invite the app to the channel.`, { ...base, retry: 'never' });
  }
  if (SCOPE.has(code)) return new ConnectorError('forbidden', `The Slack app lacks a permission (${code}): it needs chat:write and channels:history (groups:history for a private channel).`, { ...base, retry: 'never' });
  if (TRANSIENT.has(code)) return new ConnectorError('upstream_unavailable', `Slack failed (${code}).`, { ...base, retry: 'if_idempotent' });
  return new ConnectorError('validation', `Slack refused the message (${code}).`, { ...base, retry: 'never' });
}

export function normalizeSlackError(err: unknown): ConnectorError | undefined {
  if (err instanceof ConnectorError) return err;
  const e = err as Partial<WebAPICallError> | null;
  switch (e?.code) {
    case ErrorCode.RateLimitedError:
      return new ConnectorError('rate_limited', 'Slack is rate limiting the app.', { connector: SLACK, status: 429, vendorCode: 'ratelimited', retry: 'safe', retryAfterSeconds: e.retryAfter, cause: err });
    case ErrorCode.PlatformError:
      return platform(String(e.data?.error ?? 'unknown_error'), undefined);
    case ErrorCode.HTTPError:
      return fromHttpStatus(SLACK, e.statusCode ?? 500, `Slack answered HTTP ${e.statusCode ?? '?'}.`, { retryAfterSeconds: parseRetryAfter(e.headers?.['retry-after']), cause: err });
    case ErrorCode.RequestError:
      return fromNetworkError(SLACK, e.original) ?? new ConnectorError('upstream_unavailable', 'Slack could not be reached.', { connector: SLACK, retry: 'if_idempotent', cause: err });
    default:
      return fromNetworkError(SLACK, err);
  }
}
