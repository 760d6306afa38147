/**
 * The one place errors become HTTP, for every route (the Rasa webhook, Dialogflow, /hooks, the
 * Express fallbacks). Protocol errors keep rasa_sdk's exact bodies (Rasa reads `action_name` on a
 * 400 to record a rejection); everything else gets `{error, code, request_id}`; a 500 names the
 * action and the request id and never echoes the request or a stack.
 */
import type { ErrorBody } from '../protocol/response';
import { ActionExecutionRejection, ActionNotFound, AppError, DomainNotFound, type ErrorKind } from './index';

export interface HttpError {
  status: number;
  body: ErrorBody | { error: string; action_name: string };
  headers?: Record<string, string>;
}

const statusOf: Record<ErrorKind, number> = {
  validation: 400,
  auth: 401,
  forbidden: 403,
  not_found: 404,
  conflict: 409,
  too_large: 413,
  unsupported: 415,
  rate_limited: 429,
  upstream_unavailable: 503,
  method_not_allowed: 405,
};

const codeOf: Record<ErrorKind, string> = {
  validation: 'invalid_request',
  auth: 'unauthorized',
  forbidden: 'forbidden',
  not_found: 'not_found',
  conflict: 'conflict',
  too_large: 'payload_too_large',
  unsupported: 'unsupported_media_type',
  rate_limited: 'rate_limited',
  upstream_unavailable: 'upstream_unavailable',
  method_not_allowed: 'method_not_allowed',
};

export function httpStatusOf(kind: ErrorKind): number {
  return statusOf[kind];
}

export function toHttpError(err: unknown, ctx: { requestId: string; actionName?: string }): HttpError {
  if (err instanceof ActionExecutionRejection) return { status: 400, body: { error: err.message, action_name: err.actionName } };
  if (err instanceof ActionNotFound) return { status: 404, body: { error: err.message, action_name: err.actionName } };
  if (err instanceof DomainNotFound) return { status: 449, body: { error: err.message, action_name: err.actionName } };
  if (err instanceof AppError) {
    const body: ErrorBody = { error: err.message, code: err.code ?? codeOf[err.kind], request_id: ctx.requestId };
    if (err.reason) body.reason = err.reason;
    if (err.issues) body.issues = err.issues;
    const headers: Record<string, string> = { ...err.headers };
    if (err.retryAfterSeconds !== undefined) headers['Retry-After'] = String(Math.max(1, Math.ceil(err.retryAfterSeconds)));
    return { status: statusOf[err.kind], body, headers };
  }
  const what = ctx.actionName ? `Custom action '${ctx.actionName}' failed` : 'The request failed';
  const body: ErrorBody = { error: `${what}; see the action server log for request ${ctx.requestId}.`, code: 'internal_error', request_id: ctx.requestId };
  if (ctx.actionName) body.action_name = ctx.actionName;
  return { status: 500, body };
}
