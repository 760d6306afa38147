/**
 * The HTTP server. `/webhook` is the hot path: a hand-written handler that reads and parses the
 * body itself and never enters Express's middleware chain (Express's body parsing and response
 * decoration cost more than the action). Every other route is an ordinary Express app.
 */
import http from 'node:http';
import https from 'node:https';
import express, { type Express } from 'express';
import type { Config } from '../config';
import type { Logger } from '../observability/logger';
import type { ErrorReporter } from '../observability/error-reporter';
import type { ActionServices } from '../sdk/action';
import { Executor } from '../sdk/executor';
import type { ActionRegistry } from '../sdk/registry';
import { DomainCache } from '../channels/rasa/domain-cache';
import { listenOn, requestIdOf, sendError } from '../http/node-http';
import { corsHandler } from '../http/cors';
import { AppError } from '../errors';
import { requireToken, tokenCheck, unauthorized } from '../http/auth';
import { jsonErrors, jsonNotFound } from './middleware/json-fallbacks';
import { inboundLimits, ipLimit, throttled } from '../http/rate-limit';
import { createRateLimiters, type RateLimiters } from '../ratelimit';
import { actionsRoutes } from './routes/actions';
import { dialogflowRoutes, type DialogflowConfig } from '../channels/dialogflow/router';
import { mcpRoutes } from '../channels/mcp/router';
import { openApiRoutes } from '../channels/openapi/router';
import { healthRoutes } from './routes/health';
import { readyRoutes } from './routes/ready';
import type { ReadinessCheck } from '../observability/readiness';
import { hooksRoutes } from '../channels/hooks/router';
import { metricsRoutes } from './routes/metrics';
import { statusRoutes, type StatusConsoleOptions } from './routes/status';
import type { Metrics } from '../observability/metrics';
import type { InboundHooks } from '../channels/hooks/inbound-hooks';
import { webhookHandler, type CallRecord, type WebhookDeps } from '../channels/rasa/webhook';
import type { RateLimiter } from '../ratelimit';

export interface ServerOptions {
  config: Pick<Config, 'BODY_LIMIT' | 'SHUTDOWN_TIMEOUT_MS'> & Partial<Pick<Config, 'METRICS_TOKEN' | 'ACTION_SERVER_TOKEN_NAME' | 'ACTION_SERVER_TOKEN_HEADER' | 'JSON_MAX_DEPTH' | 'RATE_LIMIT_IP_PER_MINUTE' | 'RATE_LIMIT_SENDER_PER_MINUTE'>> & DialogflowConfig;
  registry: ActionRegistry;
  logger: Logger;
  services?: ActionServices;
  /** Signed inbound webhooks (`POST /hooks/:source`); absent = no such route. */
  hooks?: InboundHooks;
  onCall?(call: CallRecord): void;
  /** What `GET /ready` checks (store, migrations, queue); none = ready whenever alive. */
  readiness?: readonly ReadinessCheck[];
  /** Prometheus metrics; present = `GET /metrics` served and every /webhook call counted. */
  metrics?: Metrics;
  /** Where inbound limits count (shared through Redis when configured); default in this process. */
  rateLimiters?: RateLimiters;
  /** Where bugs are reported beyond the log (SENTRY_DSN); absent = the log only. */
  errors?: ErrorReporter;
  /** Browser origins allowed to call (CORS_ORIGINS), `*` for any; absent = no CORS headers. */
  cors?: readonly string[];
  /** Certificate and key (SSL_CERTIFICATE...): present = HTTPS instead of HTTP. */
  tls?: TlsOptions;
  /** The ops console's outbox, audit log and ADMIN_TOKEN (`/status`, served with `metrics`). */
  statusConsole?: Pick<StatusConsoleOptions, 'outbox' | 'audit' | 'adminToken'>;
  /** ActionBridge's version, named by MCP's server info and the OpenAPI document. */
  version?: string;
}

/** What the HTTPS server needs; `ca` also makes it require client certificates signed by it. */
export interface TlsOptions {
  cert: Buffer;
  key: Buffer;
  passphrase?: string;
  ca?: Buffer;
}

function serverFor(tls: TlsOptions | undefined, handler: http.RequestListener): http.Server {
  // Idle connections are kept 120 s, as rasa_sdk keeps them.
  if (!tls) return http.createServer({ keepAliveTimeout: 120_000 }, handler);
  const { ca, ...identity } = tls;
  return https.createServer({ keepAliveTimeout: 120_000, ...identity, ...(ca ? { ca, requestCert: true, rejectUnauthorized: true } : {}) }, handler);
}

export interface ActionServer {
  app: Express;
  server: http.Server;
  executor: Executor;
  /** What /webhook runs with (executor, domain cache, limits, call hook) and its per-IP limit: the gRPC channel shares them. */
  rasa: { webhook: WebhookDeps; ipLimiter?: RateLimiter; onIpRefused(): void };
  listen(port: number, host: string): Promise<{ port: number; host: string }>;
  /** Stops accepting, lets in-flight calls finish (up to the shutdown timeout), then closes. */
  shutdown(): Promise<void>;
}

function callHook(opts: ServerOptions): ((call: CallRecord) => void) | undefined {
  const { onCall, metrics } = opts;
  if (!metrics) return onCall;
  if (!onCall) return metrics.recordCall;
  return (call) => {
    metrics.recordCall(call);
    onCall(call);
  };
}

