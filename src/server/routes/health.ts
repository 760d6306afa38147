import { Router } from 'express';

/** GET /health: the process is alive (rasa_sdk's exact body). */
export function healthRoutes(): Router {
  const router = Router();
  router.get('/health', (_req, res) => {
    res.json({ status: 'ok' });
  });
  return router;
}
