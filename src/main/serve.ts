/** Starts the server from the environment: config → logger → actions → listen, with graceful shutdown. */
import path from 'node:path';
import { BUILT_IN_ACTIONS_DIR, type Config } from '../config';
import { createLogger, type Logger } from '../observability/logger';
import { registerSecret, registerSecretsFromEnv } from '../observability/redact';
import { ActionFileError, loadActionsDir } from '../sdk/load-actions';
import { watchActions, type ActionsWatcher } from '../sdk/watch-actions';
import { tlsOptions } from './tls';
import { startGrpc } from './grpc';
import type { GrpcChannel } from '../channels/grpc/server';
import { createActionServer, type ActionServer } from '../server/app';
import { packageVersion } from './cli/version';
import { Metrics } from '../observability/metrics';
import { createServices } from './services';
import { readSettings } from './settings';
import { onStopRequest } from './stop-request';
import { exposureWarning } from '../server/exposure';
import { auditCallHook } from '../observability/audit';
import { storeReadiness } from '../observability/readiness';
import { openingStoreReadiness } from '../observability/opening-readiness';
import { LazyStore } from '../store';
import { openInBackground } from './open-in-background';
import { InboundHooks } from '../channels/hooks/inbound-hooks';
import { PROACTIVE_JOB_TYPES } from '../delivery/proactive';
import { otlpTracesUrl, startTracing, stopTracing } from '../observability/tracing';

export interface Started {
  server: ActionServer;
  config: Config;
  logger: Logger;
  address: { port: number; host: string };
  protocol: 'http' | 'https';
  /** The Rasa gRPC channel's address, when GRPC/GRPC_PORT turned it on. */
  grpc?: { port: number; host: string };
}

export interface StartOptions {
  /** false = SIGTERM/SIGINT are left to the caller (a test, an embedder), who calls server.shutdown(). */
  exitOnSignal?: boolean;
}

export async function startServer(env: NodeJS.ProcessEnv = process.env, opts: StartOptions = {}): Promise<Started> {
  const settings = readSettings(env);
  const config = settings.app;
  // Each token of a rotation on its own: the variable's whole value never appears in a line.
  for (const token of [...(config.ACTION_SERVER_TOKEN ?? []), ...(config.METRICS_TOKEN ?? []), ...(config.ADMIN_TOKEN ?? [])]) registerSecret(token);
  registerSecret(config.IDENTITY_JWT_SECRET);
  registerSecret(config.DATABASE_URL);
  registerSecret(config.REDIS_URL);
  registerSecret(config.SSL_PASSWORD);
  registerSecretsFromEnv(env);
  const logger = createLogger(config.LOG_LEVEL, undefined, { file: config.LOG_FILE });
  const tls = tlsOptions(config);
  const tracesUrl = otlpTracesUrl(config);
  if (tracesUrl) {
    startTracing({ tracesUrl, serviceName: config.OTEL_SERVICE_NAME });
    logger.info('tracing: spans exported over OTLP/HTTP', { tracesUrl });
  }
  const registry = loadActionsDir(config.ACTIONS_DIR);
  if (config.ACTIONS_DIR === BUILT_IN_ACTIONS_DIR) logger.info('serving the built-in demo actions: no --actions, ACTIONS_DIR or ./actions folder');
  const metrics = new Metrics();
  const built = await createServices(settings, logger, metrics);
  const hooks = new InboundHooks(built.delivery.outbox, built.delivery.config.hooks, { triggers: built.delivery.delivery.supports(PROACTIVE_JOB_TYPES.trigger) });
  // The store is opened right after listening (below); /ready names it until it answers.
  // With AMQP_URL, RabbitMQ is one too (checked on the relay's connection).
  const readiness = [...(built.store instanceof LazyStore ? openingStoreReadiness(built.store) : storeReadiness(built.store)), ...built.delivery.readiness()];
  const server = createActionServer({ config, registry, logger, version: packageVersion(), services: built.services, hooks, metrics, readiness, rateLimiters: built.rateLimiters, onCall: built.audit && auditCallHook(built.audit), errors: built.errors, cors: config.CORS_ORIGINS, tls, statusConsole: { outbox: built.delivery.outbox, audit: built.audit, adminToken: config.ADMIN_TOKEN } });
  let watcher: ActionsWatcher | null = null;
  // Whoever shuts the server down also closes the database, after the in-flight calls are done.
  const closeServer = server.shutdown.bind(server);
  let grpc: GrpcChannel | null = null;
  server.shutdown = () =>
    Promise.resolve(watcher?.close())
      .then(() => Promise.all([grpc?.shutdown(), closeServer()]).then(() => undefined))
      .finally(() => built.close())
      .finally(() => stopTracing());
  // The outbox worker (or the RabbitMQ relay) first: an unreachable broker refuses start-up.
  await built.delivery.start('server').catch(async (err: unknown) => {
    await built.close();
    throw err;
  });
  const address = await server.listen(config.PORT, config.HOST).catch(async (err: unknown) => {
    await built.close();
    throw err;
  });
  if (built.store instanceof LazyStore) openInBackground(built.store, logger);
  // Beside the HTTP server (health, metrics and /webhook stay there), sharing its /webhook state.
  if (settings.grpc) {
    grpc = await startGrpc(settings.grpc, config, server, tls, logger).catch(async (err: unknown) => {
      await server.shutdown();
      throw err;
    });
  }
  if (config.AUTO_RELOAD) {
    watcher = watchActions(config.ACTIONS_DIR, registry, {
      onReloaded: (actions) => logger.info('actions reloaded', { actions }),
      onError: (err) => logger.error('actions reload failed: the previous actions stay', err instanceof ActionFileError ? { file: err.file, error: err.cause } : { error: err }),
    });
  }
  const protocol = tls ? 'https' : 'http';
  logger.info('ActionBridge listening', { ...address, protocol, actionsDir: path.resolve(config.ACTIONS_DIR), autoReload: config.AUTO_RELOAD, actions: registry.list().map((a) => a.name) });
  const warning = exposureWarning(config.HOST, config.ACTION_SERVER_TOKEN);
  if (warning) logger.warn(warning);

  let stopping = false;
  const stop = (signal: string) => {
    if (stopping) return;
    stopping = true;
    logger.info('shutting down: finishing in-flight calls', { signal });
    server.shutdown().then(
      () => {
        logger.info('stopped');
        process.exit(0);
      },
      (err: unknown) => {
        logger.error('shutdown failed', { error: err });
        process.exit(1);
      },
    );
  };
  if (opts.exitOnSignal !== false) {
    process.once('SIGTERM', () => stop('SIGTERM'));
    process.once('SIGINT', () => stop('SIGINT'));
    // One of several processes (WEB_CONCURRENCY): the primary asks by message.
    onStopRequest(() => stop('SIGTERM'));
  }
  return { server, config, logger, address, protocol, ...(grpc ? { grpc: { port: grpc.port, host: grpc.host } } : {}) };
}
