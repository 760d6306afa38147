/**
 * docs/examples/0100_company_orders.sql, the "one SQL file" way to serve the Orders port from a
 * shop's own tables, does what docs/orders.md promises, on a real PostgreSQL.
 */
import fs from 'node:fs';
import path from 'node:path';
import { StoreOrders } from '../../../src/connectors/orders';
import { migrate, readMigrations, type PgStore } from '../../../src/store';
import { createPgSchema, type PgSchema } from '../../support/stores';

const EXAMPLE = path.resolve(__dirname, '../../../docs/examples/0100_company_orders.sql');

describe('the one-SQL-file mapping of company tables (docs/examples)', () => {
  let schema: PgSchema;
  let store: PgStore;
  let orders: StoreOrders;

  beforeAll(async () => {
    schema = await createPgSchema();
    store = schema.store();
    await store.transaction(async (tx) => {
      await tx.exec(`
        CREATE TABLE shop_customers (customer_no int PRIMARY KEY, email_address text NOT NULL);
        CREATE TABLE shop_orders (
          order_no int PRIMARY KEY, customer_no int NOT NULL REFERENCES shop_customers, state text NOT NULL,
          lines jsonb NOT NULL, amount numeric(10, 2) NOT NULL, currency text NOT NULL, carrier text, tracking text, eta date,
          ship_street text NOT NULL, ship_city text NOT NULL, ship_zip text NOT NULL, ship_country text NOT NULL,
          modified_at timestamptz NOT NULL DEFAULT now());
        INSERT INTO shop_customers VALUES (7, 'kim@example.net'), (8, 'lee@example.net');
        INSERT INTO shop_orders VALUES
          (42, 7, 'PICKING', '[{"sku":"A1","name":"Lamp","quantity":1,"unitPrice":30}]', 30, 'EUR', NULL, NULL, '2030-01-02', 'Hauptstr. 1', 'Berlin', '10115', 'DE', now()),
          (43, 8, 'SHIPPED', '[]', 12.5, 'EUR', 'DHL', '00340434', '2030-01-03', 'Ring 2', 'Wien', '1010', 'AT', now());
      `);
    });
    const company = { version: '0100', name: 'company_orders', sql: fs.readFileSync(EXAMPLE, 'utf8') };
    await migrate(store, [...readMigrations(), company]);
    orders = new StoreOrders(store);
  });
  afterAll(async () => {
    await store.close();
    await schema.drop();
  });

  it('reads a company order through the view', async () => {
    expect(await orders.findById('ORD-00042')).toMatchObject({
      id: 'ORD-00042',
      customerId: 'C-7',
      email: 'kim@example.net',
      status: 'processing',
      items: [{ sku: 'A1', name: 'Lamp', quantity: 1, unitPrice: 30 }],
      total: 30,
      currency: 'EUR',
      estimatedDelivery: '2030-01-02',
      shippingAddress: { line1: 'Hauptstr. 1', city: 'Berlin', postalCode: '10115', country: 'DE' },
    });
  });

  it('writes an address change into the company columns, whole, and keeps the history', async () => {
    const address = { line1: 'Neue Str. 5', city: 'Hamburg', postalCode: '20095', country: 'DE' };
    const other = { line1: 'Alte Gasse 9', city: 'Köln', postalCode: '50667', country: 'DE' };
    const results = await Promise.all(
      [address, other].map((a, i) => orders.changeShippingAddress({ orderId: 'ORD-00042', customerId: 'C-7', address: a, verifiedBy: 'token', senderId: `s${i}` })),
    );
    expect(results.map((r) => r.ok)).toEqual([true, true]);
    const { rows } = await store.query<Record<string, string>>('SELECT ship_street, ship_city, ship_zip, ship_country FROM shop_orders WHERE order_no = 42');
    const row = rows[0]!;
    expect([address, other]).toContainEqual({ line1: row.ship_street, city: row.ship_city, postalCode: row.ship_zip, country: row.ship_country });
    const history = await orders.addressHistory('ORD-00042');
    expect(history).toHaveLength(2);
    // The view's row lock queued the second change behind the first.
    expect(history[1]!.oldAddress).toEqual(history[0]!.newAddress);
  });

  it('still refuses a shipped order and an order of another customer', async () => {
    const address = { line1: 'X 1', city: 'Graz', postalCode: '8010', country: 'AT' };
    expect(await orders.changeShippingAddress({ orderId: 'ORD-00043', customerId: 'C-8', address, verifiedBy: 'token', senderId: 's' })).toEqual({
      ok: false,
      reason: 'not_changeable',
      status: 'shipped',
    });
    expect(await orders.changeShippingAddress({ orderId: 'ORD-00042', customerId: 'C-8', address, verifiedBy: 'token', senderId: 's' })).toEqual({ ok: false, reason: 'not_found' });
  });
});
