/**
 * Wires durable delivery for a process: the outbox, the handlers over the ports, what actions use
 * (`Delivery`), and what runs in the background:
 *
 *   no AMQP_URL   server and `worker` processes poll the outbox and run due jobs themselves;
 *   AMQP_URL      servers relay due jobs to RabbitMQ; `worker` processes relay too and consume.
 */
import type { Logger } from '../observability/logger';
import type { FieldCipher, Store } from '../store';
import type { ReadinessCheck } from '../observability/readiness';
import { AmqpLink, AmqpRelay, AmqpWorker } from './amqp';
import { AmqpProbe, queueReadiness } from './amqp-readiness';
import type { DeliveryConfig } from './config';
import { Delivery } from './delivery';
import { deliveryHandlers, type DeliveryPorts } from './handlers';
import { registerProactiveHandlers, type ProactivePorts } from './proactive';
import { JobRunner, type RunOutcome } from './job-runner';
import { LocalWorker } from './local-worker';
import { Outbox, type OutboxCounts } from './outbox';
import { Poller } from './poller';

export type DeliveryRole = 'server' | 'worker';

export interface DeliveryRuntimeOptions {
  store: Store;
  /** Seals job payloads and results (DATA_ENCRYPTION_KEY); plaintext without it. */
  cipher?: FieldCipher;
  /** The company systems the jobs act on. */
  ports: DeliveryPorts & ProactivePorts;
  config: DeliveryConfig;
  logger?: Logger;
  /** False while background work should leave the store alone (embedded store not yet open). */
  ready?(): boolean;
  onOutcome?(outcome: RunOutcome): void;
  /** Outbox depth, oldest open job and dead letters, measured every `statsEveryMs` while started (metrics). */
  onStats?(counts: OutboxCounts): void;
  statsEveryMs?: number;
}

export interface DeliveryRuntime {
  delivery: Delivery;
  outbox: Outbox;
  runner: JobRunner;
  mode: 'local' | 'amqp';
  config: DeliveryConfig;
  /** Starts the background work for this role. */
  start(role: DeliveryRole): Promise<void>;
  /** Stops it, letting jobs in hand finish. */
  stop(): Promise<void>;
  /** What `/ready` checks for delivery: with AMQP_URL, that RabbitMQ answers and the queue exists. */
  readiness(): ReadinessCheck[];
}

export function createDeliveryRuntime(opts: DeliveryRuntimeOptions): DeliveryRuntime {
  const { config, logger } = opts;
  const outbox = new Outbox(opts.store, { maxAttempts: config.maxAttempts, cipher: opts.cipher });
  const runner = new JobRunner(outbox, registerProactiveHandlers(deliveryHandlers(opts.ports), opts.ports), {
    leaseMs: config.leaseMs,
    schedule: { baseMs: config.retryBaseMs, maxMs: config.retryMaxMs },
    logger,
    onOutcome: opts.onOutcome,
  });

  let link: AmqpLink | null = null;
  let local: LocalWorker | null = null;
  let relay: AmqpRelay | null = null;
  let consumer: AmqpWorker | null = null;
  let probe: AmqpProbe | null = null;
  const onStats = opts.onStats;
  const statsEveryMs = opts.statsEveryMs ?? 15_000;
  const retentionMs = config.retentionDays !== undefined ? config.retentionDays * 86_400_000 : null;
  let sincePurge = Infinity;
  // Housekeeping: stats for metrics, and delivered jobs past their retention removed (hourly).
  const stats =
    onStats || retentionMs !== null
      ? new Poller(
          async () => {
            if (opts.ready && !opts.ready()) return false;
            if (onStats) onStats(await outbox.counts());
            sincePurge += statsEveryMs;
            if (retentionMs !== null && sincePurge >= 3_600_000) {
              sincePurge = 0;
              const purged = await outbox.purgeDone(retentionMs);
              if (purged > 0) logger?.info('outbox: delivered jobs past retention deleted', { purged });
            }
            return false;
          },
          { intervalMs: statsEveryMs, logger, name: 'outbox housekeeping' },
        )
      : null;

  const delivery = new Delivery(outbox, runner, { budgetMs: config.budgetMs, logger });

  return {
    delivery,
    outbox,
    runner,
    mode: config.amqp ? 'amqp' : 'local',
    config,
    async start(role) {
      stats?.start();
      if (!config.amqp) {
        local = new LocalWorker(runner, { pollMs: config.pollMs, logger, ready: opts.ready });
        local.start();
        logger?.info('outbox worker started', { mode: 'local', role });
        return;
      }
      link = new AmqpLink(config.amqp.url, logger);
      probe = new AmqpProbe(link, config.amqp.queue);
      relay = new AmqpRelay(link, outbox, config.amqp.queue, { pollMs: config.pollMs, queueLeaseMs: Math.max(config.leaseMs, 60_000), logger, ready: opts.ready });
      await relay.start();
      if (role === 'worker') {
        consumer = new AmqpWorker(link, runner, config.amqp, logger);
        await consumer.start();
      }
      logger?.info('outbox relay started', { mode: 'amqp', role, queue: config.amqp.queue });
    },
    readiness() {
      return config.amqp ? [queueReadiness(() => probe)] : [];
    },
    async stop() {
      await stats?.stop();
      await delivery.drain(Math.min(config.leaseMs, 30_000));
      await consumer?.stop();
      await relay?.stop();
      await local?.stop();
      await probe?.close();
      await link?.close();
      link = null;
      probe = null;
      consumer = relay = local = null;
    },
  };
}
