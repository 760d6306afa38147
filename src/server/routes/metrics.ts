/** `GET /metrics` in Prometheus text format, behind METRICS_TOKEN when one is set. */
import { Router } from 'express';
import type { Metrics } from '../../observability/metrics';
import { requireToken, type AcceptedTokens } from '../../http/auth';

export function metricsRoutes(metrics: Metrics, tokens: AcceptedTokens): Router {
  const router = Router();
  router.get('/metrics', requireToken(tokens), async (_req, res, next) => {
    try {
      const text = await metrics.render();
      res.status(200).type(metrics.contentType()).send(text);
    } catch (err) {
      next(err);
    }
  });
  return router;
}
