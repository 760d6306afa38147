/** The last two handlers of every Express app here: unknown routes and errors, both as JSON. */
import type { NextFunction, Request, Response } from 'express';
import type { Logger } from '../../observability/logger';
import type { ErrorReporter } from '../../observability/error-reporter';
import { AppError } from '../../errors';
import { toHttpError } from '../../errors/http';
import { requestIdOf } from '../../http/node-http';

export function jsonNotFound(req: Request, _res: Response, next: NextFunction): void {
  next(new AppError('not_found', `No route for ${req.method} ${req.path}.`));
}

/**
 * Errors mapped once through the taxonomy; only a 5xx is logged (with the error, never the body),
 * and a bug is also reported (SENTRY_DSN).
 */
export function jsonErrors(logger: Logger, errors?: ErrorReporter) {
  return (err: unknown, req: Request, res: Response, _next: NextFunction): void => {
    const requestId = requestIdOf(req.headers['x-request-id']);
    const mapped = toHttpError(err, { requestId });
    if (mapped.status >= 500) logger.error('request failed', { path: req.path, error: err });
    errors?.reportBug(err, { requestId, route: req.path });
    if (res.headersSent) return;
    res.status(mapped.status).set(mapped.headers ?? {}).json(mapped.body);
  };
}
