import { Router } from 'express';
import { runReadiness, type ReadinessCheck } from '../../observability/readiness';

/** GET /ready: 200 when every dependency answers, 503 with the failing checks otherwise. */
export function readyRoutes(checks: readonly ReadinessCheck[]): Router {
  const router = Router();
  router.get('/ready', async (_req, res) => {
    const report = await runReadiness(checks);
    res.status(report.ready ? 200 : 503).set('Cache-Control', 'no-store').json({ status: report.ready ? 'ready' : 'not_ready', checks: report.checks });
  });
  return router;
}
