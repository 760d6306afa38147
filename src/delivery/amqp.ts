/**
 * RabbitMQ transport for outbox jobs (when AMQP_URL is set).
 *
 * - The relay moves due jobs from the outbox to a durable quorum queue with publisher confirms;
 *   a job counts as handed over only once the broker confirmed it, otherwise it is given back.
 * - Workers consume with manual acks and a prefetch, run the job (claimed in the store, so the
 *   database stays the one truth about a job), and ack once its outcome is recorded. A job that
 *   exhausted its attempts is rejected into the dead-letter queue `<queue>.dead`.
 * - A worker that dies mid-job never acked: the broker redelivers the message, and the next
 *   worker takes the job over (the handlers look for what the dead attempt may have created).
 *
 * A message only carries the job's reference; the payload stays in the store.
 */
import amqp, { type Channel, type ChannelModel, type ConfirmChannel, type ConsumeMessage } from 'amqplib';
import type { Logger } from '../observability/logger';
import type { JobRunner } from './job-runner';
import type { Outbox } from './outbox';
import { Poller } from './poller';

export interface AmqpSettings {
  url: string;
  queue: string;
  prefetch: number;
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

export async function connectAmqp(url: string, logger?: Logger): Promise<ChannelModel> {
  const conn = await amqp.connect(url);
  conn.on('error', (err: Error) => logger?.warn('amqp connection error', { error: err.message }));
  return conn;
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
    private readonly conn: ChannelModel,
    private readonly outbox: Outbox,
    private readonly queue: string,
    private readonly opts: RelayOptions,
  ) {
    this.poller = new Poller(() => this.round(), { intervalMs: opts.pollMs, logger: opts.logger, name: 'outbox relay' });
  }

  async start(): Promise<void> {
    this.channel = await this.conn.createConfirmChannel();
    this.channel.on('error', (err: Error) => this.opts.logger?.warn('amqp relay channel error', { error: err.message }));
    await assertTopology(this.channel, this.queue);
    this.poller.start();
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
    if (!this.channel || (this.opts.ready && !this.opts.ready())) return false;
    const batch = this.opts.batch ?? 100;
    const jobs = await this.outbox.claimForPublish(batch, this.opts.queueLeaseMs);
    if (jobs.length === 0) return false;
    const channel = this.channel;
    for (const job of jobs) {
      channel.sendToQueue(this.queue, Buffer.from(JSON.stringify({ reference: job.reference, type: job.type })), {
        persistent: true,
        messageId: job.reference,
        contentType: 'application/json',
        type: job.type,
      });
    }
    try {
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

  constructor(
    private readonly conn: ChannelModel,
    private readonly runner: JobRunner,
    private readonly settings: AmqpSettings,
    private readonly logger?: Logger,
  ) {}

  async start(): Promise<void> {
    const channel = await this.conn.createChannel();
    this.channel = channel;
    channel.on('error', (err: Error) => this.logger?.warn('amqp worker channel error', { error: err.message }));
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
    try {
      const outcome = await this.runner.runNow(reference, { steal: msg.fields.redelivered, onlyDue: true });
      if (outcome.status === 'dead') channel.nack(msg, false, false);
      else channel.ack(msg);
    } catch (err) {
      // The store could not be reached: give the message back for another try.
      this.logger?.warn('job could not be run; message requeued', { reference, error: err instanceof Error ? err.message : String(err) });
      try {
        channel.nack(msg, false, true);
      } catch {
        // The channel is gone; the broker requeues unacked messages by itself.
      }
    }
  }
}
