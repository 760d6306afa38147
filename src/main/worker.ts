/**
 * `actionbridge worker` / `npm run worker`: a process that only delivers outbox jobs. With
 * AMQP_URL it consumes from RabbitMQ (and relays due jobs); without, it polls the outbox. Runs
 * anywhere that reaches the same database (and broker) as the servers.
 */
import { createLogger } from '../observability/logger';
import { registerSecret } from '../observability/redact';
import { Metrics } from '../observability/metrics';
import { storeReadiness } from '../observability/readiness';
import type { OpsServer } from '../server/ops-server';
import { createServices } from './services';
import { readSettings } from './settings';
import { otlpTracesUrl, startTracing, stopTracing } from '../observability/tracing';

export interface RunningWorker {
  stop(): Promise<void>;
}

export async function runWorker(env: NodeJS.ProcessEnv = process.env, opts: { exitOnSignal?: boolean } = {}): Promise<RunningWorker> {
  const settings = readSettings(env);
  const config = settings.app;
  if (!config.DATABASE_URL) {
    // The embedded database belongs to one process; the server already delivers its jobs itself.
    throw new Error('The worker needs DATABASE_URL (the PostgreSQL the servers use). With the embedded database, the server delivers jobs itself.');
  }
  registerSecret(config.DATABASE_URL);
  for (const token of [...(config.METRICS_TOKEN ?? []), ...(config.ADMIN_TOKEN ?? [])]) registerSecret(token);
  const logger = createLogger(config.LOG_LEVEL, undefined, { file: config.LOG_FILE });
  const tracesUrl = otlpTracesUrl(config);
  if (tracesUrl) startTracing({ tracesUrl, serviceName: `${config.OTEL_SERVICE_NAME}-worker` });
  const metrics = new Metrics();
  const built = await createServices(settings, logger, metrics);
  let ops: OpsServer | null = null;
  let port: number | undefined;
  try {
    await built.delivery.start('worker');
    if (config.WORKER_PORT !== undefined) {
      const { createOpsServer } = await import('../server/ops-server');
      ops = createOpsServer({ metrics, readiness: [...storeReadiness(built.store), ...built.delivery.readiness()], metricsToken: config.METRICS_TOKEN, logger, statusConsole: { outbox: built.delivery.outbox, audit: built.audit, adminToken: config.ADMIN_TOKEN } });
      ({ port } = await ops.listen(config.WORKER_PORT, config.HOST));
    }
  } catch (err) {
    await ops?.close();
    await built.close();
    throw err;
  }
  logger.info('ActionBridge worker ready', { mode: built.delivery.mode, store: built.store.kind, ...(port !== undefined ? { port } : {}) });

  let stopping: Promise<void> | null = null;
  // The endpoints stay up while the jobs in hand finish: the worker is alive until then, and a
  // last scrape still sees their outcome.
  const stop = () => (stopping ??= built.close().finally(() => ops?.close()).finally(() => stopTracing()));
  if (opts.exitOnSignal !== false) {
    const onSignal = (signal: string) => {
      logger.info('worker shutting down: finishing jobs in hand', { signal });
      stop().then(
        () => process.exit(0),
        (err: unknown) => {
          logger.error('worker shutdown failed', { error: err });
          process.exit(1);
        },
      );
    };
    process.once('SIGTERM', () => onSignal('SIGTERM'));
    process.once('SIGINT', () => onSignal('SIGINT'));
  }
  return { stop };
}

if (require.main === module) {
  runWorker().catch((err: unknown) => {
    process.stderr.write(`actionbridge worker: ${err instanceof Error ? err.message : String(err)}\n`);
    process.exit(1);
  });
}
