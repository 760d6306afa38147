/**
 * POST /webhook: Rasa's action call, answered as rasa_sdk answers it.
 *
 * Order (matters to Rasa): body → JSON → `next_action` (missing → 200 null) → unknown action
 * (404, before the tracker is read) → tracker shape (400) → domain handshake (449; an empty domain
 * for Rasa < 3.9, which never retries) → run → events the calling Rasa rejects are held back.
 * Where rasa_sdk answers 500 because it crashed on bad input (no tracker, non-object body,
 * wrongly typed fields) this answers 400 with the problems listed.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { z } from 'zod';
import { isPlainValidBody, isPlainValidEnvelope, WebhookBodySchema, WebhookEnvelopeSchema, type Domain, type TrackerState } from '../../protocol/request';
import { AppError } from '../../errors';
import type { Executor } from '../../sdk/executor';
import type { Logger } from '../../observability/logger';
import { readBody } from './body';
import { releaseBody } from './body-pool';
import type { DomainCache } from './domain-cache';
import { DomainNotFound } from '../../errors';
import { missingDomainRule } from '../../protocol/rasa-version';
import { splitByRasaSupport } from '../../protocol/event-support';
import { toHttpError } from '../../errors/http';
import { requestIdOf, sendJson } from '../../http/node-http';
import { malformedJson } from '../../http/malformed-json';
import { isJsonRequest, notJson } from '../../http/json-content-type';
import { DEFAULT_JSON_MAX_DEPTH, exceedsJsonDepth, nestsDeeperThan, tooDeepMessage } from '../../http/json-depth';
import { parseCallBody } from './tracker-json';
import { TurnQueue } from './turn-queue';
import type { Span } from '@opentelemetry/api';
import { inSpan, tracingEnabled } from '../../observability/tracing';
import type { RateLimiter } from '../../ratelimit';
import { throttled } from '../../http/rate-limit';
import { boundedId } from '../../observability/bounded-id';
import type { CallRecord } from '../../observability/events';
import type { ErrorReporter } from '../../observability/error-reporter';

export type { CallRecord };

export interface WebhookDeps {
  executor: Executor;
  domainCache: DomainCache;
  logger: Logger;
  bodyLimit: number;
  /** Deepest array/object nesting accepted (JSON_MAX_DEPTH); deeper bodies get a 400 before the action runs. */
  jsonMaxDepth?: number;
  /** Calls per conversation (RATE_LIMIT_SENDER_PER_MINUTE); absent = unlimited. */
  senderLimiter?: RateLimiter;
  /** Called after every finished call (metrics, audit hooks). */
  onCall?(call: CallRecord): void;
  /** Where bugs are reported beyond the log (SENTRY_DSN). */
  errors?: ErrorReporter;
}

export interface WebhookOutcome {
  status: number;
  body: unknown;
  headers?: Record<string, string>;
  action: string | null;
  senderId: string | null;
  /** What failed, for a transport that answers in its own terms (the gRPC channel); absent on success. */
  error?: unknown;
}

function issuesOf(error: z.ZodError, prefix: string[] = []): { path: string; message: string }[] {
  return error.issues.slice(0, 20).map((i) => ({ path: [...prefix, ...i.path.map(String)].join('.') || '(body)', message: i.message }));
}

const isPlainObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

/** Runs one parsed /webhook body through the protocol. Never throws. */
export async function processWebhook(parsed: unknown, deps: WebhookDeps, requestId: string, signal?: AbortSignal): Promise<WebhookOutcome> {
  let action: string | null = null;
  let senderId: string | null = null;
  try {
    if (parsed === null || parsed === undefined) return { status: 400, body: { error: 'Invalid body request' }, action, senderId };
    if (!isPlainObject(parsed)) throw new AppError('validation', 'The request body must be a JSON object.');

    // The hand-written checks answer the common (valid) case without zod's copies; zod decides otherwise.
    const envelope = isPlainValidEnvelope(parsed) ? { success: true as const, data: parsed as z.output<typeof WebhookEnvelopeSchema> } : WebhookEnvelopeSchema.safeParse(parsed);
    if (!envelope.success) throw new AppError('validation', 'Invalid action call.', { issues: issuesOf(envelope.error) });
    const next = envelope.data.next_action;
    // rasa_sdk treats any falsy next_action as "nothing to run" and answers 200 null.
    if (!next) return { status: 200, body: null, action, senderId };
    action = String(next);
    const target = deps.executor.lookup(action);

    const body = isPlainValidBody(parsed) ? { success: true as const, data: parsed as z.output<typeof WebhookBodySchema> } : WebhookBodySchema.safeParse(parsed);
    if (!body.success) throw new AppError('validation', `Invalid action call for '${action}'.`, { issues: issuesOf(body.error) });
    const tracker = body.data.tracker as TrackerState;
    // Bounded before it is logged, counted, keyed on or audited: the chat user chooses it.
    senderId = boundedId(tracker.sender_id);

    let domain = deps.domainCache.resolve(body.data.domain as Domain | null | undefined, envelope.data.domain_digest);
    if (domain === undefined) {
      // Rasa before 3.9 does not retry on 449 (the action's events would be lost): run with an empty domain, as rasa_sdk 3.6 does.
      if (missingDomainRule(envelope.data.version) === 'ask_for_domain') throw new DomainNotFound(action);
      domain = {};
    }
    // After the 449 handshake, so Rasa's retry with the full domain is not counted twice.
    if (deps.senderLimiter) {
      const decision = await deps.senderLimiter.consume(senderId);
      if (!decision.allowed) throw throttled('sender', decision);
    }

    const result = await deps.executor.execute(target, { tracker, domain, signal, requestId });
    if (result.dropped > 0) deps.logger.warn('action returned values that are not events; they were dropped', { requestId, action, dropped: result.dropped });
    // One event the calling Rasa's schema does not know makes it drop all of the action's events.
    const { accepted, refused } = splitByRasaSupport(result.events, envelope.data.version);
    if (refused.length > 0) {
      deps.logger.warn('action returned events the calling Rasa version rejects; they were not sent', {
        requestId,
        action,
        rasaVersion: boundedId(String(envelope.data.version ?? '')),
        refused: refused.map((e) => boundedId(e.event)),
      });
    }
    return { status: 200, body: { events: accepted, responses: result.responses }, action, senderId };
  } catch (err) {
    const mapped = toHttpError(err, { requestId, actionName: action ?? undefined });
    if (mapped.status >= 500) deps.logger.error('action failed', { requestId, action, senderId, error: err });
    deps.errors?.reportBug(err, { requestId, action, route: '/webhook' });
    return { status: mapped.status, body: mapped.body, headers: mapped.headers, action, senderId, error: err };
  }
}

