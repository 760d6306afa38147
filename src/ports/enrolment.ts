/**
 * Marketing automation: enrolling a contact in the workflow the company configured (HubSpot's
 * HUBSPOT_WORKFLOW_ID). `EnrolmentSystem` is what a connector implements, `Enrolment` what an
 * action is given (it goes through durable delivery, like every side effect).
 */
import type { Handed } from './durable';

export interface EnrolmentSystem {
  readonly provider: string;
  /** Enrols the CRM contact with this email; the contact must exist (a 404 otherwise). */
  enrollContact(email: string, opts?: { signal?: AbortSignal }): Promise<{ enrolled: true }>;
}

export interface Enrolment {
  readonly provider: string;
  /**
   * Enrols the contact with this email once per `requestKey`. Meant to follow `Crm.saveLead` for
   * the same email: while that lead is still on its way, the enrolment waits for it.
   */
  enrollContact(email: string, requestKey: string): Promise<Handed<{ enrolled: true }>>;
}
