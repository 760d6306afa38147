import { Router } from 'express';
import type { ActionRegistry } from '../../sdk/registry';

/** GET /actions: the registered actions in registration order, `[{name}]` as rasa_sdk lists them. */
export function actionsRoutes(registry: ActionRegistry): Router {
  const router = Router();
  router.get('/actions', (_req, res) => {
    res.json(registry.list().map((a) => ({ name: a.name })));
  });
  return router;
}
