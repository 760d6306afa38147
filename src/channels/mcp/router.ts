/**
 * `POST /mcp`: the Model Context Protocol over Streamable HTTP, stateless (each POST is answered
 * on its own, as JSON), behind the same token and per-IP limit as /webhook. Each request is its
 * own conversation unless the client names one in `X-Conversation-Id` (so a ticket it files can
 * be asked about later). GET (a server-sent event stream) and DELETE (ending a session) have
 * nothing to do without sessions: 405, as the transport's specification allows.
 */
import { Router, type NextFunction, type Request, type Response } from 'express';
import { AppError } from '../../errors';
import { MissingPackageError } from '../../errors/optional-package';
import { requireToken } from '../../http/auth';
import { jsonBody, jsonBodyErrors } from '../../http/json-body';
import { notJson } from '../../http/json-content-type';
import { requestIdOf, sendError } from '../../http/node-http';
import { ipLimit } from '../../http/rate-limit';
import { conversationIdOf } from '../tools/call-tool';
import { DEFAULT_TOOL_BODY_LIMIT, toolCallDeps, type ToolChannelOptions } from '../tools/channel-options';
import { loadMcpServer } from './load';

export const MCP_PATH = '/mcp';
export const CONVERSATION_HEADER = 'x-conversation-id';

export function mcpRoutes(opts: ToolChannelOptions): Router {
  const deps = toolCallDeps(opts);
  const what = 'an MCP message';
  let sdk: ReturnType<typeof loadMcpServer> | null = null;

  const handle = async (req: Request, res: Response, next: NextFunction) => {
    const requestId = requestIdOf(req.headers['x-request-id']);
    if (req.body === undefined) {
      sendError(res, notJson('MCP messages'), { requestId });
      return;
    }
    try {
      sdk ??= loadMcpServer('MCP over HTTP (POST /mcp)');
    } catch (err) {
      if (!(err instanceof MissingPackageError)) throw err;
      opts.logger.warn('mcp: a client called /mcp but the MCP package is not installed', { installCommand: err.installCommand });
      next(new AppError('not_found', `MCP is not available on this server (${err.packageName} is not installed).`));
      return;
    }
    const senderId = conversationIdOf(req.headers[CONVERSATION_HEADER], 'mcp');
    const server = sdk.createMcpServer({ registry: opts.executor.registry, deps, version: opts.version ?? '0.0.0', caller: () => ({ channel: 'mcp', senderId, requestId }) });
    const transport = new sdk.StreamableHTTPServerTransport({ sessionIdGenerator: undefined, enableJsonResponse: true });
    res.on('close', () => {
      void transport.close();
      void server.close();
    });
    await server.connect(transport);
    await transport.handleRequest(req, res, req.body);
  };

  const router = Router();
  router.post(MCP_PATH, ipLimit(opts.ipLimiter, opts.onRefusedByIp), requireToken(opts.tokens, opts.tokenSources), jsonBody({ limit: opts.bodyLimit ?? DEFAULT_TOOL_BODY_LIMIT, maxDepth: opts.jsonMaxDepth, what }), (req, res, next) => {
    handle(req, res, next).catch(next);
  });
  router.all(MCP_PATH, (_req, _res, next) => {
    next(new AppError('method_not_allowed', 'This MCP endpoint is stateless: send each message with POST.', { headers: { Allow: 'POST' } }));
  });
  router.use(jsonBodyErrors(what));
  return router;
}
