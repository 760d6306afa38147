/** What the ES and CX handlers share: their dependencies, result shape and small helpers. */
import type { Logger } from '../../observability/logger';
import type { Domain } from '../../protocol/request';
import type { ErrorBody } from '../../protocol/response';
import type { Executor } from '../../sdk/executor';
import { DEFAULT_MESSAGES, type DialogflowMapping } from './mapping';
import type { Fallbacks } from '../core/answer-turn';
import type { PendingRuns } from '../core/pending-runs';

export interface AdapterDeps {
  /** The same executor /webhook uses: the adapter only translates, actions do the work. */
  executor: Executor;
  logger: Logger;
  mapping: DialogflowMapping;
  /** Budget for the action before answering "pending" (a mapping file value per edition wins). */
  deadlineMs: number;
  pending: PendingRuns;
  /** The Rasa domain named in the mapping file, if any. */
  domain: Domain | null;
}

export interface AdapterResult {
  status: number;
  body: unknown;
  action: string | null;
}

/** Dialogflow (ES and CX) refuses webhook responses over 64 KiB. */
export const MAX_RESPONSE_BYTES = 64 * 1024;

export function fitsSizeLimit(body: unknown): boolean {
  return Buffer.byteLength(JSON.stringify(body)) <= MAX_RESPONSE_BYTES;
}

export function messageFor(mapping: DialogflowMapping, kind: keyof typeof DEFAULT_MESSAGES): string {
  return mapping.messages[kind] ?? DEFAULT_MESSAGES[kind];
}

export function badRequest(error: string, issues: { path: string; message: string }[], requestId: string): AdapterResult {
  const body: ErrorBody = { error, code: 'invalid_request', issues, request_id: requestId };
  return { status: 400, body, action: null };
}

/** The mapping file's sentences for a turn that did not finish (or the defaults). */
export function fallbacksOf(mapping: DialogflowMapping): Fallbacks {
  return { unknown: messageFor(mapping, 'unknown'), pending: messageFor(mapping, 'pending'), failed: messageFor(mapping, 'failed') };
}
