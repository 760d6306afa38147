/** The default set-up: embedded store (PGlite), local ticketing, the in-process worker loop. */
import { LocalTicketing } from '../../src/connectors/local/ticketing';
import { createDeliveryRuntime, type DeliveryRuntime } from '../../src/delivery/runtime';
import type { TicketingSystem, TicketInput } from '../../src/ports/ticketing';
import { AppError } from '../../src/errors';
import { migrate, type PgliteStore } from '../../src/store';
import { openMemoryPglite } from '../support/pglite-template';
import { eventually, testDeliveryConfig, ticketJob } from '../support/delivery';

describe('durable delivery on the embedded store', () => {
  let store: PgliteStore;
  let runtime: DeliveryRuntime;
  let down = true;
  let creates = 0;

  beforeAll(async () => {
    store = await openMemoryPglite();
    await migrate(store);
    const local = new LocalTicketing(store, 'LOCAL');
    // The local ticketing system, made unavailable on demand.
    const ticketing: TicketingSystem = {
      provider: 'local',
      createTicket: async (input: TicketInput) => {
        creates++;
        if (down) throw new AppError('upstream_unavailable', 'the ticket system is down');
        return local.createTicket(input);
      },
      getStatus: (key) => local.getStatus(key),
      addComment: (key, text) => local.addComment(key, text),
    };
    runtime = createDeliveryRuntime({ store, ports: { ticketing }, config: testDeliveryConfig({ budgetMs: 200 }) });
  });
  afterAll(async () => {
    await runtime.stop();
    await store.close();
  });

  it('queues while the ticket system is down and the single in-process loop delivers each once', async () => {
    const N = 8;
    const submitted = [];
    for (let i = 0; i < N; i++) submitted.push(await runtime.delivery.submit(ticketJob(`emb-${i}`)));
    expect(submitted.every((s) => s.state === 'queued')).toBe(true);
    await runtime.start('server');
    await eventually('some retries failed while down', () => creates > N);
    down = false;
    await eventually('all delivered', async () => (await runtime.outbox.counts()).done === N);
    const { rows } = await store.query<{ n: number }>('SELECT count(*)::int AS n FROM local_tickets');
    expect(rows[0]!.n).toBe(N);
    const again = await runtime.delivery.submit(ticketJob('emb-0'));
    expect(again).toMatchObject({ state: 'done', result: { key: expect.stringMatching(/^LOCAL-\d+$/) } });
    expect((await store.query<{ n: number }>('SELECT count(*)::int AS n FROM local_tickets')).rows[0]!.n).toBe(N);
  });

  it('reports outbox depth, the oldest open job and dead letters for metrics', async () => {
    const seen: { pending: number; dead: number; oldestOpenAgeSeconds: number }[] = [];
    const failing: TicketingSystem = {
      provider: 'local',
      createTicket: () => Promise.reject(new AppError('validation', 'refused')),
      getStatus: () => Promise.reject(new AppError('not_found', 'none')),
      addComment: () => Promise.reject(new AppError('not_found', 'none')),
    };
    const observed = createDeliveryRuntime({
      store,
      ports: { ticketing: failing },
      config: testDeliveryConfig({ budgetMs: 0, pollMs: 60_000 }),
      onStats: (c) => seen.push(c),
      statsEveryMs: 20,
    });
    try {
      const before = (await observed.outbox.counts()).dead;
      // Not due for a minute: the worker leaves it open while the stats are taken.
      await observed.outbox.enqueue(store, { ...ticketJob('stats-open'), holdMs: 60_000 });
      const refused = await observed.delivery.submit(ticketJob('stats-dead'), { budgetMs: 2_000 });
      expect(refused.state).toBe('failed');
      await observed.start('server');
      await eventually('stats reported', () => seen.length > 0);
      expect(seen[0]!.pending).toBeGreaterThanOrEqual(1);
      expect(seen[0]!.dead).toBe(before + 1);
      expect(seen[0]!.oldestOpenAgeSeconds).toBeGreaterThanOrEqual(0);
    } finally {
      await observed.stop();
    }
  });
});
