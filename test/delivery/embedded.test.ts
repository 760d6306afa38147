/** The default set-up: embedded store (PGlite), local ticketing, the in-process worker loop. */
import { LocalTicketing } from '../../src/connectors/local/ticketing';
import { Gateway } from '../../src/delivery/gateway';
import { createDeliveryRuntime, type DeliveryRuntime } from '../../src/delivery/runtime';
import type { Ticketing, TicketInput } from '../../src/ports/ticketing';
import { AppError } from '../../src/sdk/errors';
import { PgliteStore, migrate } from '../../src/store';
import { eventually, testDeliveryConfig, ticketJob } from './harness';

describe('durable delivery on the embedded store', () => {
  let store: PgliteStore;
  let runtime: DeliveryRuntime;
  let down = true;
  let creates = 0;

  beforeAll(async () => {
    store = await PgliteStore.open();
    await migrate(store);
    const local = new LocalTicketing(store, 'LOCAL');
    // The local ticketing system, made unavailable on demand.
    const ticketing: Ticketing = {
      provider: 'local',
      createTicket: async (input: TicketInput) => {
        creates++;
        if (down) throw new AppError('upstream_unavailable', 'the ticket system is down');
        return local.createTicket(input);
      },
      getStatus: (key) => local.getStatus(key),
      addComment: (key, text) => local.addComment(key, text),
    };
    runtime = createDeliveryRuntime({ store, ports: { ticketing }, gateway: new Gateway(), config: testDeliveryConfig({ budgetMs: 200 }) });
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
});
