/**
 * CRMs (Salesforce, HubSpot, the local store), leads keyed by email: `CrmSystem` is what a
 * connector implements, `Crm` what an action is given (saving goes through durable delivery).
 */
import type { Handed } from './durable';

export interface LeadInput {
  /** Full name as the user gave it; adapters split it where the vendor wants first/last. */
  name: string;
  email: string;
  company?: string;
  interest?: string;
  /** Where the lead came from, e.g. "Chatbot". */
  source?: string;
}

export interface CrmPerson {
  id: string;
  email: string;
  name?: string;
  company?: string;
}

export interface UpsertResult {
  id: string;
  /** False when a record with this email already existed and was updated. */
  created: boolean;
}

export interface ActivityInput {
  subject: string;
  /** Plain text; the conversation excerpt goes here. */
  body: string;
  at?: Date;
}

export interface CrmSystem {
  /** Which system this is ("local", "salesforce", "hubspot"), for messages and logs. */
  readonly provider: string;
  findByEmail(email: string): Promise<CrmPerson | null>;
  /** Creates the lead, or updates the one with the same email: never a duplicate. */
  upsertLead(lead: LeadInput): Promise<UpsertResult>;
  /** Records an activity (Task, note) linked to the lead or contact. */
  logActivity(personId: string, activity: ActivityInput): Promise<{ id: string }>;
}

export interface Crm {
  readonly provider: string;
  /**
   * Creates or updates the lead (once per `requestKey`) and notes the activity on it; the note is
   * a nicety whose failure never fails the save.
   */
  saveLead(lead: LeadInput, activity: ActivityInput | undefined, requestKey: string): Promise<Handed<UpsertResult>>;
}
