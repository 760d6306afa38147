/**
 * Loads the demo data. Idempotent: existing rows are left alone, so a re-run never undoes an
 * address someone changed while trying the demo.
 */
import type { Store } from '../../store';
import { DEMO_CUSTOMERS, DEMO_ORDERS, orderTotal } from './demo-data';

export interface SeedResult {
  customers: number;
  orders: number;
}

export async function seedDemoData(store: Store): Promise<SeedResult> {
  return store.transaction(async (tx) => {
    let customers = 0;
    let orders = 0;
    for (const c of DEMO_CUSTOMERS) {
      const r = await tx.query('INSERT INTO customers (id, name, email) VALUES ($1, $2, $3) ON CONFLICT (id) DO NOTHING', [c.id, c.name, c.email]);
      customers += r.rowCount;
    }
    for (const o of DEMO_ORDERS) {
      const r = await tx.query(
        `INSERT INTO orders (id, customer_id, email, status, items, total, currency, carrier, tracking_number, estimated_delivery, shipping_address)
         VALUES ($1, $2, $3, $4, $5::jsonb, $6, $7, $8, $9, current_date + $10::int, $11::jsonb)
         ON CONFLICT (id) DO NOTHING`,
        [o.id, o.customerId, o.email, o.status, JSON.stringify(o.items), orderTotal(o.items), o.currency, o.carrier, o.trackingNumber, o.deliveryInDays, JSON.stringify(o.shippingAddress)],
      );
      orders += r.rowCount;
    }
    return { customers, orders };
  });
}

/** Whether the store holds no customers yet: the embedded store seeds itself then. */
export async function isEmpty(store: Store): Promise<boolean> {
  const { rows } = await store.query<{ n: number }>('SELECT count(*)::int AS n FROM customers');
  return (rows[0]?.n ?? 0) === 0;
}
