import { DEMO_ORDERS, orderTotal } from '../../../src/connectors/orders';
import { JwtIdentityVerifier, SlidingWindowLimiter } from '../../../src/identity';
import { verifyOrderAccess, type OrderAccessInput } from '../../../actions/shared/order-access';
import type { Order, Orders } from '../../../src/ports/orders';
import { randomUUID } from 'node:crypto';
import { SharedAttemptLimiter } from '../../../src/identity';
import { createRateLimiters, type RateLimiters } from '../../../src/ratelimit';
import { AUDIENCE, ISSUER, SECRET, hsToken } from '../../support/tokens';

/** Orders from the demo data, in memory: the thing under test here is the access decision. */
function demoOrders(): Orders {
  const byId = new Map<string, Order>(
    DEMO_ORDERS.map((o) => [
      o.id,
      {
        id: o.id, customerId: o.customerId, email: o.email, status: o.status, items: o.items, total: orderTotal(o.items),
        currency: o.currency, carrier: o.carrier, trackingNumber: o.trackingNumber, estimatedDelivery: null,
        shippingAddress: o.shippingAddress, updatedAt: new Date(0).toISOString(),
      },
    ]),
  );
  return {
    findById: async (id) => byId.get(id) ?? null,
    changeShippingAddress: async () => ({ ok: false, reason: 'not_found' }),
    addressHistory: async () => [],
  };
}

describe('verifyOrderAccess', () => {
  const identity = new JwtIdentityVerifier({ secret: SECRET, issuer: ISSUER, audience: AUDIENCE });
  const orders = demoOrders();
  let limiter: SlidingWindowLimiter;
  beforeEach(() => (limiter = new SlidingWindowLimiter({ maxFailures: 3 })));

  const check = (over: Partial<OrderAccessInput>) =>
    verifyOrderAccess({ orders, identity, limiter, senderId: 's1', metadata: {}, orderId: 'ORD-10001', ...over });

  it('lets the owner in by token, without any email', async () => {
    const r = await check({ metadata: { identity_token: await hsToken({ sub: 'C-1001' }) } });
    expect(r).toMatchObject({ ok: true, customerId: 'C-1001', verifiedBy: 'token', order: { id: 'ORD-10001' } });
  });

  it('lets the owner in by the email on the order, in any case and with spaces', async () => {
    const r = await check({ email: '  ADA@Example.com ' });
    expect(r).toMatchObject({ ok: true, customerId: 'C-1001', verifiedBy: 'order_email' });
  });

  it('asks for the email when there is neither token nor email, without counting a failure', async () => {
    for (let i = 0; i < 5; i++) expect(await check({})).toEqual({ ok: false, reason: 'email_needed' });
    expect(limiter.isBlocked('s1')).toBe(false);
  });

  it('gives another customer, a wrong email and an unknown order the same not_found', async () => {
    const other = await check({ metadata: { identity_token: await hsToken({ sub: 'C-1002' }) } });
    const wrongEmail = await check({ email: 'grace@example.com' });
    const unknown = await check({ orderId: 'ORD-99999', email: 'ada@example.com' });
    expect([other, wrongEmail, unknown]).toEqual([{ ok: false, reason: 'not_found' }, { ok: false, reason: 'not_found' }, { ok: false, reason: 'not_found' }]);
  });

  it('does not fall back to the email when the token is invalid', async () => {
    const r = await check({ metadata: { identity_token: await hsToken({ sub: 'C-1001', expiresIn: -60 }) }, email: 'ada@example.com' });
    expect(r).toEqual({ ok: false, reason: 'not_found' });
  });

  it('never trusts the conversation id: a sender id equal to the customer id proves nothing', async () => {
    expect(await check({ senderId: 'C-1001', email: 'someone@example.com' })).toEqual({ ok: false, reason: 'not_found' });
  });

  it('throttles a conversation after repeated failures, even for a then-correct answer', async () => {
    for (let i = 0; i < 3; i++) await check({ email: `guess${i}@example.com` });
    expect(await check({ email: 'ada@example.com' })).toEqual({ ok: false, reason: 'throttled' });
    // Other conversations are not affected.
    expect(await check({ senderId: 's2', email: 'ada@example.com' })).toMatchObject({ ok: true });
  });

  describe('per order number', () => {
    let orderLimiter: SlidingWindowLimiter;
    beforeEach(() => (orderLimiter = new SlidingWindowLimiter({ maxFailures: 3 })));
    const guess = (sender: string, over: Partial<OrderAccessInput> = {}) => check({ senderId: sender, orderLimiter, email: `${sender}@example.com`, ...over });

    it('blocks email guesses for one order spread over many conversations', async () => {
      for (const sender of ['g1', 'g2', 'g3']) expect(await guess(sender)).toEqual({ ok: false, reason: 'not_found' });
      expect(await guess('g4', { email: 'ada@example.com' })).toEqual({ ok: false, reason: 'throttled' });
      // Other orders are not affected.
      expect(await guess('g5', { orderId: 'ORD-10002', email: 'ada@example.com' })).toMatchObject({ ok: true });
    });

    it('blocks an order number that does not exist the same way, so the block reveals nothing', async () => {
      for (const sender of ['n1', 'n2', 'n3']) await guess(sender, { orderId: 'ORD-99999' });
      expect(await guess('n4', { orderId: 'ORD-99999' })).toEqual({ ok: false, reason: 'throttled' });
    });

    it('still lets the owner in with a token while the order is blocked for email guesses', async () => {
      for (const sender of ['t1', 't2', 't3']) await guess(sender);
      const r = await guess('t4', { email: undefined, metadata: { identity_token: await hsToken({ sub: 'C-1001' }) } });
      expect(r).toMatchObject({ ok: true, verifiedBy: 'token' });
    });
  });
});

