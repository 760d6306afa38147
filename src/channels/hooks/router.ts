/**
 * `POST /hooks/:source`: signed webhooks in (see ./inbound-hooks.ts); refusals go to the app's
 * error handler, which writes them through the one taxonomy. The raw body is
 * read on this router only, since the signature covers the exact bytes sent.
 */
import express, { Router, type NextFunction, type Request, type Response } from 'express';
import { AppError } from '../../errors';
import type { InboundHooks } from './inbound-hooks';

export function hooksRoutes(hooks: InboundHooks, opts: { limit?: string | number; onAccepted?(): void; jsonMaxDepth?: number } = {}): Router {
  const router = Router();
  router.post('/hooks/:source', express.raw({ type: () => true, limit: opts.limit ?? '1mb' }), (req: Request, res: Response, next: NextFunction) => {
    const body = Buffer.isBuffer(req.body) ? req.body : Buffer.alloc(0);
    hooks
      // The URL as the sender called it (HubSpot signs it); behind a proxy, Express's trust proxy setting decides the scheme.
      .handle({ source: String(req.params.source), headers: req.headers, body, maxJsonDepth: opts.jsonMaxDepth, uri: `${req.protocol}://${req.get('host') ?? ''}${req.originalUrl}` })
      .then((result) => {
        if (result.status === 202) opts.onAccepted?.();
        res.status(result.status).json(result.body);
      })
      .catch(next);
  });
  // body-parser's own errors (too large, aborted, bad encoding) as 4xx JSON, not 500s.
  router.use('/hooks', (err: unknown, _req: Request, res: Response, next: NextFunction) => {
    const e = err as { status?: unknown; type?: unknown; expose?: unknown } | null;
    // A corrupt gzip/deflate/br body fails in zlib: body-parser passes that on as a 400 without a `type`.
    const fromBodyParser = typeof e?.type === 'string' || e?.expose === true;
    if (typeof e?.status !== 'number' || e.status < 400 || e.status >= 500 || !fromBodyParser) return next(err);
    next(e.status === 413 ? new AppError('too_large', 'The webhook body is too large.') : new AppError('validation', 'The webhook body could not be read.'));
  });
  return router;
}
