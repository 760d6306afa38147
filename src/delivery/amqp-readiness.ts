/**
 * `/ready`'s RabbitMQ check: the broker answers on this process's connection and the work queue
 * exists. It runs `checkQueue` (one round trip) on a probe channel kept open between calls, over
 * the link the relay uses, so a readiness probe every few seconds opens no connection of its own.
 * A lost connection is opened again by the check itself (the link reconnects on use), so a server
 * whose broker came back is ready again without waiting for a job to be due.
 */
import type { Channel } from 'amqplib';
import { NotReady, type ReadinessCheck } from '../observability/readiness';
import type { AmqpLink } from './amqp';

export class AmqpProbe {
  private channel: Channel | null = null;
  private opening: Promise<Channel> | null = null;

  constructor(
    private readonly link: AmqpLink,
    private readonly queue: string,
  ) {}

  async check(): Promise<void> {
    const channel = await this.open();
    // A missing queue makes the broker close the channel (404); the next check opens a new one.
    const { queue } = await channel.checkQueue(this.queue);
    if (queue !== this.queue) throw new Error(`RabbitMQ answered for queue '${queue}', not '${this.queue}'`);
  }

  async close(): Promise<void> {
    const channel = this.channel;
    this.channel = null;
    await channel?.close().catch(() => undefined);
  }

  private open(): Promise<Channel> {
    if (this.channel) return Promise.resolve(this.channel);
    this.opening ??= this.link
      .connection()
      .then((conn) => conn.createChannel())
      .then(
        (channel) => {
          this.opening = null;
          // Without a listener an 'error' event (queue gone, connection lost) would be thrown.
          channel.on('error', () => undefined);
          channel.on('close', () => {
            if (this.channel === channel) this.channel = null;
          });
          this.channel = channel;
          return channel;
        },
        (err: unknown) => {
          this.opening = null;
          throw err;
        },
      );
    return this.opening;
  }
}

/** The readiness check named `queue`; `probe()` is null while delivery is not started. */
export function queueReadiness(probe: () => AmqpProbe | null): ReadinessCheck {
  return {
    name: 'queue',
    async check() {
      const current = probe();
      if (!current) throw new NotReady('not_started', 'the RabbitMQ relay is not running');
      await current.check();
    },
  };
}
