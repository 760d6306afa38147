/**
 * The demo customers and orders a fresh install starts with, so a new user can try the order
 * actions at once (docs/orders.md lists them). Delivery dates are relative to the day of seeding.
 */
import type { Address, OrderItem, OrderStatus } from '../../ports/orders';

export interface DemoCustomer {
  id: string;
  name: string;
  email: string;
}

export interface DemoOrder {
  id: string;
  customerId: string;
  email: string;
  status: OrderStatus;
  items: OrderItem[];
  currency: string;
  carrier: string | null;
  trackingNumber: string | null;
  /** Days from the seeding day; null = no estimate. */
  deliveryInDays: number | null;
  shippingAddress: Address;
}

export const DEMO_CUSTOMERS: DemoCustomer[] = [
  { id: 'C-1001', name: 'Ada Lovelace', email: 'ada@example.com' },
  { id: 'C-1002', name: 'Grace Hopper', email: 'grace@example.com' },
  { id: 'C-1003', name: 'Alan Turing', email: 'alan@example.org' },
];

const ada: Address = { line1: '12 Analytical Row', city: 'London', postalCode: 'NW1 6XE', country: 'GB' };
const grace: Address = { line1: '8 Compiler Lane', city: 'Arlington', postalCode: '22201', country: 'US' };
const alan: Address = { line1: '3 Enigma Street', city: 'Manchester', postalCode: 'M13 9PL', country: 'GB' };

export const DEMO_ORDERS: DemoOrder[] = [
  {
    id: 'ORD-48213',
    customerId: 'C-1001',
    email: 'ada@example.com',
    status: 'processing',
    items: [
      { sku: 'KB-201', name: 'Mechanical keyboard', quantity: 1, unitPrice: 89.9 },
      { sku: 'CB-010', name: 'USB-C cable', quantity: 2, unitPrice: 9.5 },
    ],
    currency: 'GBP',
    carrier: null,
    trackingNumber: null,
    deliveryInDays: 5,
    shippingAddress: ada,
  },
  {
    id: 'ORD-61957',
    customerId: 'C-1001',
    email: 'ada@example.com',
    status: 'delivered',
    items: [{ sku: 'NB-100', name: 'Dotted notebook', quantity: 3, unitPrice: 6 }],
    currency: 'GBP',
    carrier: 'Royal Mail',
    trackingNumber: 'RM123456785GB',
    deliveryInDays: -4,
    shippingAddress: ada,
  },
  {
    id: 'ORD-27364',
    customerId: 'C-1002',
    email: 'grace@example.com',
    status: 'shipped',
    items: [{ sku: 'MN-270', name: '27-inch monitor', quantity: 1, unitPrice: 249 }],
    currency: 'USD',
    carrier: 'UPS',
    trackingNumber: '1Z999AA10123456784',
    deliveryInDays: 2,
    shippingAddress: grace,
  },
  {
    id: 'ORD-83520',
    customerId: 'C-1002',
    email: 'grace@example.com',
    status: 'pending',
    items: [{ sku: 'MS-050', name: 'Wireless mouse', quantity: 1, unitPrice: 24.99 }],
    currency: 'USD',
    carrier: null,
    trackingNumber: null,
    deliveryInDays: 7,
    shippingAddress: grace,
  },
  {
    id: 'ORD-35892',
    customerId: 'C-1003',
    email: 'alan@example.org',
    status: 'out_for_delivery',
    items: [{ sku: 'HP-300', name: 'Noise-cancelling headphones', quantity: 1, unitPrice: 179 }],
    currency: 'GBP',
    carrier: 'DPD',
    trackingNumber: '15501234567890',
    deliveryInDays: 0,
    shippingAddress: alan,
  },
  {
    id: 'ORD-90746',
    customerId: 'C-1003',
    email: 'alan@example.org',
    status: 'cancelled',
    items: [{ sku: 'CH-900', name: 'Desk chair', quantity: 1, unitPrice: 310 }],
    currency: 'GBP',
    carrier: null,
    trackingNumber: null,
    deliveryInDays: null,
    shippingAddress: alan,
  },
];

export const orderTotal = (items: OrderItem[]): number => Math.round(items.reduce((sum, i) => sum + i.quantity * i.unitPrice * 100, 0)) / 100;
