/**
 * Decides whether the person in a conversation may see an order: by the identity token on the
 * latest message when there is one, otherwise by knowing the email the order was placed with.
 * The conversation id alone never proves anything: anyone can choose it.
 *
 * "No such order" and "not yours" are one outcome, so the answer cannot be used to find out which
 * order ids exist. Failures count against the conversation; too many in a while block it. As a
 * conversation id costs nothing to change, failed email guesses also count against the order
 * number (whether or not it exists, so the block reveals nothing); that block applies to email
 * verification only, so it cannot lock out an owner who signs in with a token.
 */
import { createHash, timingSafeEqual } from 'node:crypto';
import type { AttemptLimiter, IdentityVerifier } from '../../src/ports/identity';
import type { Order, Orders, VerificationMethod } from '../../src/ports/orders';

export interface OrderAccessInput {
  orders: Orders;
  identity: IdentityVerifier;
  /** Failures per conversation. */
  limiter: AttemptLimiter;
  /** Failed email verifications per order number; none = not limited per order. */
  orderLimiter?: AttemptLimiter;
  senderId: string;
  metadata: Record<string, unknown>;
  orderId: string;
  /** The email the user gave for the order (slot `order_email`). */
  email?: string | null;
}

export type OrderAccess =
  | { ok: true; order: Order; customerId: string; verifiedBy: VerificationMethod }
  | { ok: false; reason: 'throttled' }
  /** No identity token and no email yet: ask for the email. Not a failure. */
  | { ok: false; reason: 'email_needed' }
  | { ok: false; reason: 'not_found' };

const digest = (s: string) => createHash('sha256').update(s.trim().toLowerCase()).digest();

export function sameEmail(a: string, b: string): boolean {
  return timingSafeEqual(digest(a), digest(b));
}

export async function verifyOrderAccess(input: OrderAccessInput): Promise<OrderAccess> {
  const { limiter, senderId } = input;
  if (await limiter.isBlocked(senderId)) return { ok: false, reason: 'throttled' };

  const token = await input.identity.checkToken(input.metadata);
  const email = typeof input.email === 'string' ? input.email.trim() : '';
  if (token.kind === 'none' && !email) return { ok: false, reason: 'email_needed' };
  const orderKey = `order:${input.orderId}`;
  if (token.kind === 'none' && (await input.orderLimiter?.isBlocked(orderKey))) return { ok: false, reason: 'throttled' };

  const order = await input.orders.findById(input.orderId);
  let access: OrderAccess = { ok: false, reason: 'not_found' };
  if (order && token.kind === 'valid' && order.customerId === token.customerId) {
    access = { ok: true, order, customerId: token.customerId, verifiedBy: 'token' };
  } else if (order && token.kind === 'none' && sameEmail(order.email, email)) {
    access = { ok: true, order, customerId: order.customerId, verifiedBy: 'order_email' };
  }
  // An invalid token never falls back to the email: a channel that sends tokens vouches for its users.
  if (!access.ok) {
    await limiter.recordFailure(senderId);
    if (token.kind === 'none') await input.orderLimiter?.recordFailure(orderKey);
  }
  return access;
}
