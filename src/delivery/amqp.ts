/**
 * RabbitMQ transport for outbox jobs (when AMQP_URL is set).
 *
 * - The relay moves due jobs from the outbox to a durable quorum queue with publisher confirms;
 *   a job counts as handed over only once the broker confirmed it, otherwise it is given back.
 * - Workers consume with manual acks and a prefetch, run the job (claimed in the store, so the
 *   database stays the one truth about a job), and ack once its outcome is recorded. A job that
 *   exhausted its attempts is rejected into the dead-letter queue `<queue>.dead`.
 * - A redelivered message proves nothing about the job's holder: RabbitMQ redelivers when the
 *   consumer died, but also when a live consumer merely lost its connection (a cut TCP link,
 *   `rabbitmqctl close_connection`) and is still running the job. So the database lease decides:
 *   a job whose lease is live is left to its holder (the message is acked; the holder renews the
 *   lease while it works and records the outcome). If that holder dies, its lease runs out and the
 *   relay publishes the job again, and the next worker takes it over (the handlers look for what
 *   the dead attempt may have created).
 *
 * A message only carries the job's reference; the payload stays in the store.
 */
import type { Channel, ChannelModel, ConfirmChannel, ConsumeMessage, connect } from 'amqplib';
import { requireOptional } from '../errors/optional-package';
import type { Logger } from '../observability/logger';
import type { JobRunner } from './job-runner';
import type { Outbox } from './outbox';
import { Poller } from './poller';

export interface AmqpSettings {
  url: string;
  queue: string;
  prefetch: number;
}

/** amqplib is loaded on the first connection: a server without AMQP_URL never pays for it. */
function amqpConnect(): typeof connect {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  return requireOptional('amqplib', 'AMQP_URL', () => require('amqplib') as { connect: typeof connect }).connect;
}

export function deadLetterQueue(queue: string): string {
  return `${queue}.dead`;
}

/** Declares the work queue and its dead-letter queue (idempotent; every process does it). */
export async function assertTopology(channel: Channel, queue: string): Promise<void> {
  await channel.assertQueue(deadLetterQueue(queue), { durable: true, arguments: { 'x-queue-type': 'quorum' } });
  await channel.assertQueue(queue, {
    durable: true,
    arguments: {
      'x-queue-type': 'quorum',
      'x-dead-letter-exchange': '',
      'x-dead-letter-routing-key': deadLetterQueue(queue),
      // A message that keeps crashing its consumers is set aside instead of looping forever.
      'x-delivery-limit': 20,
    },
  });
}

/**
 * One connection to the broker per process, opened again on demand after it was lost (broker
 * restart, network blip). Channels notice the loss through their own 'close' event.
 */
export class AmqpLink {
  private conn: ChannelModel | null = null;
  private connecting: Promise<ChannelModel> | null = null;
  private closed = false;

  constructor(
    private readonly url: string,
    private readonly logger?: Logger,
  ) {}

  get isClosed(): boolean {
    return this.closed;
  }

  connection(): Promise<ChannelModel> {
    if (this.closed) return Promise.reject(new Error('The RabbitMQ link is closed.'));
    if (this.conn) return Promise.resolve(this.conn);
    this.connecting ??= amqpConnect()(this.url).then(
      (conn) => {
        this.connecting = null;
        if (this.closed) {
          void conn.close().catch(() => undefined);
          throw new Error('The RabbitMQ link is closed.');
        }
        this.conn = conn;
        conn.on('error', (err: Error) => this.logger?.warn('amqp connection error', { error: err.message }));
        conn.on('close', () => {
          if (this.conn === conn) this.conn = null;
          if (!this.closed) this.logger?.warn('amqp connection lost; reconnecting on next use');
        });
        return conn;
      },
      (err: unknown) => {
        this.connecting = null;
        throw err;
      },
    );
    return this.connecting;
  }

  async close(): Promise<void> {
    this.closed = true;
    const conn = this.conn ?? (await this.connecting?.catch(() => null));
    this.conn = null;
    await conn?.close().catch(() => undefined);
  }
}

export interface RelayOptions {
  pollMs: number;
  batch?: number;
  /** How long a published job waits in the queue before it is published again (lost message). */
  queueLeaseMs: number;
  logger?: Logger;
  ready?(): boolean;
}

/** Publishes due outbox jobs to RabbitMQ. Safe to run in every process (SKIP LOCKED). */
export class AmqpRelay {
  private channel: ConfirmChannel | null = null;
  private readonly poller: Poller;
  published = 0;

  constructor(
    private readonly link: AmqpLink,
    private readonly outbox: Outbox,
    private readonly queue: string,
    private readonly opts: RelayOptions,
  ) {
    this.poller = new Poller(() => this.round(), { intervalMs: opts.pollMs, logger: opts.logger, name: 'outbox relay' });
  }

  /** Opens the channel first, so an unreachable broker fails start-up. */
  async start(): Promise<void> {
    await this.open();
    this.poller.start();
  }

  private async open(): Promise<ConfirmChannel> {
    const channel = await (await this.link.connection()).createConfirmChannel();
    channel.on('error', (err: Error) => this.opts.logger?.warn('amqp relay channel error', { error: err.message }));
    channel.on('close', () => {
      if (this.channel === channel) this.channel = null;
    });
    // Published as mandatory: if the queue is gone (deleted by hand), the broker returns the
    // message instead of dropping it; the job is handed back and the queue declared again.
    channel.on('return', (msg: { properties: { messageId?: string } }) => {
      const reference = msg.properties.messageId;
      this.opts.logger?.warn('amqp message returned unroutable; job handed back', { reference });
      if (reference) void this.outbox.unqueue(reference).catch(() => undefined);
      if (this.channel === channel) this.channel = null;
      void channel.close().catch(() => undefined);
    });
    await assertTopology(channel, this.queue);
    this.channel = channel;
    return channel;
  }

