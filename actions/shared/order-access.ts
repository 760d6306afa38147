/**
 * Decides whether the person in a conversation may see an order: by the identity token on the
 * latest message when there is one, otherwise by knowing the email the order was placed with.
 * The conversation id alone never proves anything: anyone can choose it.
 *
 * "No such order" and "not yours" are one outcome, so the answer cannot be used to find out which
 * order ids exist. Every attempt is reserved against the limits (AttemptBudget) BEFORE the order
 * is looked up and given back only when it succeeds: a burst of concurrent guesses gets no more
 * evaluations than the limits allow. Email guesses also count against the email, the order and a
 * global budget, none of which a guesser can rotate; those apply to email verification only, so
 * they cannot lock out an owner who signs in with a token.
 */
import { createHash, timingSafeEqual } from 'node:crypto';
import type { AttemptBudget, IdentityVerifier } from '../../src/ports/identity';
import type { Order, Orders, VerificationMethod } from '../../src/ports/orders';

export interface OrderAccessInput {
  orders: Orders;
  identity: IdentityVerifier;
  /** The limits on failed verifications. */
  budget: AttemptBudget;
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
  const token = await input.identity.checkToken(input.metadata);
  const email = typeof input.email === 'string' ? input.email.trim() : '';
  if (token.kind === 'none' && !email) return { ok: false, reason: 'email_needed' };

  const byEmail = token.kind === 'none';
  const reservation = await input.budget.reserve(byEmail ? { senderId: input.senderId, email, orderId: input.orderId } : { senderId: input.senderId });
  if (!reservation.granted) return { ok: false, reason: 'throttled' };

  // An order system that is down is not a failed guess.
  const order = await input.orders.findById(input.orderId).catch(async (err: unknown) => {
    await reservation.release();
    throw err;
  });
  let access: OrderAccess = { ok: false, reason: 'not_found' };
  if (order && token.kind === 'valid' && order.customerId === token.customerId) {
    access = { ok: true, order, customerId: token.customerId, verifiedBy: 'token' };
  } else if (order && byEmail && sameEmail(order.email, email)) {
    access = { ok: true, order, customerId: order.customerId, verifiedBy: 'order_email' };
  }
  // An invalid token never falls back to the email: a channel that sends tokens vouches for its users.
  if (access.ok) await reservation.release();
  return access;
}
