import { AmqpLink, AmqpRelay, AmqpWorker, deadLetterQueue } from '../../src/delivery/amqp';
import { createDeliveryRuntime, type DeliveryRuntime } from '../../src/delivery/runtime';
import { silentLogger } from '../../src/observability/logger';
import { amqpUrl, deleteQueues, queueDepth, uniqueQueue } from '../support/amqp';
import { CREATE, eventually, startJiraDelivery, testDeliveryConfig, ticketJob, type JiraDeliveryHarness } from '../support/delivery';

describe('outbox over RabbitMQ (relay, quorum queue, workers, dead letters)', () => {
  let h: JiraDeliveryHarness;
  let queue: string;
  const extra: DeliveryRuntime[] = [];
  beforeEach(() => {
    queue = uniqueQueue();
  });
  afterEach(async () => {
    for (const r of extra.splice(0)) await r.stop();
    await h?.close();
    await deleteQueues(queue);
  });

  /** Another process's worth of delivery (own runner, own AMQP connection) on the same store. */
  function worker(): DeliveryRuntime {
    const r = createDeliveryRuntime({
      store: h.store,
      ports: { ticketing: h.ticketing },
      config: testDeliveryConfig({ amqp: { url: amqpUrl(), queue, prefetch: 4 } }),
      logger: silentLogger(),
    });
    extra.push(r);
    return r;
  }

  it('relays due jobs to the queue and two workers deliver each exactly once', async () => {
    h = await startJiraDelivery({ config: { amqp: { url: amqpUrl(), queue, prefetch: 4 } } });
    const N = 40;
    for (let i = 0; i < N; i++) await h.runtime.outbox.enqueue(h.store, ticketJob(`mq-${i}`));
    // Server role: relays only.
    await h.runtime.start('server');
    await eventually('jobs handed to RabbitMQ', async () => (await h.runtime.outbox.counts()).queued === N);
    expect(h.jira.requests.filter(CREATE)).toHaveLength(0);
    expect(await queueDepth(queue)).toBe(N);
    await worker().start('worker');
    await worker().start('worker');
    await eventually('all delivered', async () => (await h.runtime.outbox.counts()).done === N);
    expect(h.jira.issues.size).toBe(N);
    expect(h.jira.requests.filter(CREATE)).toHaveLength(N);
    await eventually('queue drained (all acked)', async () => (await queueDepth(queue)) === 0);
  });

  it('does not publish a job again while no worker consumes the queue (its message is still there), and does once one does', async () => {
    h = await startJiraDelivery();
    const link = new AmqpLink(amqpUrl());
    const relay = new AmqpRelay(link, h.runtime.outbox, queue, { pollMs: 25, queueLeaseMs: 150 });
    try {
      await relay.start();
      await h.runtime.outbox.enqueue(h.store, ticketJob('waiting'));
      await eventually('published once', async () => (await queueDepth(queue)) === 1);
      // Many queue leases pass with nobody consuming: the relay keeps looking, and publishes nothing more.
      const rounds = relay.published;
      await new Promise((r) => setTimeout(r, 1_000));
      expect(relay.published).toBe(rounds);
      expect(await queueDepth(queue)).toBe(1);

      // A worker arrives: the job is delivered once.
      const consumer = new AmqpWorker(link, h.runtime.runner, { url: amqpUrl(), queue, prefetch: 4 });
      await consumer.start();
      try {
        await eventually('delivered', async () => (await h.runtime.outbox.counts()).done === 1);
        expect(h.jira.requests.filter(CREATE)).toHaveLength(1);
      } finally {
        await consumer.stop();
      }
    } finally {
      await relay.stop();
      await link.close();
    }
  });

  it('reconnects the relay and the worker after the connection to the broker was lost', async () => {
    h = await startJiraDelivery();
    const link = new AmqpLink(amqpUrl());
    const settings = { url: amqpUrl(), queue, prefetch: 4 };
    const relay = new AmqpRelay(link, h.runtime.outbox, queue, { pollMs: 25, queueLeaseMs: 60_000 });
    const consumer = new AmqpWorker(link, h.runtime.runner, settings);
    try {
      await relay.start();
      await consumer.start();
      await h.runtime.outbox.enqueue(h.store, ticketJob('before'));
      await eventually('first job delivered', async () => (await h.runtime.outbox.counts()).done === 1);
      // The broker connection drops (as on a broker restart).
      await (await link.connection()).close();
      await h.runtime.outbox.enqueue(h.store, ticketJob('after'));
      await eventually('second job delivered after reconnecting', async () => (await h.runtime.outbox.counts()).done === 2);
      expect(h.jira.issues.size).toBe(2);
    } finally {
      await consumer.stop();
      await relay.stop();
      await link.close();
    }
  });

  it('hands a job back when its message could not be routed (queue deleted) and publishes it again', async () => {
    h = await startJiraDelivery({ config: { amqp: { url: amqpUrl(), queue, prefetch: 4 } } });
    await h.runtime.start('server');
    await deleteQueues(queue);
    const { job } = await h.runtime.outbox.enqueue(h.store, ticketJob('unroutable'));
    await eventually('queue declared again and the job published into it', async () => {
      try {
        return (await queueDepth(queue)) === 1;
      } catch {
        return false;
      }
    });
    expect(await h.runtime.outbox.get(job.reference)).toMatchObject({ status: 'queued' });
    await worker().start('worker');
    await eventually('delivered', async () => (await h.runtime.outbox.get(job.reference))?.status === 'done');
    expect(h.jira.issues.size).toBe(1);
  });

  it('moves a job that exhausted its attempts to the dead-letter queue', async () => {
    h = await startJiraDelivery({ config: { amqp: { url: amqpUrl(), queue, prefetch: 4 }, maxAttempts: 2 } });
    h.jira.fail({ status: 503, times: Infinity, body: { errorMessages: ['down'] } });
    const { job } = await h.runtime.outbox.enqueue(h.store, { ...ticketJob('dead'), maxAttempts: 2 });
    await h.runtime.start('worker');
    await eventually('job dead', async () => (await h.runtime.outbox.get(job.reference))?.status === 'dead');
    await eventually('message dead-lettered', async () => (await queueDepth(deadLetterQueue(queue))) === 1);
    expect(await queueDepth(queue)).toBe(0);
    expect(h.jira.issues.size).toBe(0);
  });
});
