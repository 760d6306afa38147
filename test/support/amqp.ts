/**
 * The RabbitMQ the AMQP tests run against (AMQP_URL, or the local broker), and unique queue
 * names per test so parallel runs never share a queue; the queues are deleted afterwards.
 */
import { randomBytes } from 'node:crypto';
import amqp from 'amqplib';
import { deadLetterQueue } from '../../src/delivery/amqp';

export function amqpUrl(): string {
  return process.env.AMQP_URL || 'amqp://guest:guest@127.0.0.1:5672';
}

export function uniqueQueue(): string {
  return `actionbridge.test.${randomBytes(5).toString('hex')}`;
}

export async function queueDepth(queue: string): Promise<number> {
  const conn = await amqp.connect(amqpUrl());
  // A missing queue closes the channel with an error event as well as rejecting checkQueue.
  conn.on('error', () => undefined);
  try {
    const ch = await conn.createChannel();
    ch.on('error', () => undefined);
    const { messageCount } = await ch.checkQueue(queue);
    await ch.close();
    return messageCount;
  } finally {
    await conn.close().catch(() => undefined);
  }
}

export async function deleteQueues(queue: string): Promise<void> {
  const conn = await amqp.connect(amqpUrl());
  try {
    const ch = await conn.createChannel();
    await ch.deleteQueue(queue);
    await ch.deleteQueue(deadLetterQueue(queue));
    await ch.close();
  } finally {
    await conn.close();
  }
}