export function createActionServer(opts: ServerOptions): ActionServer {
  const { logger, registry } = opts;
  opts.metrics?.labelActions((name) => registry.has(name));
  const executor = new Executor(registry, opts.services ?? {}, opts.errors);
  const limits = inboundLimits(opts.config, opts.rateLimiters ?? createRateLimiters());
  const tokenSources = { queryName: opts.config.ACTION_SERVER_TOKEN_NAME, header: opts.config.ACTION_SERVER_TOKEN_HEADER };
  const authorized = tokenCheck(opts.config.ACTION_SERVER_TOKEN, tokenSources);
  const onCall = callHook(opts);
  const jsonMaxDepth = opts.config.JSON_MAX_DEPTH;
  const webhookDeps: WebhookDeps = { executor, domainCache: new DomainCache(logger), logger, bodyLimit: opts.config.BODY_LIMIT, jsonMaxDepth, onCall, senderLimiter: limits.sender, errors: opts.errors };
  const webhook = webhookHandler(webhookDeps);

  const app = express();
  app.disable('x-powered-by');
  app.set('etag', false);
  app.use(healthRoutes());
  app.use(readyRoutes(opts.readiness ?? [], logger));
  if (opts.metrics) app.use(metricsRoutes(opts.metrics, opts.config.METRICS_TOKEN), statusRoutes({ metrics: opts.metrics, metricsToken: opts.config.METRICS_TOKEN, ...opts.statusConsole, logger, role: 'server' }));
  // The list of actions maps what the assistant can do: for Rasa, which holds the token.
  app.use('/actions', requireToken(opts.config.ACTION_SERVER_TOKEN, tokenSources));
  app.use(actionsRoutes(registry));
  app.all('/webhook', (req, res, next) => {
    // A POST only gets here when its path differs from the hot path's (e.g. `/WEBHOOK`): not ours.
    if (req.method === 'POST') return next();
    next(new AppError('method_not_allowed', 'Use POST for /webhook.', { headers: { Allow: 'POST' } }));
  });
  // Dialogflow's routes count against the same per-IP budget as /webhook.
  app.use(['/dialogflow/es', '/dialogflow/cx'], ipLimit(limits.ip, () => opts.metrics?.refusedByIpLimit()));
  app.use(dialogflowRoutes({ executor, logger, config: opts.config, tokenSources, onCall, jsonMaxDepth }));
  if (opts.hooks) app.use(hooksRoutes(opts.hooks, { jsonMaxDepth }));
  // The actions as tools for LLM agents: same token, same IP and sender limits, same audit.
  const tools = { executor, logger, tokens: opts.config.ACTION_SERVER_TOKEN, tokenSources, ipLimiter: limits.ip, onRefusedByIp: () => opts.metrics?.refusedByIpLimit(), senderLimiter: limits.sender, onCall, jsonMaxDepth, version: opts.version };
  app.use(mcpRoutes(tools), openApiRoutes(tools));
  app.use(jsonNotFound);
  app.use(jsonErrors(logger, opts.errors));

  let inFlight = 0;
  let closing = false;
  let drained: (() => void) | null = null;
  const cors = opts.cors?.length ? corsHandler(opts.cors) : null;
  const server = serverFor(opts.tls, (req, res) => {
    inFlight++;
    res.once('close', () => {
      inFlight--;
      if (closing && inFlight === 0) drained?.();
    });
    if (closing) res.setHeader('Connection', 'close');
    if (cors?.(req, res)) return;
    // rasa_sdk (Sanic) also answers `/webhook/`; an endpoints.yml URL with a trailing slash must work.
    const url = req.url ?? '';
    const path = url === '/webhook' || url === '/webhook/' || url.startsWith('/webhook?') || url.startsWith('/webhook/?') ? '/webhook' : null;
    if (path && req.method === 'POST') {
      // ACTION_SERVER_TOKEN guards Rasa's calls too (endpoints.yml sends it as ?token=).
      if (!authorized(req)) {
        sendError(res, unauthorized(), { requestId: requestIdOf(req.headers['x-request-id']) });
        return;
      }
      const run = () =>
        webhook(req, res).catch((err) => {
          logger.error('webhook handler crashed', { error: err });
          opts.errors?.reportBug(err, { route: '/webhook' });
          if (!res.headersSent) sendError(res, err, { requestId: requestIdOf(req.headers['x-request-id']) });
        });
      if (!limits.ip) {
        void run();
        return;
      }
      // Before the body is read: a flooding client costs us no buffering or parsing.
      limits.ip.consume(req.socket.remoteAddress ?? 'unknown').then((decision) => {
        if (decision.allowed) return run();
        opts.metrics?.refusedByIpLimit();
        sendError(res, throttled('ip', decision), { requestId: requestIdOf(req.headers['x-request-id']) });
        req.resume();
      }, (err: unknown) => {
        logger.error('rate limit check crashed', { error: err });
        return run();
      });
      return;
    }
    app(req, res);
  });
  // Rasa holds action calls for up to 5 minutes; don't cut slow actions off before it does.
  server.requestTimeout = 310_000;
  server.headersTimeout = 60_000;

  return {
    app,
    server,
    executor,
    rasa: { webhook: webhookDeps, ipLimiter: limits.ip, onIpRefused: () => opts.metrics?.refusedByIpLimit() },
    listen: (port, host) => listenOn(server, port, host),
    async shutdown() {
      if (closing) return;
      closing = true;
      const closed = new Promise<void>((resolve) => server.close(() => resolve()));
      server.closeIdleConnections();
      if (inFlight > 0) {
        await Promise.race([
          new Promise<void>((resolve) => (drained = resolve)),
          new Promise<void>((resolve) => setTimeout(resolve, opts.config.SHUTDOWN_TIMEOUT_MS).unref()),
        ]);
      }
      server.closeAllConnections();
      await closed;
    },
  };
}