  wake(): void {
    this.poller.wake();
  }

  async stop(): Promise<void> {
    await this.poller.stop();
    await this.channel?.close().catch(() => undefined);
    this.channel = null;
  }

  private async round(): Promise<boolean> {
    if (this.opts.ready && !this.opts.ready()) return false;
    if (!(await this.outbox.hasDue())) return false;
    // Lost with the connection: open again (a failure here is logged and retried next tick).
    const channel = this.channel ?? (await this.open());
    const batch = this.opts.batch ?? 100;
    // A job whose queue lease ran out is published again in case its message was lost. With no
    // worker consuming, its message is most likely still waiting in the queue: publishing it
    // again every lease would only pile up copies while the workers are away.
    const { consumerCount } = await channel.checkQueue(this.queue);
    const jobs = await this.outbox.claimForPublish(batch, this.opts.queueLeaseMs, { expired: consumerCount > 0 });
    if (jobs.length === 0) return false;
    try {
      for (const job of jobs) {
        channel.sendToQueue(this.queue, Buffer.from(JSON.stringify({ reference: job.reference, type: job.type })), {
          persistent: true,
          mandatory: true,
          messageId: job.reference,
          contentType: 'application/json',
          type: job.type,
        });
      }
      await channel.waitForConfirms();
      this.published += jobs.length;
    } catch (err) {
      // Not confirmed: hand the jobs back so the next round publishes them again.
      await Promise.all(jobs.map((j) => this.outbox.unqueue(j.reference)));
      throw err;
    }
    return jobs.length === batch;
  }
}

/** Consumes jobs from RabbitMQ and runs them. */
export class AmqpWorker {
  private channel: Channel | null = null;
  private consumerTag: string | null = null;
  private readonly inFlight = new Set<Promise<void>>();
  private stopping = false;
  private reopenTimer: NodeJS.Timeout | null = null;

  constructor(
    private readonly link: AmqpLink,
    private readonly runner: JobRunner,
    private readonly settings: AmqpSettings,
    private readonly logger?: Logger,
  ) {}

  /** Starts consuming; the first connection must succeed, later losses are reopened. */
  async start(): Promise<void> {
    await this.consume();
  }

  private reopenLater(delayMs: number): void {
    if (this.stopping || this.reopenTimer) return;
    this.reopenTimer = setTimeout(() => {
      this.reopenTimer = null;
      this.consume().catch((err: unknown) => {
        this.logger?.warn('amqp worker could not reconnect; trying again', { error: err instanceof Error ? err.message : String(err) });
        this.reopenLater(Math.min(delayMs * 2, 30_000));
      });
    }, delayMs);
  }

  private async consume(): Promise<void> {
    const channel = await (await this.link.connection()).createChannel();
    this.channel = channel;
    channel.on('error', (err: Error) => this.logger?.warn('amqp worker channel error', { error: err.message }));
    channel.on('close', () => {
      if (this.channel === channel) this.channel = null;
      this.reopenLater(1_000);
    });
    await assertTopology(channel, this.settings.queue);
    await channel.prefetch(this.settings.prefetch);
    const { consumerTag } = await channel.consume(
      this.settings.queue,
      (msg) => {
        if (!msg) return;
        const work = this.handle(channel, msg).finally(() => this.inFlight.delete(work));
        this.inFlight.add(work);
      },
      { noAck: false },
    );
    this.consumerTag = consumerTag;
  }

  /** Stops taking messages and waits for the jobs in hand to finish (and be acked). */
  async stop(): Promise<void> {
    this.stopping = true;
    if (this.reopenTimer) clearTimeout(this.reopenTimer);
    if (this.channel && this.consumerTag) await this.channel.cancel(this.consumerTag).catch(() => undefined);
    await Promise.all([...this.inFlight]);
    await this.channel?.close().catch(() => undefined);
    this.channel = null;
  }

  private async handle(channel: Channel, msg: ConsumeMessage): Promise<void> {
    let reference: string | undefined;
    try {
      const body = JSON.parse(msg.content.toString('utf8')) as { reference?: unknown };
      if (typeof body.reference === 'string') reference = body.reference;
    } catch {
      // handled below
    }
    if (!reference) {
      this.logger?.error('amqp message without a job reference; dead-lettered', { messageId: msg.properties.messageId });
      channel.nack(msg, false, false);
      return;
    }
    let outcome;
    try {
      // Not claimed (held under a live lease, done, dead, or not due yet): acked below. The store
      // keeps the job, and the relay publishes it again once it is due or its lease ran out.
      outcome = await this.runner.runNow(reference, { onlyDue: true });
    } catch (err) {
      // The store could not be reached: give the message back for another try.
      this.logger?.warn('job could not be run; message requeued', { reference, error: err instanceof Error ? err.message : String(err) });
      try {
        channel.nack(msg, false, true);
      } catch {
        // The channel is gone; the broker requeues unacked messages by itself.
      }
      return;
    }
    try {
      if (outcome.status === 'dead') channel.nack(msg, false, false);
      else channel.ack(msg);
    } catch {
      // The channel closed meanwhile: the message comes back, and its job is found finished.
    }
  }
}
