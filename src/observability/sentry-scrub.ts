/**
 * What an error report may carry, decided by the same redaction as the logs (./redact.ts): every
 * string is scrubbed and clipped, values under sensitive keys are hidden. On top of that, what
 * only a report could carry goes whole: request bodies, cookies, headers other than a few
 * harmless ones, query strings (Rasa sends its token as `?token=`), the user (an IP address).
 * Runs as Sentry's beforeSend and beforeBreadcrumb, so it also covers what an integration might
 * add later.
 */
import type { Breadcrumb, Event, RequestEventData } from '@sentry/node';
import { isSensitiveKey, redact } from './redact';

/** Deeper than this, a value is replaced, not passed through unscrubbed. */
const MAX_DEPTH = 16;
const HARMLESS_HEADERS = new Set(['content-type', 'content-length', 'user-agent', 'x-request-id']);

function scrub(value: unknown, depth: number): unknown {
  if (typeof value === 'string') return redact(value);
  if (typeof value !== 'object' || value === null) return value;
  if (depth > MAX_DEPTH) return '[too deep]';
  if (Array.isArray(value)) return value.map((v) => scrub(v, depth + 1));
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(value)) out[k] = isSensitiveKey(k) && typeof v === 'string' ? '[secret]' : scrub(v, depth + 1);
  return out;
}

const withoutQuery = (url: string): string => url.split(/[?#]/, 1)[0]!;

/** Method, path and harmless headers; no body, cookies, query string or environment. */
function requestSummary(request: RequestEventData): RequestEventData {
  const out: RequestEventData = {};
  if (request.method) out.method = request.method;
  if (request.url) out.url = withoutQuery(request.url);
  if (request.headers) {
    const headers: Record<string, string> = {};
    for (const [k, v] of Object.entries(request.headers)) if (HARMLESS_HEADERS.has(k.toLowerCase())) headers[k] = v;
    out.headers = headers;
  }
  return out;
}

export function scrubEvent<E extends Event>(event: E): E {
  // sdkProcessingMetadata holds the SDK's own copy of the request; the user is an IP address.
  const { request, user: _user, sdkProcessingMetadata: _metadata, ...rest } = event;
  const clean = scrub(rest, 0) as E;
  if (request) clean.request = scrub(requestSummary(request), 0) as RequestEventData;
  return clean;
}

export function scrubBreadcrumb(breadcrumb: Breadcrumb): Breadcrumb {
  const clean = scrub(breadcrumb, 0) as Breadcrumb;
  if (clean.data) {
    if (typeof clean.data.url === 'string') clean.data.url = withoutQuery(clean.data.url);
    delete clean.data['http.query'];
    delete clean.data['http.fragment'];
  }
  return clean;
}
