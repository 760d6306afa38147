/**
 * What every action receives as `services`: the ports, built by the composition root
 * (src/main/services.ts). Each is optional, so tests and tools that need none of them can pass
 * `{}`; an action that needs one asks for it with `requireService`, which fails clearly when the
 * server was started without it. An embedder adds its own services by declaration merging on
 * this interface.
 */
import type { Crm } from '../ports/crm';
import type { Enrolment } from '../ports/enrolment';
import type { AttemptBudget, IdentityVerifier } from '../ports/identity';
import type { KnowledgeBase } from '../ports/knowledge-base';
import type { Mailer } from '../ports/mailer';
import type { OneTimeCodes } from '../ports/one-time-codes';
import type { Orders } from '../ports/orders';
import type { Ticketing } from '../ports/ticketing';
import type { Workflow } from '../ports/workflow';
import type { Rpa } from '../ports/rpa';

export interface ActionServices {
  orders?: Orders;
  identity?: IdentityVerifier;
  /** The limits on failed identity verifications (per conversation, email, order, overall). */
  verificationBudget?: AttemptBudget;
  crm?: Crm;
  ticketing?: Ticketing;
  knowledgeBase?: KnowledgeBase;
  /** Present only when a workflow webhook is configured. */
  workflow?: Workflow;
  /** Present only when the CRM can enrol contacts in a configured workflow (HUBSPOT_WORKFLOW_ID). */
  enrolment?: Enrolment;
  /** Present only when a mail server (SMTP_URL) is configured. */
  mailer?: Mailer;
  /** One-time codes that approve a change someone proved only by knowing an email. */
  oneTimeCodes?: OneTimeCodes;
  /** A robot in legacy systems; present only when RPA_PROVIDER is set. */
  rpa?: Rpa;
}

export class ServiceMissing extends Error {
  constructor(readonly service: string) {
    super(`The '${service}' service is not configured: build services with createServices (src/main/services.ts).`);
    this.name = 'ServiceMissing';
  }
}

export function requireService<T>(value: T | undefined, name: string): T {
  if (value === undefined) throw new ServiceMissing(name);
  return value;
}
