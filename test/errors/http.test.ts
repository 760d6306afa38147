/** The one mapping from the error taxonomy to HTTP, for every route. */
import { ActionExecutionRejection, ActionNotFound, AppError, DomainNotFound, userMessage, type ErrorKind } from '../../src/errors';
import { toHttpError } from '../../src/errors/http';

const ctx = { requestId: 'req-1' };

describe('toHttpError', () => {
  it.each<[ErrorKind, number, string]>([
    ['validation', 400, 'invalid_request'],
    ['auth', 401, 'unauthorized'],
    ['forbidden', 403, 'forbidden'],
    ['not_found', 404, 'not_found'],
    ['method_not_allowed', 405, 'method_not_allowed'],
    ['conflict', 409, 'conflict'],
    ['too_large', 413, 'payload_too_large'],
    ['unsupported', 415, 'unsupported_media_type'],
    ['rate_limited', 429, 'rate_limited'],
    ['upstream_unavailable', 503, 'upstream_unavailable'],
  ])('%s → %i with code %s, and a sentence for a chat user', (kind, status, code) => {
    const mapped = toHttpError(new AppError(kind, 'what happened'), ctx);
    expect(mapped.status).toBe(status);
    expect(mapped.body).toEqual({ error: 'what happened', code, request_id: 'req-1' });
    expect(userMessage(kind)).toMatch(/[.?]$/);
  });

  it('carries a specific code, a reason and the headers the error knows it needs', () => {
    const err = new AppError('auth', 'The webhook signature is not valid.', { code: 'invalid_signature', reason: 'stale_timestamp', headers: { 'WWW-Authenticate': 'Bearer' } });
    expect(toHttpError(err, ctx)).toEqual({
      status: 401,
      body: { error: 'The webhook signature is not valid.', code: 'invalid_signature', reason: 'stale_timestamp', request_id: 'req-1' },
      headers: { 'WWW-Authenticate': 'Bearer' },
    });
    const busy = toHttpError(new AppError('rate_limited', 'slow down', { retryAfterSeconds: 1.2 }), ctx);
    expect(busy.headers).toEqual({ 'Retry-After': '2' });
  });

  it("keeps rasa_sdk's exact bodies for the protocol's own errors", () => {
    expect(toHttpError(new ActionExecutionRejection('action_x'), ctx)).toEqual({ status: 400, body: { error: "Custom action 'action_x' rejected execution.", action_name: 'action_x' } });
    expect(toHttpError(new ActionNotFound('action_x'), ctx).status).toBe(404);
    expect(toHttpError(new DomainNotFound('action_x'), ctx).status).toBe(449);
  });

  it('answers anything else 500 without echoing it, naming the action and the request', () => {
    const mapped = toHttpError(new Error('secret detail from the database'), { requestId: 'req-2', actionName: 'action_x' });
    expect(mapped.status).toBe(500);
    expect(JSON.stringify(mapped.body)).not.toContain('secret detail');
    expect(mapped.body).toMatchObject({ code: 'internal_error', action_name: 'action_x', request_id: 'req-2' });
  });
});
