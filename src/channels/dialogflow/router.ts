/**
 * Express routes `POST /dialogflow/es` and `POST /dialogflow/cx`. JSON parsing and the token
 * check are mounted on these routes only, so the rest of the server is unaffected.
 */
import { Router, type Request, type Response } from 'express';
import { readDomain } from '../../protocol/domain-file';
import type { Config } from '../../config';
import type { Logger } from '../../observability/logger';
import { AppError } from '../../errors';
import type { Executor } from '../../sdk/executor';
import { requestIdOf, sendError } from '../../http/node-http';
import { notJson } from '../../http/json-content-type';
import { jsonBody, jsonBodyErrors } from '../../http/json-body';
import { requireToken, type TokenSources } from '../../http/auth';
import { handleCx } from './cx';
import { handleEs } from './es';
import { loadMapping, type DialogflowMapping } from './mapping';
import { PendingRuns } from '../core/pending-runs';
import type { AdapterDeps, AdapterResult } from './shared';

export type DialogflowConfig = Partial<Pick<Config, 'ACTION_SERVER_TOKEN' | 'DIALOGFLOW_MAPPING_FILE' | 'DIALOGFLOW_DEADLINE_MS'>>;

export interface DialogflowRouteOptions {
  executor: Executor;
  logger: Logger;
  config: DialogflowConfig;
  /** Overrides the mapping file (tests, embedding). */
  mapping?: DialogflowMapping;
  /** Renamed query parameter / extra header the token may come in (same as /webhook). */
  tokenSources?: TokenSources;
  /** Dialogflow's requests are small; this keeps a stray huge body from being buffered. */
  bodyLimit?: string | number;
  /** Deepest array/object nesting accepted (JSON_MAX_DEPTH); checked on the raw bytes before parsing. */
  jsonMaxDepth?: number;
  /** Same hook as /webhook's (metrics): one record per Dialogflow call. */
  onCall?(call: { requestId: string; action: string | null; senderId: string | null; status: number; durationMs: number }): void;
}

const DEFAULT_DEADLINE_MS = 4500;

type Handler = (body: unknown, deps: AdapterDeps, requestId: string) => Promise<AdapterResult>;

export function dialogflowRoutes(opts: DialogflowRouteOptions): Router {
  const mapping = opts.mapping ?? loadMapping(opts.config.DIALOGFLOW_MAPPING_FILE);
  const deps: AdapterDeps = {
    executor: opts.executor,
    logger: opts.logger,
    mapping,
    deadlineMs: opts.config.DIALOGFLOW_DEADLINE_MS ?? DEFAULT_DEADLINE_MS,
    pending: new PendingRuns(),
    domain: mapping.domainFile ? readDomain(mapping.domainFile) : null,
  };
  const json = jsonBody({ limit: opts.bodyLimit ?? '1mb', maxDepth: opts.jsonMaxDepth, what: 'a Dialogflow webhook call' });
  const auth = requireToken(opts.config.ACTION_SERVER_TOKEN, opts.tokenSources);

  const route = (edition: string, handle: Handler) => async (req: Request, res: Response) => {
    const started = performance.now();
    const requestId = requestIdOf(req.headers['x-request-id']);
    res.set('X-Request-Id', requestId);
    // Anything but JSON (the same rule as /webhook) was left unparsed by express.json.
    if (req.body === undefined) {
      sendError(res, notJson('the Dialogflow WebhookRequest'), { requestId });
      return;
    }
    const result = await handle(req.body, deps, requestId);
    res.status(result.status).json(result.body);
    const durationMs = performance.now() - started;
    opts.onCall?.({ requestId, action: result.action ?? null, senderId: null, status: result.status, durationMs });
    opts.logger.info('dialogflow call', { requestId, edition, action: result.action, status: result.status, durationMs: Math.round(durationMs) });
  };

  const router = Router();
  router.post('/dialogflow/es', auth, json, route('es', handleEs));
  router.post('/dialogflow/cx', auth, json, route('cx', handleCx));
  router.all(['/dialogflow/es', '/dialogflow/cx'], (_req, _res, next) => {
    next(new AppError('method_not_allowed', 'Dialogflow calls its webhook with POST.', { headers: { Allow: 'POST' } }));
  });
  router.use(jsonBodyErrors('a Dialogflow webhook call'));
  return router;
}
