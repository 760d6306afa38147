import { orderNotFound, THROTTLED, ASK_EMAIL } from '../../actions/shared/order-replies';
import { STORE_TARGETS } from '../support/stores';
import { checkResponse } from '../fixtures/rasa-response-schema';
import { hsToken } from '../support/tokens';
import { startOrdersServer, slotsOf, textsOf, type OrdersHarness } from '../support/orders';

describe.each(STORE_TARGETS)('action_fetch_order through /webhook ($name store)', (target) => {
  let h: OrdersHarness;
  beforeAll(async () => {
    h = await startOrdersServer(target);
  });
  afterAll(() => h.close());

  const fetch = (sender: string, slots: Record<string, unknown>, metadata?: Record<string, unknown>) =>
    h.call('action_fetch_order', { senderId: sender, slots, text: 'where is my order?', intent: 'check_order_status', metadata });

  it('shows the owner the order when the identity token says who they are', async () => {
    const res = await fetch('jwt-owner', { order_id: 'ORD-27364' }, { identity_token: await hsToken({ sub: 'C-1002' }) });
    expect(res.status).toBe(200);
    const [text] = textsOf(res);
    expect(text).toContain('Order ORD-27364 has shipped.');
    expect(text).toContain('1 × 27-inch monitor');
    expect(text).toContain('Carrier: UPS, tracking number 1Z999AA10123456784.');
    expect(text).toMatch(/Estimated delivery: \d{4}-\d{2}-\d{2}\./);
    expect(slotsOf(res)).toEqual({ order_id: 'ORD-27364', order_status: 'shipped', order_verified: true });
    // A link button to the carrier's tracking page, as a valid Rasa response (Rasa's channels show a URL button).
    const body = res.body as { responses: { text: string; buttons: unknown[] }[] };
    expect(body.responses[1]).toMatchObject({
      text: "Follow the parcel on UPS's site.",
      buttons: [{ title: 'Track with UPS', url: 'https://www.ups.com/track?tracknum=1Z999AA10123456784', payload: 'https://www.ups.com/track?tracknum=1Z999AA10123456784', type: 'web_url' }],
    });
    expect(checkResponse(res.body).valid).toBe(true);
  });

  it('shows the owner the order when they give the email on the order', async () => {
    const res = await fetch('email-owner', { order_id: 'ord 48213', order_email: 'Ada@Example.com' });
    expect(res.status).toBe(200);
    expect(textsOf(res)[0]).toContain('Order ORD-48213 is being prepared for shipping.');
    expect(slotsOf(res)).toMatchObject({ order_id: 'ORD-48213', order_status: 'processing', order_verified: true });
  });

  it('answers every kind of "not yours" exactly like "no such order"', async () => {
    const owner = 'C-1002';
    const cases: [string, Record<string, unknown>, Record<string, unknown> | undefined][] = [
      ['another customer (valid token)', { order_id: 'ORD-27364' }, { identity_token: await hsToken({ sub: 'C-1001' }) }],
      ['a wrong email', { order_id: 'ORD-27364', order_email: 'ada@example.com' }, undefined],
      ['a forged token', { order_id: 'ORD-27364' }, { identity_token: await hsToken({ sub: owner, secret: 'forged-forged-forged-forged-forged-forged' }) }],
      ['an expired token', { order_id: 'ORD-27364' }, { identity_token: await hsToken({ sub: owner, expiresIn: -120 }) }],
      ['a token for another audience', { order_id: 'ORD-27364' }, { identity_token: await hsToken({ sub: owner, aud: 'other-app' }) }],
      ['an invalid token next to the right email', { order_id: 'ORD-27364', order_email: 'grace@example.com' }, { identity_token: 'not.a.jwt' }],
      ['a sender id equal to the owner id', { order_id: 'ORD-27364', order_email: 'nobody@example.com' }, undefined],
    ];
    const bodies = [];
    for (const [i, [, slots, metadata]] of cases.entries()) {
      const res = await fetch(i === cases.length - 1 ? owner : `denied-${i}`, slots, metadata);
      expect(res.status).toBe(200);
      bodies.push(res.body);
    }
    const missing = await fetch('denied-missing', { order_id: 'ORD-99999', order_email: 'grace@example.com' });
    expect(textsOf(missing)).toEqual([orderNotFound('ORD-99999')]);
    // Byte-for-byte the same answer, apart from echoing the number the user typed.
    const expected = JSON.parse(JSON.stringify(missing.body).replaceAll('ORD-99999', 'ORD-27364'));
    for (const body of bodies) expect(body).toEqual(expected);
    expect(expected.events).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ name: 'order_verified', value: false }),
        expect.objectContaining({ name: 'order_status', value: null }),
      ]),
    );
  });

  it('finds the identity token on the user event when latest_message carries no metadata', async () => {
    const token = await hsToken({ sub: 'C-1003' });
    const res = await h.call('action_fetch_order', {
      senderId: 'event-metadata',
      slots: { order_id: 'ORD-35892' },
      events: [{ event: 'user', text: 'where is ORD-35892?', timestamp: null, metadata: { identity_token: token } }],
    });
    expect(slotsOf(res)).toEqual({ order_id: 'ORD-35892', order_status: 'out_for_delivery', order_verified: true });
  });

  it('asks for the email when there is neither a token nor an email', async () => {
    const res = await fetch('no-proof', { order_id: 'ORD-48213' });
    expect(textsOf(res)).toEqual([ASK_EMAIL]);
  });

  it('asks for a well-formed order number instead of looking up a malformed one', async () => {
    const res = await fetch('bad-id', { order_id: 'ORD-1; DROP TABLE orders', order_email: 'ada@example.com' });
    expect(textsOf(res)[0]).toMatch(/doesn't look like an order number/);
    expect(slotsOf(res)).toEqual({ order_id: null });
  });

  it('keeps SQL in every slot, the token subject and the sender id harmless', async () => {
    const injections = ["' OR '1'='1", "x'); DROP TABLE orders; --", 'ORD-48213\' UNION SELECT * FROM customers --'];
    for (const evil of injections) {
      for (const slots of [{ order_id: evil, order_email: 'ada@example.com' }, { order_id: 'ORD-48213', order_email: evil }]) {
        const res = await fetch(evil, slots);
        expect(res.status).toBe(200);
        expect(slotsOf(res).order_verified).not.toBe(true);
      }
      const res = await fetch('sub-injection', { order_id: 'ORD-48213' }, { identity_token: await hsToken({ sub: evil }) });
      expect(slotsOf(res).order_verified).toBe(false);
    }
    const { rows } = await h.store.query<{ n: number }>('SELECT count(*)::int AS n FROM orders');
    expect(rows[0]!.n).toBe(6);
  });
});

describe('action_fetch_order throttling', () => {
  let h: OrdersHarness;
  beforeAll(async () => {
    h = await startOrdersServer(STORE_TARGETS[0]!, { maxFailures: 3 });
  });
  afterAll(() => h.close());

  it('stops answering a conversation after repeated failed verifications, even with the right email', async () => {
    const call = (sender: string, email: string) =>
      h.call('action_fetch_order', { senderId: sender, slots: { order_id: 'ORD-48213', order_email: email }, text: 'where is it' });
    for (let i = 0; i < 3; i++) expect(textsOf(await call('guesser', `guess${i}@example.com`))).toEqual([orderNotFound('ORD-48213')]);
    expect(textsOf(await call('guesser', 'ada@example.com'))).toEqual([THROTTLED]);
    expect(slotsOf(await call('someone-else', 'ada@example.com')).order_verified).toBe(true);
  });
});
