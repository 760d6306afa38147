export { StoreOrders } from './store-orders';
export { seedDemoData, isEmpty, type SeedResult } from './seed';
export { DEMO_CUSTOMERS, DEMO_ORDERS, orderTotal, type DemoCustomer, type DemoOrder } from './demo-data';
