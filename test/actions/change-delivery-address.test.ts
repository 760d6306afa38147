import { changeDeliveryAddress } from '../../actions/change-delivery-address';
import { fetchOrder } from '../../actions/fetch-order';
import { JwtIdentityVerifier, SlidingWindowLimiter } from '../../src/identity';
import { runAction } from '../../src/sdk/testkit';
import { companyDataServices } from '../../src/main/services';
import { PgStore } from '../../src/store';
import { AUDIENCE, ISSUER, SECRET } from '../support/tokens';
import { StoreOrders } from '../../src/connectors/orders';
import { orderNotFound } from '../../actions/shared/order-replies';
import { STORE_TARGETS } from '../support/stores';
import { hsToken } from '../support/tokens';
import { startOrdersServer, slotsOf, textsOf, type OrdersHarness } from '../support/orders';

const newAddress = { address_line1: '221B Baker Street', address_postal_code: 'nw1 6xe', address_city: 'London', address_country: 'United Kingdom' };

describe.each(STORE_TARGETS)('action_change_delivery_address through /webhook ($name store)', (target) => {
  let h: OrdersHarness;
  let orders: StoreOrders;
  beforeAll(async () => {
    h = await startOrdersServer(target);
    orders = new StoreOrders(h.store);
  });
  afterAll(() => h.close());

  const change = (sender: string, slots: Record<string, unknown>, metadata?: Record<string, unknown>) =>
    h.call('action_change_delivery_address', { senderId: sender, slots, text: 'change my address', intent: 'change_delivery_address', metadata });

  it('changes the address of a pending order for its owner (email path), normalized, and records who did it', async () => {
    const before = (await orders.findById('ORD-20002'))!;
    const res = await change('conv-grace', { order_id: 'ORD-20002', order_email: 'grace@example.com', ...newAddress });
    expect(res.status).toBe(200);
    expect(textsOf(res)).toEqual(['Done: order ORD-20002 will now be delivered to 221B Baker Street, NW1 6XE London, GB.']);
    expect(slotsOf(res)).toEqual({
      address_changed: true,
      order_status: 'pending',
      address_line1: null,
      address_city: null,
      address_postal_code: null,
      address_country: null,
    });
    const after = (await orders.findById('ORD-20002'))!;
    expect(after.shippingAddress).toEqual({ line1: '221B Baker Street', city: 'London', postalCode: 'NW1 6XE', country: 'GB' });
    const history = await orders.addressHistory('ORD-20002');
    expect(history).toHaveLength(1);
    expect(history[0]).toMatchObject({ customerId: 'C-1002', verifiedBy: 'order_email', senderId: 'conv-grace', oldAddress: before.shippingAddress, newAddress: after.shippingAddress });
  });

  it('refuses clearly for a shipped order and leaves it unchanged (token path)', async () => {
    const before = (await orders.findById('ORD-20001'))!;
    const res = await change('conv-grace-2', { order_id: 'ORD-20001', ...newAddress }, { identity_token: await hsToken({ sub: 'C-1002' }) });
    expect(textsOf(res)[0]).toMatch(/^Sorry, order ORD-20001 has already left our warehouse \(shipped\), so its delivery address can no longer be changed\./);
    expect(slotsOf(res)).toEqual({ address_changed: false, order_status: 'shipped' });
    expect((await orders.findById('ORD-20001'))!.shippingAddress).toEqual(before.shippingAddress);
    expect(await orders.addressHistory('ORD-20001')).toEqual([]);
  });

  it("gives someone else's order the not-found answer and changes nothing", async () => {
    const before = (await orders.findById('ORD-10001'))!;
    for (const [slots, metadata] of [
      [{ order_id: 'ORD-10001', order_email: 'grace@example.com', ...newAddress }, undefined],
      [{ order_id: 'ORD-10001', ...newAddress }, { identity_token: await hsToken({ sub: 'C-1002' }) }],
      [{ order_id: 'ORD-10001', ...newAddress }, { identity_token: await hsToken({ sub: 'C-1001', aud: 'other-app' }) }],
    ] as const) {
      const res = await change('conv-mallory', slots, metadata);
      expect(textsOf(res)).toEqual([orderNotFound('ORD-10001')]);
    }
    expect((await orders.findById('ORD-10001'))!.shippingAddress).toEqual(before.shippingAddress);
  });

  it('asks again for an address slot that does not validate, without changing anything', async () => {
    const res = await change('conv-ada', { order_id: 'ORD-10001', order_email: 'ada@example.com', ...newAddress, address_country: 'Atlantis' });
    expect(textsOf(res)[0]).toMatch(/country/);
    expect(await orders.addressHistory('ORD-10001')).toEqual([]);
  });

  it('stores SQL typed into the address as plain text', async () => {
    const evil = "1 Main St'); DROP TABLE orders; --";
    const res = await change("conv'); DROP TABLE order_address_changes; --", { order_id: 'ORD-10001', order_email: 'ada@example.com', ...newAddress, address_line1: evil });
    expect(slotsOf(res).address_changed).toBe(true);
    expect((await orders.findById('ORD-10001'))!.shippingAddress.line1).toBe(evil);
    const history = await orders.addressHistory('ORD-10001');
    expect(history.at(-1)!.senderId).toBe("conv'); DROP TABLE order_address_changes; --");
    const { rows } = await h.store.query<{ n: number }>('SELECT count(*)::int AS n FROM orders');
    expect(rows[0]!.n).toBe(6);
  });

  it('leaves one whole address when two changes of the same order arrive at once', async () => {
    const a = { address_line1: '1 First Avenue', address_postal_code: 'M1 1AA', address_city: 'Manchester', address_country: 'GB' };
    const b = { address_line1: '2 Second Road', address_postal_code: 'EH1 1BB', address_city: 'Edinburgh', address_country: 'GB' };
    const base = { order_id: 'ORD-10001', order_email: 'ada@example.com' };
    const [ra, rb] = await Promise.all([change('conv-a', { ...base, ...a }), change('conv-b', { ...base, ...b })]);
    expect([slotsOf(ra).address_changed, slotsOf(rb).address_changed]).toEqual([true, true]);
    const final = (await orders.findById('ORD-10001'))!.shippingAddress;
    const whole = [
      { line1: a.address_line1, postalCode: a.address_postal_code, city: a.address_city, country: 'GB' },
      { line1: b.address_line1, postalCode: b.address_postal_code, city: b.address_city, country: 'GB' },
    ];
    expect(whole).toContainEqual(final);
    const [prev, last] = (await orders.addressHistory('ORD-10001')).slice(-2);
    expect(last!.oldAddress).toEqual(prev!.newAddress);
  });
});

describe('order actions when the order database is down', () => {
  it('tell the user to try again later instead of failing the call', async () => {
    const down = new PgStore({ connectionString: 'postgres://postgres@127.0.0.1:1/none' });
    const services = companyDataServices(down, new JwtIdentityVerifier({ secret: SECRET, issuer: ISSUER, audience: AUDIENCE }), new SlidingWindowLimiter());
    try {
      const fetched = await runAction(fetchOrder, { services, slots: { order_id: 'ORD-10001', order_email: 'ada@example.com' }, text: 'where is it' });
      expect(fetched.texts).toEqual(["Sorry, our order system isn't answering right now, so I couldn't look up your order. Please try again in a few minutes."]);
      const changed = await runAction(changeDeliveryAddress, { services, slots: { order_id: 'ORD-10001', order_email: 'ada@example.com', ...newAddress }, text: 'change it' });
      expect(changed.texts[0]).toMatch(/^Sorry, our order system isn't answering right now, so I couldn't change the delivery address\./);
    } finally {
      await down.close();
    }
  });
});
