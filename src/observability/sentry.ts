/**
 * Bugs reported to Sentry (SENTRY_DSN). @sentry/node is loaded only when a reporter is built, as
 * jose is for identity tokens: the default server never loads it. The SDK runs as a client of its
 * own, not the global one `Sentry.init` would set up, so it installs no process handlers and no
 * OpenTelemetry of its own beside ./tracing.ts, and collects nothing by itself: no request data,
 * no console breadcrumbs. What it sends goes through ./sentry-scrub.ts first.
 */
import type * as SentryNode from '@sentry/node';
import { requireOptional } from '../errors/optional-package';
import { bugReporter, type ErrorContext, type ErrorReporter } from './error-reporter';
import { scrubBreadcrumb, scrubEvent } from './sentry-scrub';

export interface SentryOptions {
  dsn: string;
}

function sentry(): typeof SentryNode {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  return requireOptional('@sentry/node', 'SENTRY_DSN', () => require('@sentry/node') as typeof SentryNode);
}

const tagsOf = (c: ErrorContext): Record<string, string> => {
  const tags: Record<string, string> = {};
  if (c.requestId) tags.request_id = c.requestId;
  if (c.action) tags.action = c.action;
  if (c.route) tags.route = c.route;
  if (c.job) Object.assign(tags, { job_reference: c.job.reference, job_type: c.job.type, job_attempts: String(c.job.attempts) });
  return tags;
};

export function createSentryReporter(opts: SentryOptions): ErrorReporter {
  const S = sentry();
  const client = new S.NodeClient({
    dsn: opts.dsn,
    integrations: [S.linkedErrorsIntegration()],
    transport: S.makeNodeTransport,
    stackParser: S.defaultStackParser,
    sendDefaultPii: false,
    beforeSend: (event) => scrubEvent(event),
    beforeBreadcrumb: (breadcrumb) => scrubBreadcrumb(breadcrumb),
  });
  const scope = new S.Scope();
  scope.setClient(client);
  client.init();
  return bugReporter(
    (err, context) => {
      const forThis = scope.clone();
      forThis.setTags(tagsOf(context));
      forThis.captureException(err);
    },
    async (timeoutMs) => {
      await client.flush(timeoutMs);
    },
  );
}