/**
 * Bodies from this size on have their nesting depth checked on the bytes, before JSON.parse; smaller
 * ones are parsed first and the parsed value is walked. Why: JSON.parse of deep nesting is slow
 * (a million nested arrays, 2 MB, take ~0.8 s; 64 KiB of `[` up to ~18 ms), but below this size
 * it stays in the milliseconds (~1 ms, 9 ms at worst measured, for 32 KiB of nested or unclosed
 * brackets), while the byte scan costs ~20% of a small tracker's JSON.parse and the walk ~6%
 * (bench/json-depth.js): with the scan on every call the 50-event benchmark cell lost ~0.1 of its
 * ratio to the bare server. 0 would scan every body.
 */
export const SCAN_BEFORE_PARSE_BYTES = 32 * 1024;

/** Parses the raw body; too deep nesting and JSON syntax errors become a 400 that says how deep or where. */
function parseJson(raw: Buffer, maxDepth: number): unknown {
  if (raw.length === 0) return null;
  const scanFirst = raw.length >= SCAN_BEFORE_PARSE_BYTES;
  let parsed: unknown;
  try {
    if (scanFirst && exceedsJsonDepth(raw, maxDepth)) throw new AppError('validation', tooDeepMessage(maxDepth));
    try {
      parsed = parseCallBody(raw);
    } catch (err) {
      throw malformedJson(err);
    }
  } finally {
    releaseBody(raw);
  }
  if (!scanFirst && nestsDeeperThan(parsed, maxDepth)) throw new AppError('validation', tooDeepMessage(maxDepth));
  return parsed;
}

/** The node-level handler: read, parse, process, answer, log. */
export function webhookHandler(deps: WebhookDeps) {
  // Parsing and validation wait their turn here, so a burst of big trackers cannot starve reads.
  const turns = new TurnQueue();
  const maxDepth = deps.jsonMaxDepth ?? DEFAULT_JSON_MAX_DEPTH;
  const handle = async (req: IncomingMessage, res: ServerResponse, span?: Span): Promise<void> => {
    const started = performance.now();
    const requestId = requestIdOf(req.headers['x-request-id']);
    let outcome: WebhookOutcome;
    try {
      // Before the body is read: a web page can post text/plain cross-origin, never application/json.
      if (!isJsonRequest(req)) throw notJson('the action call');
      const raw = await readBody(req, deps.bodyLimit);
      const abort = new AbortController();
      res.once('close', () => {
        if (!res.writableFinished) abort.abort();
      });
      outcome = await turns.run(() => processWebhook(parseJson(raw, maxDepth), deps, requestId, abort.signal));
    } catch (err) {
      const mapped = toHttpError(err, { requestId });
      outcome = { ...mapped, action: null, senderId: null };
      if (mapped.status >= 500) deps.logger.error('request failed', { requestId, error: err });
      deps.errors?.reportBug(err, { requestId, route: '/webhook' });
    }
    if (!res.headersSent && !res.destroyed) sendJson(res, outcome.status, outcome.body, { 'X-Request-Id': requestId, ...outcome.headers });
    const durationMs = Math.round((performance.now() - started) * 100) / 100;
    const record = { requestId, action: outcome.action, senderId: outcome.senderId, status: outcome.status, durationMs };
    span?.setAttributes({ 'http.response.status_code': outcome.status, 'rasa.action': outcome.action ?? '', 'actionbridge.request_id': requestId });
    if (deps.logger.isLevelEnabled('info')) deps.logger.info('action call', record);
    deps.onCall?.(record);
  };
  return (req: IncomingMessage, res: ServerResponse): Promise<void> =>
    tracingEnabled() ? inSpan('POST /webhook', 'server', { 'http.request.method': 'POST', 'url.path': '/webhook' }, (span) => handle(req, res, span), req.headers) : handle(req, res);
}
