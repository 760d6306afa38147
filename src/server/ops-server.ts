/**
 * The operations endpoints alone (/health, /ready, /metrics, the /status console): what a worker process
 * serves on WORKER_PORT. Workers make most connector calls once jobs are queued, so without this
 * their metrics, breaker states and readiness would be invisible to Prometheus and orchestrators.
 */
import http from 'node:http';
import express from 'express';
import type { Logger } from '../observability/logger';
import type { Metrics } from '../observability/metrics';
import type { ReadinessCheck } from '../observability/readiness';
import { listenOn } from '../http/node-http';
import type { AcceptedTokens } from '../http/auth';
import { jsonErrors, jsonNotFound } from './middleware/json-fallbacks';
import { healthRoutes } from './routes/health';
import { metricsRoutes } from './routes/metrics';
import { readyRoutes } from './routes/ready';
import { statusRoutes, type StatusConsoleOptions } from './routes/status';

export interface OpsServerOptions {
  metrics: Metrics;
  readiness: readonly ReadinessCheck[];
  /** METRICS_TOKEN (one or several): guards /metrics and /status exactly as on the action server. */
  metricsToken?: AcceptedTokens;
  logger: Logger;
  /** The ops console's outbox, audit log and ADMIN_TOKEN, as on the action server. */
  statusConsole?: Pick<StatusConsoleOptions, 'outbox' | 'audit' | 'adminToken'>;
}

export interface OpsServer {
  listen(port: number, host: string): Promise<{ port: number; host: string }>;
  close(): Promise<void>;
}

export function createOpsServer(opts: OpsServerOptions): OpsServer {
  const app = express();
  app.disable('x-powered-by');
  app.set('etag', false);
  app.use(healthRoutes());
  app.use(readyRoutes(opts.readiness, opts.logger));
  app.use(metricsRoutes(opts.metrics, opts.metricsToken), statusRoutes({ metrics: opts.metrics, metricsToken: opts.metricsToken, ...opts.statusConsole, logger: opts.logger, role: 'worker' }));
  app.use(jsonNotFound);
  app.use(jsonErrors(opts.logger));
  const server = http.createServer(app);

  return {
    listen: (port, host) => listenOn(server, port, host),
    close() {
      return new Promise((resolve) => {
        if (!server.listening) return resolve();
        server.close(() => resolve());
        server.closeAllConnections();
      });
    },
  };
}
