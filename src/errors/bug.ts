/**
 * A bug, as opposed to a failure the taxonomy names: bad input, a refusal, a vendor that is down.
 * Exactly the errors `toHttpError` answers with a 500, and the ones worth a report to whoever
 * fixes the code (SENTRY_DSN); the others are expected and only logged.
 */
import { ActionExecutionRejection, ActionNotFound, AppError, DomainNotFound } from './index';

export function isBug(err: unknown): boolean {
  return !(err instanceof AppError || err instanceof ActionExecutionRejection || err instanceof ActionNotFound || err instanceof DomainNotFound);
}
