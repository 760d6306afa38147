/** The sentences the order actions answer with. */
import type { Address, Order, OrderStatus } from '../../src/ports/orders';

const STATUS_PHRASE: Record<OrderStatus, string> = {
  pending: 'has been received and is waiting to be prepared',
  processing: 'is being prepared for shipping',
  shipped: 'has shipped',
  out_for_delivery: 'is out for delivery today',
  delivered: 'has been delivered',
  cancelled: 'was cancelled',
};

const money = (amount: number, currency: string) => `${amount.toFixed(2)} ${currency}`;

export function formatAddress(a: Address): string {
  return `${a.line1}, ${a.postalCode} ${a.city}, ${a.country}`;
}

export function describeOrder(order: Order): string {
  const parts = [`Order ${order.id} ${STATUS_PHRASE[order.status]}.`];
  if (order.items.length > 0) parts.push(`Items: ${order.items.map((i) => `${i.quantity} × ${i.name}`).join(', ')}.`);
  parts.push(`Total: ${money(order.total, order.currency)}.`);
  if (order.carrier) parts.push(order.trackingNumber ? `Carrier: ${order.carrier}, tracking number ${order.trackingNumber}.` : `Carrier: ${order.carrier}.`);
  if (order.estimatedDelivery && order.status !== 'cancelled') {
    parts.push(order.status === 'delivered' ? `Delivered on ${order.estimatedDelivery}.` : `Estimated delivery: ${order.estimatedDelivery}.`);
  }
  if (order.status !== 'cancelled' && order.status !== 'delivered') parts.push(`Delivery address: ${formatAddress(order.shippingAddress)}.`);
  return parts.join(' ');
}

/**
 * The one answer for "no such order" and "not yours": it depends on what the user typed only,
 * never on what exists, so it cannot be used to discover order numbers.
 */
export function orderNotFound(orderId: string): string {
  return `I couldn't find an order ${orderId} for you. Please check the order number and the email address you used for it.`;
}

export const THROTTLED =
  "There have been too many unsuccessful attempts to look up orders in this conversation. For your security, please wait a few minutes before trying again.";

export const ASK_EMAIL = 'To make sure the order is yours, what is the email address you used for it?';

export function addressNotChangeable(orderId: string, status: OrderStatus): string {
  switch (status) {
    case 'delivered':
      return `Order ${orderId} has already been delivered, so its delivery address can't be changed.`;
    case 'cancelled':
      return `Order ${orderId} was cancelled, so there is no delivery address to change.`;
    default:
      return `Sorry, order ${orderId} has already left our warehouse (${status.replace(/_/g, ' ')}), so its delivery address can no longer be changed. The carrier may be able to redirect it.`;
  }
}

export function addressChanged(order: Order): string {
  return `Done: order ${order.id} will now be delivered to ${formatAddress(order.shippingAddress)}.`;
}
