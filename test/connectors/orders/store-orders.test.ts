import { DEMO_ORDERS, StoreOrders, orderTotal, seedDemoData } from '../../../src/connectors/orders';
import type { Address } from '../../../src/ports/orders';
import { migrate, type Store } from '../../../src/store';
import { STORE_TARGETS } from '../../support/stores';

const home: Address = { line1: '1 New Road', city: 'Leeds', postalCode: 'LS1 4AP', country: 'GB' };
const office: Address = { line1: '99 Office Park', city: 'Bristol', postalCode: 'BS1 5TR', country: 'GB' };

describe.each(STORE_TARGETS)('StoreOrders on the $name store', (target) => {
  let store: Store;
  let cleanup: () => Promise<void>;
  let orders: StoreOrders;

  beforeAll(async () => {
    ({ store, cleanup } = await target.open());
    await migrate(store);
    await seedDemoData(store);
    orders = new StoreOrders(store);
  });
  afterAll(() => cleanup());

  it('reads a demo order with every field typed', async () => {
    const demo = DEMO_ORDERS.find((o) => o.id === 'ORD-27364')!;
    const order = await orders.findById('ORD-27364');
    expect(order).toMatchObject({
      id: 'ORD-27364',
      customerId: 'C-1002',
      email: 'grace@example.com',
      status: 'shipped',
      items: demo.items,
      total: orderTotal(demo.items),
      currency: 'USD',
      carrier: 'UPS',
      trackingNumber: '1Z999AA10123456784',
      shippingAddress: demo.shippingAddress,
    });
    expect(order!.estimatedDelivery).toMatch(/^\d{4}-\d{2}-\d{2}$/);
    expect(Number.isNaN(Date.parse(order!.updatedAt))).toBe(false);
  });

  it('has no estimate for a cancelled order and null for an unknown id', async () => {
    expect((await orders.findById('ORD-90746'))!.estimatedDelivery).toBeNull();
    expect(await orders.findById('ORD-99999')).toBeNull();
  });

  it('treats SQL in an order id as a plain value', async () => {
    for (const id of ["ORD-48213' OR '1'='1", "'; DROP TABLE orders; --", 'ORD-48213; DELETE FROM orders']) {
      expect(await orders.findById(id)).toBeNull();
    }
    expect(await orders.findById('ORD-48213')).not.toBeNull();
  });

  it("refuses to change another customer's order, as if it did not exist", async () => {
    const r = await orders.changeShippingAddress({ orderId: 'ORD-48213', customerId: 'C-1002', address: home, verifiedBy: 'token', senderId: 's1' });
    expect(r).toEqual({ ok: false, reason: 'not_found' });
    expect((await orders.findById('ORD-48213'))!.shippingAddress).toEqual(DEMO_ORDERS[0]!.shippingAddress);
  });

  it('refuses to change a shipped order and says why', async () => {
    const r = await orders.changeShippingAddress({ orderId: 'ORD-27364', customerId: 'C-1002', address: home, verifiedBy: 'token', senderId: 's1' });
    expect(r).toEqual({ ok: false, reason: 'not_changeable', status: 'shipped' });
  });

  it('changes the address of a pending order and records who changed what', async () => {
    const before = (await orders.findById('ORD-83520'))!;
    const r = await orders.changeShippingAddress({ orderId: 'ORD-83520', customerId: 'C-1002', address: home, verifiedBy: 'email_code', senderId: 'conv-7' });
    expect(r.ok).toBe(true);
    expect((await orders.findById('ORD-83520'))!.shippingAddress).toEqual(home);
    const history = await orders.addressHistory('ORD-83520');
    expect(history).toHaveLength(1);
    expect(history[0]).toMatchObject({ orderId: 'ORD-83520', customerId: 'C-1002', verifiedBy: 'email_code', senderId: 'conv-7', oldAddress: before.shippingAddress, newAddress: home });
  });

  it('refuses a change proved only by knowing the email, whatever the caller claims', async () => {
    const before = (await orders.findById('ORD-83520'))!;
    const claimed = { orderId: 'ORD-83520', customerId: 'C-1002', address: office, verifiedBy: 'order_email', senderId: 'conv-8' } as unknown as Parameters<StoreOrders['changeShippingAddress']>[0];
    await expect(orders.changeShippingAddress(claimed)).rejects.toThrow(/identity token or an emailed code/);
    expect((await orders.findById('ORD-83520'))!.shippingAddress).toEqual(before.shippingAddress);
    // Nor does the table take it from anyone who writes there directly with an unknown proof.
    await expect(
      store.query(`INSERT INTO order_address_changes (order_id, customer_id, verified_by, sender_id, old_address, new_address) VALUES ('ORD-83520', 'C-1002', 'guess', 's', '{}', '{}')`),
    ).rejects.toThrow(/order_address_changes_verified_by_check/);
  });

  it('leaves one whole address when two changes race, each recorded against the one before it', async () => {
    const results = await Promise.all([
      orders.changeShippingAddress({ orderId: 'ORD-48213', customerId: 'C-1001', address: home, verifiedBy: 'token', senderId: 'a' }),
      orders.changeShippingAddress({ orderId: 'ORD-48213', customerId: 'C-1001', address: office, verifiedBy: 'token', senderId: 'b' }),
    ]);
    expect(results.every((r) => r.ok)).toBe(true);
    const final = (await orders.findById('ORD-48213'))!.shippingAddress;
    expect([home, office]).toContainEqual(final);
    const history = await orders.addressHistory('ORD-48213');
    expect(history).toHaveLength(2);
    // Serialized: the second change saw the first one's result as the old address.
    expect(history[1]!.oldAddress).toEqual(history[0]!.newAddress);
    expect(history[1]!.newAddress).toEqual(final);
  });

  it('seeds idempotently without undoing changes', async () => {
    expect(await seedDemoData(store)).toEqual({ customers: 0, orders: 0 });
    expect((await orders.findById('ORD-83520'))!.shippingAddress).toEqual(home);
  });
});
