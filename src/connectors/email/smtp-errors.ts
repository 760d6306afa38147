/**
 * What nodemailer's SMTP errors mean for the gateway. The server's own reply text is left out of
 * the messages: it often quotes the recipient, and these messages reach logs and users.
 */
import { ConnectorError, fromNetworkError } from '../kit/connector-error';

export const EMAIL = 'email';

interface SmtpFailure {
  code?: unknown;
  responseCode?: unknown;
  command?: unknown;
}

/** Nodemailer's codes for "no session with the server was established". */
const NOT_CONNECTED = new Set(['ECONNECTION', 'EDNS', 'EPROXY']);
/** Codes for "the connection failed part way": the message may or may not have been accepted. */
const CONNECTION_LOST = new Set(['ESOCKET', 'ETIMEDOUT', 'ETLS', 'ESTREAM']);

export function normalizeSmtpError(err: unknown): ConnectorError | undefined {
  if (typeof err !== 'object' || err === null) return undefined;
  const { code, responseCode } = err as SmtpFailure;
  const vendorCode = typeof code === 'string' ? code : undefined;
  const status = typeof responseCode === 'number' ? responseCode : undefined;
  const details = { connector: EMAIL, vendorCode, status, cause: err };
  if (vendorCode === 'EAUTH' || vendorCode === 'ENOAUTH' || status === 530 || status === 534 || status === 535) {
    return new ConnectorError('auth', 'The mail server refused our credentials.', { ...details, retry: 'never' });
  }
  // 4yz: the server declined for now and kept nothing, so sending again duplicates nothing.
  if (status !== undefined && status >= 400 && status < 500) {
    return new ConnectorError('upstream_unavailable', `The mail server deferred the message (${status}).`, { ...details, retry: 'safe' });
  }
  if (status !== undefined && status >= 500) {
    return new ConnectorError('validation', `The mail server refused the message (${status}).`, { ...details, retry: 'never' });
  }
  if (vendorCode && NOT_CONNECTED.has(vendorCode)) {
    return new ConnectorError('upstream_unavailable', `The mail server could not be reached (${vendorCode}).`, { ...details, retry: 'safe' });
  }
  if (vendorCode && CONNECTION_LOST.has(vendorCode)) {
    return new ConnectorError('upstream_unavailable', `The connection to the mail server failed (${vendorCode}).`, { ...details, retry: 'if_idempotent' });
  }
  return fromNetworkError(EMAIL, err);
}
