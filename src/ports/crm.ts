/**
 * CRMs (Salesforce, HubSpot, the local store), leads keyed by email: `CrmSystem` is what a
 * connector implements, `Crm` what an action is given (saving goes through durable delivery).
 *
 * Whoever types an email into a chat has proved nothing about it: a record that already has that
 * email is never changed from a chat, and nothing about it is told back. What was typed reaches
 * the team as an activity on that record instead.
 */
import type { Handed } from './durable';
import type { ReplyTo } from './ticketing';

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
  /** The request that created the record, where the CRM keeps it (Salesforce's external id). */
  reference?: string;
}

export interface CreatedLead {
  id: string;
  /** True when the CRM already had a record with this email (left as it was; none was added). */
  existed: boolean;
}

export interface CreateLeadOptions {
  /**
   * The request's unique reference. Where the CRM can key a create on it (Salesforce: an upsert
   * on an external-id field), sending the same create again can never make a second record.
   */
  reference?: string;
  /** Aborted when the request's holder lost it: no call may start after that. */
  signal?: AbortSignal;
}

/** What an action learns of a saved lead: that it is saved. */
export interface SavedLead {
  /**
   * The CRM's id of the record the details went to. Never for the user's eyes: an existing
   * record's id would tell them the email was known.
   */
  id: string;
}

export interface ActivityInput {
  subject: string;
  /** Plain text; the conversation excerpt goes here. */
  body: string;
  at?: Date;
}

export interface CrmSystem extends CrmSalesSystem {
  /** Which system this is ("local", "salesforce", "hubspot"), for messages and logs. */
  readonly provider: string;
  /**
   * The record with this email, read so that a record created a moment ago is seen (each
   * connector reads where its CRM is read-after-write consistent, not from a lagging index).
   */
  findByEmail(email: string): Promise<CrmPerson | null>;
  /**
   * Creates the lead. A record with this email that appeared since it was looked up is returned
   * unchanged (`existed: true`), never updated and never duplicated.
   */
  createLead(lead: LeadInput, opts?: CreateLeadOptions): Promise<CreatedLead>;
  /** Records an activity (Task, note) linked to the lead or contact. */
  logActivity(personId: string, activity: ActivityInput): Promise<{ id: string }>;
}

export interface Crm extends CrmSales {
  readonly provider: string;
  /**
   * Saves the lead once per `requestKey`: a new lead with the activity noted on it (a nicety whose
   * failure never fails the save), or, when the email is known already, a note on that record
   * with the details given and the activity, leaving its fields alone. The outcome is the same
   * either way, so an action cannot tell the user which it was.
   */
  saveLead(lead: LeadInput, activity: ActivityInput | undefined, requestKey: string, opts?: ReplyTo): Promise<Handed<SavedLead>>;
}

/**
 * Whose pipeline is asked for: a sales user, by the email their identity token carries (the CRM
 * matches it to its owner: Salesforce's User.Email, HubSpot's owners). Never an email typed into
 * the chat: only `pipelineOwnerOf` makes one, from a valid token with the sales role.
 */
export interface PipelineOwner {
  readonly email: string;
}

/** Who may see a pipeline: a token holder with the sales role and an email claim; nobody else. */
export function pipelineOwnerOf(token: { kind: string; roles?: readonly string[]; email?: string }): PipelineOwner | null {
  if (token.kind !== 'valid' || !token.roles?.includes('sales') || !token.email) return null;
  return { email: token.email };
}

/** The open deals of one stage. */
export interface PipelineStage {
  /** The stage's name as the CRM shows it ("Negotiation/Review", "Contract sent"). */
  stage: string;
  count: number;
  /** The sum of the deals' amounts; deals without an amount add nothing. */
  amount: number;
  /** The earliest expected close date among them (YYYY-MM-DD), when any has one. */
  nextCloseDate?: string;
}

export interface PipelineSummary {
  /** False when the CRM has no user with the owner's email (then there are no stages). */
  ownerFound: boolean;
  /** Open deals by stage, the stage closing soonest first. */
  stages: PipelineStage[];
  /** ISO 4217 code, where the CRM keeps all of the owner's amounts in one currency. */
  currency?: string;
  /** True when the CRM would not list every deal (HubSpot's search stops at 10,000). */
  partial?: boolean;
}

/**
 * What a user asked for, kept on their own contact or lead (the connectors map each to a field:
 * HubSpot contact properties, Salesforce Lead fields).
 */
export interface ContactProperties {
  productInterest?: string;
  preferredContactTime?: string;
}

/** The optional reads and writes a sales team's CRM offers beyond leads; the local CRM has all of them. */
export interface CrmSalesSystem {
  /** Open opportunities/deals of the owner, by stage. */
  pipeline?(owner: PipelineOwner): Promise<PipelineSummary>;
  /**
   * Sets the properties on the contact or lead with this email: the same values written twice
   * leave it as once. Null when the CRM has no record with the email (nothing is created).
   */
  updateContactProperties?(email: string, properties: ContactProperties, opts?: { signal?: AbortSignal }): Promise<{ id: string } | null>;
}

/** What an action is given for those: the pipeline is read at once, properties go through delivery. */
export interface CrmSales {
  pipeline?(owner: PipelineOwner): Promise<PipelineSummary>;
  /**
   * Records the properties on the contact of `email`, which must be the identified user's own (a
   * token's email: a typed one proves nothing). Done with `found: false` when there is none.
   */
  recordContactProperties?(email: string, properties: ContactProperties, requestKey: string): Promise<Handed<{ found: boolean }>>;
}
