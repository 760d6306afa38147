/** `GET /metrics` in Prometheus text format, behind METRICS_TOKEN when one is set. */
import { Router } from 'express';
import type { Metrics } from '../../observability/metrics';
import { requireToken } from '../../http/auth';

export function metricsRoutes(metrics: Metrics, token: string | undefined): Router {
  const router = Router();
  router.get('/metrics', requireToken(token), async (_req, res, next) => {
    try {
      const text = await metrics.render();
      res.status(200).type(metrics.contentType()).send(text);
    } catch (err) {
      next(err);
    }
  });
  return router;
}
