/** The last two handlers of every Express app here: unknown routes and errors, both as JSON. */
import type { NextFunction, Request, Response } from 'express';
import type { Logger } from '../../observability/logger';
import { toHttpError } from '../../errors/http';
import { requestIdOf } from '../../http/node-http';

export function jsonNotFound(req: Request, res: Response): void {
  res.status(404).json({ error: `No route for ${req.method} ${req.path}.`, code: 'not_found' });
}

/** Errors mapped once through the taxonomy; only a 5xx is logged (with the error, never the body). */
export function jsonErrors(logger: Logger) {
  return (err: unknown, req: Request, res: Response, _next: NextFunction): void => {
    const mapped = toHttpError(err, { requestId: requestIdOf(req.headers['x-request-id']) });
    if (mapped.status >= 500) logger.error('request failed', { path: req.path, error: err });
    res.status(mapped.status).set(mapped.headers ?? {}).json(mapped.body);
  };
}