describe('verifyOrderAccess on two replicas sharing failures through Redis', () => {
  const identity = new JwtIdentityVerifier({ secret: SECRET, issuer: ISSUER, audience: AUDIENCE });
  const orders = demoOrders();
  const stores: RateLimiters[] = [];
  afterAll(() => Promise.all(stores.map((s) => s.close())));

  it('blocks a conversation whose guesses alternate between replicas, and says so once', async () => {
    const keyPrefix = `test:${randomUUID()}`;
    const blocked: string[] = [];
    const replicas = await Promise.all(
      [0, 1].map(async () => {
        const store = createRateLimiters({ redisUrl: process.env.REDIS_URL ?? 'redis://127.0.0.1:6379', keyPrefix });
        stores.push(store);
        expect(await store.connected()).toBe(true);
        return new SharedAttemptLimiter(store.limiter('identity-failures-sender', { points: 3, durationSeconds: 900 }), (key) => blocked.push(key));
      }),
    );
    const check = (replica: number, email: string, senderId = 'roaming') =>
      verifyOrderAccess({ orders, identity, limiter: replicas[replica]!, senderId, metadata: {}, orderId: 'ORD-10001', email });
    // Three wrong guesses spread over both replicas: each replica alone saw fewer than three.
    expect(await check(0, 'g1@example.com')).toEqual({ ok: false, reason: 'not_found' });
    expect(await check(1, 'g2@example.com')).toEqual({ ok: false, reason: 'not_found' });
    expect(await check(0, 'g3@example.com')).toEqual({ ok: false, reason: 'not_found' });
    expect(await check(1, 'ada@example.com')).toEqual({ ok: false, reason: 'throttled' });
    expect(await check(0, 'ada@example.com')).toEqual({ ok: false, reason: 'throttled' });
    expect(blocked).toEqual(['roaming']);
    expect(await check(1, 'ada@example.com', 'someone-else')).toMatchObject({ ok: true });
  });
});
