/** Adds durable delivery to what every action receives as `services`. */
import type { Delivery } from './delivery';

declare module '../sdk/action' {
  interface ActionServices {
    /** Hands over side effects that must not be lost (tickets, leads, articles, webhooks). */
    delivery?: Delivery;
  }
}

export type { Delivery };
