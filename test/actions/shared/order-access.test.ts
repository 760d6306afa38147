import { DEMO_ORDERS, orderTotal } from '../../../src/connectors/orders';
import { JwtIdentityVerifier, VerificationBudget, type VerificationLimits } from '../../../src/identity';
import { verifyOrderAccess, type OrderAccessInput } from '../../../actions/shared/order-access';
import type { Order, Orders } from '../../../src/ports/orders';
import { randomUUID } from 'node:crypto';
import { MemoryQuotaCounter, createRateLimiters, type RateLimiters } from '../../../src/ratelimit';
import type { VerificationLimit } from '../../../src/ports/identity';
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

const LIMITS: VerificationLimits = { perSender: 3, perEmail: 1000, perOrder: 1000, global: 10_000, windowMs: 15 * 60_000 };

describe('verifyOrderAccess', () => {
  const identity = new JwtIdentityVerifier({ secret: SECRET, issuer: ISSUER, audience: AUDIENCE });
  const orders = demoOrders();
  let refused: VerificationLimit[];
  const budgetWith = (limits: Partial<VerificationLimits> = {}) =>
    new VerificationBudget({ limits: { ...LIMITS, ...limits }, counter: new MemoryQuotaCounter(), onRefused: (limit) => refused.push(limit) });
  let budget: VerificationBudget;
  beforeEach(() => {
    refused = [];
    budget = budgetWith();
  });

  const check = (over: Partial<OrderAccessInput>) =>
    verifyOrderAccess({ orders, identity, budget, senderId: 's1', metadata: {}, orderId: 'ORD-48213', ...over });

  it('lets the owner in by token, without any email', async () => {
    const r = await check({ metadata: { identity_token: await hsToken({ sub: 'C-1001' }) } });
    expect(r).toMatchObject({ ok: true, customerId: 'C-1001', verifiedBy: 'token', order: { id: 'ORD-48213' } });
  });

  it('lets the owner in by the email on the order, in any case and with spaces', async () => {
    const r = await check({ email: '  ADA@Example.com ' });
    expect(r).toMatchObject({ ok: true, customerId: 'C-1001', verifiedBy: 'order_email' });
  });

  it('asks for the email when there is neither token nor email, without counting a failure', async () => {
    for (let i = 0; i < 5; i++) expect(await check({})).toEqual({ ok: false, reason: 'email_needed' });
    expect(await check({ email: 'ada@example.com' })).toMatchObject({ ok: true });
  });

  it('gives successes back: an owner checking often is never throttled', async () => {
    for (let i = 0; i < 10; i++) expect(await check({ email: 'ada@example.com' })).toMatchObject({ ok: true });
    expect(refused).toEqual([]);
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
    expect(refused).toEqual(['sender']);
    // Other conversations are not affected.
    expect(await check({ senderId: 's2', email: 'ada@example.com' })).toMatchObject({ ok: true });
  });

  it('gives the reservation back when the order system fails: an outage is not a guess', async () => {
    const broken = { ...orders, findById: async () => Promise.reject(new Error('database down')) };
    for (let i = 0; i < 5; i++) await expect(check({ orders: broken, email: 'ada@example.com' })).rejects.toThrow('database down');
    expect(await check({ email: 'ada@example.com' })).toMatchObject({ ok: true });
  });

  describe('limits a conversation id cannot dodge', () => {
    const guess = (sender: string, over: Partial<OrderAccessInput> = {}) => check({ senderId: sender, email: `${sender}@example.com`, ...over });

    it('blocks email guesses for one order spread over many conversations', async () => {
      budget = budgetWith({ perOrder: 3 });
      for (const sender of ['g1', 'g2', 'g3']) expect(await guess(sender)).toEqual({ ok: false, reason: 'not_found' });
      expect(await guess('g4', { email: 'ada@example.com' })).toEqual({ ok: false, reason: 'throttled' });
      expect(refused).toEqual(['order']);
      // Other orders are not affected.
      expect(await guess('g5', { orderId: 'ORD-61957', email: 'ada@example.com' })).toMatchObject({ ok: true });
    });

    it('blocks an order number that does not exist the same way, so the block reveals nothing', async () => {
      budget = budgetWith({ perOrder: 3 });
      for (const sender of ['n1', 'n2', 'n3']) await guess(sender, { orderId: 'ORD-99999' });
      expect(await guess('n4', { orderId: 'ORD-99999' })).toEqual({ ok: false, reason: 'throttled' });
    });

    it('blocks one email tried across many orders and conversations', async () => {
      budget = budgetWith({ perEmail: 4 });
      for (let i = 0; i < 4; i++) expect(await guess(`e${i}`, { orderId: `ORD-2${i}000`, email: 'ada@example.com' })).toEqual({ ok: false, reason: 'not_found' });
      // Now even Ada's own order is not evaluated for that email: the email, not the order, is spent.
      expect(await guess('e9', { email: 'ADA@example.com ' })).toEqual({ ok: false, reason: 'throttled' });
      expect(refused).toEqual(['email']);
      expect(await guess('e10', { orderId: 'ORD-27364', email: 'grace@example.com' })).toMatchObject({ ok: true });
    });

    it('stops every email check once the global budget is spent', async () => {
      budget = budgetWith({ global: 5 });
      for (let i = 0; i < 5; i++) await guess(`w${i}`, { orderId: `ORD-3${i}000`, email: `w${i}@example.org` });
      expect(await guess('w9', { email: 'ada@example.com' })).toEqual({ ok: false, reason: 'throttled' });
      expect(refused).toEqual(['global']);
    });

    it('still lets the owner in with a token while the order and email are blocked for email guesses', async () => {
      budget = budgetWith({ perOrder: 3, perEmail: 3, global: 3 });
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

  it('blocks a conversation whose guesses alternate between replicas', async () => {
    const keyPrefix = `test:${randomUUID()}`;
    const refused: VerificationLimit[] = [];
    const replicas = await Promise.all(
      [0, 1].map(async () => {
        const store = createRateLimiters({ redisUrl: process.env.REDIS_URL ?? 'redis://127.0.0.1:6379', keyPrefix });
        stores.push(store);
        expect(await store.connected()).toBe(true);
        return new VerificationBudget({ limits: LIMITS, counter: store.quotas!, onRefused: (l) => refused.push(l) });
      }),
    );
    const check = (replica: number, email: string, senderId = 'roaming') =>
      verifyOrderAccess({ orders, identity, budget: replicas[replica]!, senderId, metadata: {}, orderId: 'ORD-48213', email });
    // Three wrong guesses spread over both replicas: each replica alone saw fewer than three.
    expect(await check(0, 'g1@example.com')).toEqual({ ok: false, reason: 'not_found' });
    expect(await check(1, 'g2@example.com')).toEqual({ ok: false, reason: 'not_found' });
    expect(await check(0, 'g3@example.com')).toEqual({ ok: false, reason: 'not_found' });
    expect(await check(1, 'ada@example.com')).toEqual({ ok: false, reason: 'throttled' });
    expect(await check(0, 'ada@example.com')).toEqual({ ok: false, reason: 'throttled' });
    expect(refused).toEqual(['sender', 'sender']);
    expect(await check(1, 'ada@example.com', 'someone-else')).toMatchObject({ ok: true });
  });
});
