/** The Orders port over the store's `orders` and `order_address_changes` tables. */
import { ADDRESS_CHANGEABLE, WRITE_PROOFS, type Address, type AddressChange, type AddressChangeRequest, type AddressChangeResult, type Order, type OrderItem, type OrderStatus, type Orders, type VerificationMethod } from '../../ports/orders';
import type { Queryable, Store } from '../../store';

interface OrderRow {
  id: string;
  customer_id: string;
  email: string;
  status: OrderStatus;
  items: OrderItem[];
  total: string;
  currency: string;
  carrier: string | null;
  tracking_number: string | null;
  estimated_delivery: string | null;
  shipping_address: Address;
  updated_at: Date | string;
}

interface ChangeRow {
  order_id: string;
  customer_id: string;
  verified_by: VerificationMethod;
  sender_id: string;
  old_address: Address;
  new_address: Address;
  changed_at: Date | string;
}

// Dates come back as text so no driver turns a calendar day into a time-zone-shifted instant.
const ORDER_COLUMNS = `id, customer_id, email, status, items, total::text AS total, currency, carrier, tracking_number,
  to_char(estimated_delivery, 'YYYY-MM-DD') AS estimated_delivery, shipping_address, updated_at`;

const iso = (v: Date | string): string => (v instanceof Date ? v.toISOString() : new Date(v).toISOString());

function toOrder(r: OrderRow): Order {
  return {
    id: r.id,
    customerId: r.customer_id,
    email: r.email,
    status: r.status,
    items: r.items,
    total: Number(r.total),
    currency: r.currency.trim(),
    carrier: r.carrier,
    trackingNumber: r.tracking_number,
    estimatedDelivery: r.estimated_delivery,
    shippingAddress: r.shipping_address,
    updatedAt: iso(r.updated_at),
  };
}

async function selectOrder(db: Queryable, orderId: string): Promise<Order | null> {
  const { rows } = await db.query<OrderRow>(`SELECT ${ORDER_COLUMNS} FROM orders WHERE id = $1`, [orderId]);
  return rows[0] ? toOrder(rows[0]) : null;
}

export class StoreOrders implements Orders {
  constructor(private readonly store: Store) {}

  findById(orderId: string): Promise<Order | null> {
    return selectOrder(this.store, orderId);
  }

  changeShippingAddress(req: AddressChangeRequest): Promise<AddressChangeResult> {
    // The type already says so; this holds against a caller that casts its way around it.
    if (!WRITE_PROOFS.includes(req.verifiedBy)) {
      return Promise.reject(new Error(`An address change needs an identity token or an emailed code, not '${String(req.verifiedBy)}'.`));
    }
    return this.store.transaction(async (tx): Promise<AddressChangeResult> => {
      // The row lock makes a second change of the same order wait until this one commits, and
      // then see its result: changes queue up instead of interleaving.
      const { rows } = await tx.query<Pick<OrderRow, 'customer_id' | 'status' | 'shipping_address'>>(
        'SELECT customer_id, status, shipping_address FROM orders WHERE id = $1 FOR UPDATE',
        [req.orderId],
      );
      const current = rows[0];
      if (!current || current.customer_id !== req.customerId) return { ok: false, reason: 'not_found' };
      if (!ADDRESS_CHANGEABLE.includes(current.status)) return { ok: false, reason: 'not_changeable', status: current.status };
      const address = JSON.stringify(req.address);
      const updated = await tx.query<OrderRow>(
        `UPDATE orders SET shipping_address = $2::jsonb, version = version + 1, updated_at = now() WHERE id = $1 RETURNING ${ORDER_COLUMNS}`,
        [req.orderId, address],
      );
      await tx.query(
        `INSERT INTO order_address_changes (order_id, customer_id, verified_by, sender_id, old_address, new_address)
         VALUES ($1, $2, $3, $4, $5::jsonb, $6::jsonb)`,
        [req.orderId, req.customerId, req.verifiedBy, req.senderId, JSON.stringify(current.shipping_address), address],
      );
      return { ok: true, order: toOrder(updated.rows[0]!) };
    });
  }

  async addressHistory(orderId: string): Promise<AddressChange[]> {
    const { rows } = await this.store.query<ChangeRow>(
      `SELECT order_id, customer_id, verified_by, sender_id, old_address, new_address, changed_at
       FROM order_address_changes WHERE order_id = $1 ORDER BY id`,
      [orderId],
    );
    return rows.map((r) => ({
      orderId: r.order_id,
      customerId: r.customer_id,
      verifiedBy: r.verified_by,
      senderId: r.sender_id,
      oldAddress: r.old_address,
      newAddress: r.new_address,
      changedAt: iso(r.changed_at),
    }));
  }
}
