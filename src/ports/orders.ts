/**
 * What actions need from the company's order system. The shipped adapter reads the store
 * (src/connectors/orders); a company with its own order database writes another adapter of this
 * interface, or maps its tables onto the store's schema with one SQL file (docs/orders.md).
 */

export const ORDER_STATUSES = ['pending', 'processing', 'shipped', 'out_for_delivery', 'delivered', 'cancelled'] as const;
export type OrderStatus = (typeof ORDER_STATUSES)[number];

/** Statuses in which the parcel has not left the warehouse, so the address may still change. */
export const ADDRESS_CHANGEABLE: readonly OrderStatus[] = ['pending', 'processing'];

export interface OrderItem {
  sku: string;
  name: string;
  quantity: number;
  /** Price of one unit, in the order's currency. */
  unitPrice: number;
}

export interface Address {
  line1: string;
  city: string;
  postalCode: string;
  /** ISO 3166-1 alpha-2, upper case. */
  country: string;
}

export interface Order {
  id: string;
  customerId: string;
  /** The email the order was placed with; knowledge-based verification compares against it. */
  email: string;
  status: OrderStatus;
  items: OrderItem[];
  total: number;
  currency: string;
  carrier: string | null;
  trackingNumber: string | null;
  /** YYYY-MM-DD, or null when not known yet. */
  estimatedDelivery: string | null;
  shippingAddress: Address;
  /** ISO timestamp of the last change. */
  updatedAt: string;
}

/**
 * How the person asking proved who they are: a signed identity token, knowing the email the order
 * was placed with, or a one-time code mailed to that email.
 */
export type VerificationMethod = 'token' | 'order_email' | 'email_code';

/**
 * The proofs that allow changing an order. Knowing its email is not one: an email address is
 * easy to learn, while the mailbox behind it is not.
 */
export type WriteProof = Exclude<VerificationMethod, 'order_email'>;

export const WRITE_PROOFS: readonly WriteProof[] = ['token', 'email_code'];

export interface AddressChangeRequest {
  orderId: string;
  /** The verified customer; the change is refused unless the order is theirs. */
  customerId: string;
  address: Address;
  verifiedBy: WriteProof;
  /** The conversation the change came from, for the history. */
  senderId: string;
}

export type AddressChangeResult =
  | { ok: true; order: Order }
  /** No such order, or not this customer's: deliberately one outcome. */
  | { ok: false; reason: 'not_found' }
  | { ok: false; reason: 'not_changeable'; status: OrderStatus };

export interface AddressChange {
  orderId: string;
  customerId: string;
  /** Changes recorded before one-time codes existed may say `order_email`. */
  verifiedBy: VerificationMethod;
  senderId: string;
  oldAddress: Address;
  newAddress: Address;
  changedAt: string;
}

export interface Orders {
  findById(orderId: string): Promise<Order | null>;
  /**
   * Replaces the shipping address whole, atomically with respect to other changes of the same
   * order, and records the change. Refused unless the order belongs to `customerId` and has
   * not shipped; throws when `verifiedBy` is not a write proof.
   */
  changeShippingAddress(request: AddressChangeRequest): Promise<AddressChangeResult>;
  /** The order's address changes, oldest first. */
  addressHistory(orderId: string): Promise<AddressChange[]>;
}
