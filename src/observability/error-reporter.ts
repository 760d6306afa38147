/**
 * Where bugs are reported beyond the log (Sentry when SENTRY_DSN is set). The routes, the
 * executor and the job runner report what they catch; the reporter keeps only bugs (see
 * src/errors/bug.ts), so a vendor outage or a bad request never pages anyone, and reports each
 * error once even when several layers see it on its way up.
 */
import { isBug } from '../errors/bug';

/** What is known where the error was caught; every field is optional. */
export interface ErrorContext {
  requestId?: string;
  /** The action that was running (a registered name). */
  action?: string | null;
  /** The route or channel the request came in on (`/webhook`, `dialogflow`). */
  route?: string;
  job?: { reference: string; type: string; attempts: number };
}

export interface ErrorReporter {
  /** Reports `err` if it is a bug and has not been reported yet; never throws, never waits. */
  reportBug(err: unknown, context?: ErrorContext): void;
  /** Waits up to `timeoutMs` for reports still being sent (at shutdown). */
  flush(timeoutMs: number): Promise<void>;
}

/** The default: nothing is reported beyond the log. */
export const noErrorReporter: ErrorReporter = {
  reportBug: () => undefined,
  flush: async () => undefined,
};

/** A reporter over `send` that keeps bugs only, each error object once. */
export function bugReporter(send: (err: unknown, context: ErrorContext) => void, flush: (timeoutMs: number) => Promise<void>): ErrorReporter {
  const seen = new WeakSet<object>();
  return {
    reportBug(err, context = {}) {
      if (!isBug(err)) return;
      if (typeof err === 'object' && err !== null) {
        if (seen.has(err)) return;
        seen.add(err);
      }
      try {
        send(err, context);
      } catch {
        // Reporting is best effort: it must never turn a handled error into a crash.
      }
    },
    flush,
  };
}
