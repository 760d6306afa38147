/**
 * Findings 2 and 3 of the security audit (#13). (2) 400 `action_fetch_order` calls with Ada's
 * email over a range of order numbers, each from a fresh conversation, found both of her orders
 * and were never throttled. (3) 100 concurrent wrong guesses for one order were evaluated 84
 * times under a limit of 20, because the limit was checked before and counted after the lookup.
 *
 * Both run against a real server with the shipped default limits, counting in each place a
 * deployment counts: the embedded store, PostgreSQL, and Redis. "Evaluated" is the number of
 * times the order system was asked for an order: what a guess actually costs the defender.
 */
import { randomUUID } from 'node:crypto';
import request from 'supertest';
import { fetchOrder } from '../../actions/fetch-order';
import { THROTTLED } from '../../actions/shared/order-replies';
import { DEMO_ORDERS, StoreOrders, seedDemoData } from '../../src/connectors/orders';
import { JwtIdentityVerifier, StoreQuotaCounter, VerificationBudget } from '../../src/identity';
import { verificationLimits } from '../../src/main/services';
import { readSettings } from '../../src/main/settings';
import { silentLogger } from '../../src/observability/logger';
import type { Orders } from '../../src/ports/orders';
import { createRateLimiters, type QuotaCounter, type RateLimiters } from '../../src/ratelimit';
import { ActionRegistry } from '../../src/sdk/registry';
import { buildTracker } from '../../src/sdk/testkit';
import { createActionServer, type ActionServer } from '../../src/server/app';
import { migrate, type Store } from '../../src/store';
import { DOMAIN, textsOf } from '../support/orders';
import { STORE_TARGETS } from '../support/stores';
import { AUDIENCE, ISSUER, SECRET } from '../support/tokens';

const LIMITS = verificationLimits(readSettings({}).app);
const ADA = DEMO_ORDERS.filter((o) => o.email === 'ada@example.com');
const GRACE = DEMO_ORDERS.find((o) => o.email === 'grace@example.com')!;

interface Target {
  name: string;
  counter(store: Store): Promise<{ counter: QuotaCounter; close(): Promise<void> }>;
}

const TARGETS: Target[] = [
  ...STORE_TARGETS.map((t) => ({ name: `${t.name} store`, counter: async (store: Store) => ({ counter: new StoreQuotaCounter(store), close: async () => undefined }) })),
  {
    name: 'Redis',
    async counter() {
      const limiters: RateLimiters = createRateLimiters({ redisUrl: process.env.REDIS_URL ?? 'redis://127.0.0.1:6379', keyPrefix: `test:${randomUUID()}` });
      expect(await limiters.connected()).toBe(true);
      return { counter: limiters.quotas!, close: () => limiters.close() };
    },
  },
];

it('finding 2: the demo order numbers are not a dense sequence a guesser could walk', () => {
  const numbers = DEMO_ORDERS.map((o) => Number(o.id.slice(4))).sort((a, b) => a - b);
  const gaps = numbers.slice(1).map((n, i) => n - numbers[i]!);
  expect(Math.min(...gaps)).toBeGreaterThan(1000);
});

describe.each(TARGETS)('guessing orders against the shipped limits, counted in $name', (target) => {
  const storeTarget = target.name.startsWith('postgres') ? STORE_TARGETS[1]! : STORE_TARGETS[0]!;
  let server: ActionServer;
  let url: string;
  let evaluated: number;
  let closeAll: () => Promise<void>;

  beforeEach(async () => {
    const { store, cleanup } = await storeTarget.open();
    await migrate(store);
    await seedDemoData(store);
    const { counter, close } = await target.counter(store);
    const real = new StoreOrders(store);
    evaluated = 0;
    const orders: Orders = {
      findById: (id) => {
        evaluated += 1;
        return real.findById(id);
      },
      changeShippingAddress: (r) => real.changeShippingAddress(r),
      addressHistory: (id) => real.addressHistory(id),
    };
    const registry = new ActionRegistry();
    registry.register(fetchOrder);
    server = createActionServer({
      config: { BODY_LIMIT: 1024 * 1024, SHUTDOWN_TIMEOUT_MS: 2000 },
      registry,
      logger: silentLogger(),
      services: {
        orders,
        identity: new JwtIdentityVerifier({ secret: SECRET, issuer: ISSUER, audience: AUDIENCE }),
        verificationBudget: new VerificationBudget({ limits: LIMITS, counter }),
      },
    });
    url = `http://127.0.0.1:${(await server.listen(0, '127.0.0.1')).port}`;
    closeAll = async () => {
      await server.shutdown();
      await close();
      await cleanup();
    };
  });
  afterEach(() => closeAll());

  const guess = (orderId: string, email: string) => {
    const tracker = buildTracker({ senderId: `attacker-${randomUUID()}`, slots: { order_id: orderId, order_email: email }, text: 'where is my order?', intent: 'check_order_status' });
    return request(url).post('/webhook').send({ next_action: 'action_fetch_order', sender_id: tracker.sender_id, tracker, domain: DOMAIN, version: '3.16.0' });
  };
  const disclosed = (texts: string[], orderId: string) => texts.some((t) => t.startsWith(`Order ${orderId}`));

  it("finding 2: 400 fresh conversations trying Ada's email over a range of orders are stopped by the email's limit", async () => {
    // The range the audit tried, with Ada's real orders placed well past the email's limit.
    const ids = Array.from({ length: 400 }, (_, i) => `ORD-${String(10000 + i).padStart(5, '0')}`).filter((id) => !ADA.some((o) => o.id === id));
    ids.splice(150, 0, ADA[0]!.id);
    ids.splice(300, 0, ADA[1]!.id);
    let throttled = 0;
    const seen: string[] = [];
    for (const id of ids.slice(0, 400)) {
      const texts = textsOf(await guess(id, 'ada@example.com'));
      if (texts[0] === THROTTLED) throttled += 1;
      if (ADA.some((o) => disclosed(texts, o.id))) seen.push(id);
    }
    expect(seen).toEqual([]);
    expect(evaluated).toBe(LIMITS.perEmail);
    expect(throttled).toBe(400 - LIMITS.perEmail);
    // Grace, whose email nobody guessed, still gets in.
    expect(disclosed(textsOf(await guess(GRACE.id, GRACE.email)), GRACE.id)).toBe(true);
  });

  it('finding 3: 100 concurrent guesses for one order are evaluated no more often than the limit', async () => {
    const order = GRACE;
    const emails = Array.from({ length: 100 }, (_, i) => (i === 60 ? order.email : `guess-${i}@example.net`));
    const answers = await Promise.all(emails.map((email) => guess(order.id, email)));
    const texts = answers.map((a) => textsOf(a)[0]);
    expect(evaluated).toBe(LIMITS.perOrder);
    expect(texts.filter((t) => t === THROTTLED)).toHaveLength(100 - LIMITS.perOrder);
    // The right email (position 61) is disclosed only if it was among the evaluated: never past the limit.
    const rightAnswered = texts[60] !== THROTTLED;
    expect(disclosed([texts[60]!], order.id)).toBe(rightAnswered);
    // And once the burst is over, the order stays shut to email guesses for the window.
    expect(textsOf(await guess(order.id, order.email))[0]).toBe(THROTTLED);
  });
});
