/**
 * Issue #14, duplicate 1: a live worker whose broker connection is cut mid-create. RabbitMQ
 * redelivers its message to another worker while the first is still creating; the database
 * lease, not the redelivery, decides who holds the job, so the second worker must not create.
 */
import type { Socket } from 'node:net';
import { AmqpLink, AmqpWorker } from '../../src/delivery/amqp';
import type { RunOutcome } from '../../src/delivery/job-runner';
import { createDeliveryRuntime, type DeliveryRuntime } from '../../src/delivery/runtime';
import { silentLogger } from '../../src/observability/logger';
import { amqpUrl, deleteQueues, queueDepth, uniqueQueue } from '../support/amqp';
import { CREATE, eventually, startJiraDelivery, testDeliveryConfig, ticketJob, type JiraDeliveryHarness } from '../support/delivery';

describe('a redelivered message does not take a job over from its live holder (RabbitMQ)', () => {
  let h: JiraDeliveryHarness;
  let queue: string;
  const cleanups: (() => Promise<void>)[] = [];
  afterEach(async () => {
    for (const c of cleanups.splice(0).reverse()) await c().catch(() => undefined);
    await h?.close();
    await deleteQueues(queue);
  });

  it('files one issue when the first worker loses its broker connection mid-create and the second gets the message', async () => {
    queue = uniqueQueue();
    const amqp = { url: amqpUrl(), queue, prefetch: 4 };
    // A lease shorter than the create: only its renewal keeps the first worker the holder.
    h = await startJiraDelivery({ policy: { attemptTimeoutMs: 10_000, deadlineMs: 20_000 }, config: { amqp, leaseMs: 1_500 } });
    h.jira.delay({ ms: 4_000, before: true, match: CREATE });

    // Worker 1: its own broker connection, so the test can cut it.
    const link = new AmqpLink(amqpUrl(), silentLogger());
    const first = new AmqpWorker(link, h.runtime.runner, amqp, silentLogger());
    cleanups.push(() => link.close());
    cleanups.push(() => first.stop());
    await h.runtime.start('server');
    await first.start();

    const { job } = await h.runtime.outbox.enqueue(h.store, ticketJob('cut-mid-create'));
    await eventually('worker 1 sent the create', () => h.jira.requests.filter(CREATE).length === 1);

    // Worker 2, another process's worth of delivery, consuming the same queue.
    const seenBySecond: RunOutcome[] = [];
    const second: DeliveryRuntime = createDeliveryRuntime({
      store: h.store,
      ports: { ticketing: h.ticketing },
      config: testDeliveryConfig({ amqp, leaseMs: 1_500 }),
      logger: silentLogger(),
    });
    // What worker 2 made of each message it was handed (a job it did not claim is no attempt).
    const runNow = second.runner.runNow.bind(second.runner);
    second.runner.runNow = async (reference, opts) => {
      const outcome = await runNow(reference, opts);
      seenBySecond.push(outcome);
      return outcome;
    };
    cleanups.push(() => second.stop());
    await second.start('worker');

    // The TCP connection of worker 1 is cut (reset) while it is alive and still creating.
    const model = await link.connection();
    (model.connection as unknown as { stream: Socket }).stream.destroy(new Error('connection reset by the test'));

    await eventually('worker 2 was handed the redelivered message', () => seenBySecond.some((o) => o.job?.reference === job.reference));
    await eventually('job delivered', async () => (await h.runtime.outbox.get(job.reference))?.status === 'done');
    await eventually('queue drained', async () => (await queueDepth(queue)) === 0);

    expect(seenBySecond.filter((o) => o.job?.reference === job.reference).map((o) => o.status)).toEqual(['skipped']);
    expect(h.jira.requests.filter(CREATE)).toHaveLength(1);
    expect(h.jira.issues.size).toBe(1);
    expect(await h.runtime.outbox.get(job.reference)).toMatchObject({ status: 'done', attempts: 1, result: { key: 'SUP-1' } });
  });
});
