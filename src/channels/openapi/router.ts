/**
 * `GET /openapi.json` (the tools' OpenAPI document) and `POST /tools/{action}` (run one: the body
 * is the arguments, the answer `{status, messages, slots, events}`), behind the same token and
 * per-IP limit as /webhook. A wrong call is a 4xx JSON error with the issues; an unknown or
 * hidden action is a 404.
 */
import { Router, type Request, type Response } from 'express';
import { AppError } from '../../errors';
import { requireToken } from '../../http/auth';
import { jsonBody, jsonBodyErrors } from '../../http/json-body';
import { notJson } from '../../http/json-content-type';
import { requestIdOf, sendError } from '../../http/node-http';
import { ipLimit } from '../../http/rate-limit';
import { findTool } from '../tools/catalogue';
import { callTool, conversationIdOf } from '../tools/call-tool';
import { DEFAULT_TOOL_BODY_LIMIT, toolCallDeps, type ToolChannelOptions } from '../tools/channel-options';
import { TOOLS_PREFIX, openApiDocument } from './document';

export const OPENAPI_PATH = '/openapi.json';

const HOST = /^[A-Za-z0-9.-]{1,253}(:\d{1,5})?$|^\[[0-9A-Fa-f:.]{2,45}\](:\d{1,5})?$/;

/** The server as this caller reached it, for the document's `servers` (Copilot Studio needs an absolute URL). */
function serverUrlOf(req: Request): string | undefined {
  const host = req.headers.host;
  if (!host || !HOST.test(host)) return undefined;
  return `${req.protocol}://${host}`;
}

export function openApiRoutes(opts: ToolChannelOptions): Router {
  const deps = toolCallDeps(opts);
  const registry = opts.executor.registry;
  const auth = requireToken(opts.tokens, opts.tokenSources);
  const what = 'a tool call';
  const secured = (opts.tokens?.length ?? 0) > 0;

  const call = async (req: Request, res: Response) => {
    const requestId = requestIdOf(req.headers['x-request-id']);
    res.set('X-Request-Id', requestId);
    const name = String(req.params.action ?? '');
    const tool = findTool(registry, name);
    if (!tool) {
      sendError(res, new AppError('not_found', `No tool named '${name.slice(0, 100)}': GET ${OPENAPI_PATH} lists them.`), { requestId });
      return;
    }
    // Anything but JSON was left unparsed by the body parser.
    if (req.body === undefined) {
      sendError(res, notJson(`the arguments of '${tool.name}'`), { requestId });
      return;
    }
    const senderId = conversationIdOf(req.headers['x-conversation-id'], 'tools');
    try {
      const output = await callTool(tool, req.body, { channel: 'tools', senderId, requestId }, deps);
      res.status(output.status === 'pending' ? 202 : 200).json(output);
    } catch (err) {
      sendError(res, err, { requestId, actionName: tool.name });
    }
  };

  const router = Router();
  router.get(OPENAPI_PATH, auth, (req, res) => {
    res.json(openApiDocument(registry, { serverUrl: serverUrlOf(req), version: opts.version ?? '0.0.0', secured }));
  });
  router.all(OPENAPI_PATH, (_req, _res, next) => next(new AppError('method_not_allowed', `Use GET for ${OPENAPI_PATH}.`, { headers: { Allow: 'GET' } })));
  const path = `${TOOLS_PREFIX}/:action`;
  router.post(path, ipLimit(opts.ipLimiter, opts.onRefusedByIp), auth, jsonBody({ limit: opts.bodyLimit ?? DEFAULT_TOOL_BODY_LIMIT, maxDepth: opts.jsonMaxDepth, what }), (req, res, next) => {
    call(req, res).catch(next);
  });
  router.all(path, (_req, _res, next) => next(new AppError('method_not_allowed', 'Call a tool with POST.', { headers: { Allow: 'POST' } })));
  router.use(jsonBodyErrors(what));
  return router;
}
