import { Router } from 'express';
import type { Logger } from '../../observability/logger';
import { causesOf, runReadiness, type ReadinessCheck } from '../../observability/readiness';

/**
 * GET /ready: 200 when every dependency answers, 503 naming the failing checks otherwise (with a
 * reason code each). Unauthenticated, so the dependencies' own errors go to the log only.
 */
export function readyRoutes(checks: readonly ReadinessCheck[], logger: Logger): Router {
  const router = Router();
  router.get('/ready', async (_req, res) => {
    const report = await runReadiness(checks);
    for (const { check, reason, error } of report.failures) logger.warn('readiness check failed', { check, reason, error, causes: causesOf(error) });
    res.status(report.ready ? 200 : 503).set('Cache-Control', 'no-store').json({ status: report.ready ? 'ready' : 'not_ready', checks: report.checks });
  });
  return router;
}
