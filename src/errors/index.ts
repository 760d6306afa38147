/**
 * The error taxonomy, at the bottom of the house so every layer can raise it: the protocol's own
 * errors (rejection, unknown action, missing domain) and AppError with its kinds. Each maps once
 * to HTTP (./http.ts) and to a sentence a chat user can read (userMessage).
 */

/** The action declines to run; Rasa logs `action_execution_rejected` and predicts another action. */
export class ActionExecutionRejection extends Error {
  readonly actionName: string;
  constructor(actionName: string, message?: string) {
    super(message ?? `Custom action '${actionName}' rejected execution.`);
    this.name = 'ActionExecutionRejection';
    this.actionName = actionName;
  }
}

export class ActionNotFound extends Error {
  readonly actionName: string;
  constructor(actionName: string) {
    super(`No registered action found for name '${actionName}'.`);
    this.name = 'ActionNotFound';
    this.actionName = actionName;
  }
}

export class DomainNotFound extends Error {
  readonly actionName: string;
  constructor(actionName: string) {
    super(
      'Missing domain context, assistant will retry the request and include the domain in the request payload. ' +
        'For more information please see https://rasa.com/docs/action-server/',
    );
    this.name = 'DomainNotFound';
    this.actionName = actionName;
  }
}

/** What went wrong, in the words every layer shares. */
export type ErrorKind =
  | 'validation'
  | 'auth'
  | 'forbidden'
  | 'not_found'
  | 'conflict'
  | 'too_large'
  | 'unsupported'
  | 'upstream_unavailable'
  | 'rate_limited'
  | 'method_not_allowed';

export interface AppErrorOptions {
  retryAfterSeconds?: number;
  issues?: { path: string; message: string }[];
  /** A more specific machine-readable code for the body than the kind's (e.g. `invalid_signature`). */
  code?: string;
  /** Why, in one word a client can act on (e.g. `stale_timestamp`). */
  reason?: string;
  /** Headers the response must carry (Allow, WWW-Authenticate). */
  headers?: Record<string, string>;
  cause?: unknown;
}

export class AppError extends Error {
  readonly kind: ErrorKind;
  /** Seconds a caller should wait before trying again (rate_limited, upstream_unavailable). */
  readonly retryAfterSeconds?: number;
  readonly issues?: { path: string; message: string }[];
  readonly code?: string;
  readonly reason?: string;
  readonly headers?: Record<string, string>;
  constructor(kind: ErrorKind, message: string, opts: AppErrorOptions = {}) {
    super(message, { cause: opts.cause });
    this.name = 'AppError';
    this.kind = kind;
    this.retryAfterSeconds = opts.retryAfterSeconds;
    this.issues = opts.issues;
    this.code = opts.code;
    this.reason = opts.reason;
    this.headers = opts.headers;
  }
}

const userMessages: Record<ErrorKind, string> = {
  validation: "Sorry, some of the details I have don't look right. Could you check them and try again?",
  auth: "Sorry, I couldn't confirm who you are, so I can't do that.",
  forbidden: "Sorry, you're not allowed to do that.",
  not_found: "Sorry, I couldn't find that.",
  conflict: 'That was changed by someone else at the same moment. Please try again.',
  too_large: 'Sorry, that is more than I can take in at once.',
  unsupported: "Sorry, I can't read that.",
  upstream_unavailable: "Sorry, that system isn't answering right now. Please try again in a few minutes.",
  rate_limited: "You're going a bit fast for me. Please wait a moment and try again.",
  method_not_allowed: "Sorry, I can't do that here.",
};

/** What a chat user is told for an error of this kind. */
export function userMessage(kind: ErrorKind): string {
  return userMessages[kind];
}
