/** Adds the enterprise ports to what every action receives as `services`. */
import type { Crm } from './crm';
import type { KnowledgeBase } from './knowledge-base';
import type { Ticketing } from './ticketing';

declare module '../sdk/action' {
  interface ActionServices {
    crm?: Crm;
    ticketing?: Ticketing;
    knowledgeBase?: KnowledgeBase;
  }
}

export type { Crm, KnowledgeBase, Ticketing };
