/**
 * Issue trackers (Jira, the local store): `TicketingSystem` is what a connector implements,
 * `Ticketing` what an action is given (filing goes through durable delivery).
 *
 * A ticket belongs to whoever filed it: the conversation, and the customer when the filing
 * message carried a valid identity token. Only they, or a support agent, may read it; to anyone
 * else it does not exist.
 */
import { createHash } from 'node:crypto';
import type { Handed, HandedStatus } from './durable';

export const SEVERITIES = ['low', 'medium', 'high', 'critical'] as const;
export type Severity = (typeof SEVERITIES)[number];

export interface TicketInput {
  summary: string;
  description: string;
  severity: Severity;
  /** The last turns of the conversation, quoted in the ticket. */
  conversationExcerpt?: string;
  labels?: string[];
  /** A stable reference for this request, so a retried create can find the first one. */
  reference?: string;
  /** Who filed it; a ticket without one is readable by support agents only. */
  filedBy?: TicketFiler;
}

/**
 * Who filed a ticket, as kept with it: hashes (FILER_MARK), so a ticket system never holds a
 * conversation id, which is all it takes to speak in that conversation.
 */
export interface TicketFiler {
  /** The filing conversation (sender id), hashed. */
  conversation: string;
  /** The customer id of the valid identity token on the filing message, hashed. */
  customer?: string;
}

/** Who is asking about a ticket. */
export interface TicketAsker extends TicketFiler {
  /** A valid identity token with the agent role: every ticket is theirs to read. */
  agent: boolean;
}

/** How a filer mark looks: short enough for a Jira label, nothing but hex digits. */
export const FILER_MARK = /^[0-9a-f]{32}$/;

function mark(kind: string, id: string): string {
  return createHash('sha256').update(`actionbridge:ticket-filer:${kind}\u0000${id}`).digest('hex').slice(0, 32);
}

/** The filer marks of this conversation and, when a valid token said who they are, this customer. */
export function ticketFiler(senderId: string, customerId?: string): TicketFiler {
  return { conversation: mark('conversation', senderId), ...(customerId !== undefined ? { customer: mark('customer', customerId) } : {}) };
}

/** Whether the asker may read a ticket filed by `filer` (absent: nobody recorded, so agents only). */
export function mayReadTicket(asker: TicketAsker, filer: TicketFiler | undefined): boolean {
  if (asker.agent) return true;
  if (!filer) return false;
  if (filer.conversation === asker.conversation) return true;
  return filer.customer !== undefined && filer.customer === asker.customer;
}

export interface CreatedTicket {
  key: string;
  url?: string;
  /** The system's own id, when it differs from the key (Jira's numeric issue id). */
  id?: string;
}

export interface TicketStatus {
  key: string;
  status: string;
  summary?: string;
  url?: string;
  /** Who filed it, as recorded with it; absent when nothing was recorded. */
  filedBy?: TicketFiler;
}

export interface TicketingSystem {
  readonly provider: string;
  /**
   * `signal`: the caller's right to create ended (its job's lease was lost); no request may be
   * started after it aborts, retries included.
   */
  createTicket(input: TicketInput, opts?: { signal?: AbortSignal }): Promise<CreatedTicket>;
  /**
   * The ticket an earlier create with this `reference` made, if any: how a retried delivery finds
   * what a timed-out attempt may have created instead of filing it twice.
   */
  findByReference?(reference: string, opts?: { knownId?: string }): Promise<CreatedTicket | null>;
  /**
   * How long after a create `findByReference` may still miss it (its search lags behind its
   * writes), unless `knownId` names it; absent or 0: a "not there" is true at once.
   */
  readonly searchConsistencyMs?: number;
  /** Throws a not_found AppError when there is no such ticket. */
  getStatus(key: string): Promise<TicketStatus>;
  addComment(key: string, text: string): Promise<{ id: string }>;
}

/**
 * The conversation to tell when the vendor reports on what was filed (a ticket resolved, a lead
 * qualified): the sender id itself, kept by ActionBridge only, never sent to the vendor.
 */
export interface ReplyTo {
  conversationId?: string;
}

export interface Ticketing {
  readonly provider: string;
  /**
   * Files the ticket once per `requestKey`: a re-sent call gets the first call's outcome, and a
   * retried delivery finds a ticket an earlier attempt made by `input.reference`.
   */
  fileTicket(input: TicketInput & { reference: string }, requestKey: string, opts?: ReplyTo): Promise<Handed<CreatedTicket>>;
  /**
   * Throws a not_found AppError when there is no such ticket, or when `asker` may not read it:
   * the two are one answer, so a key tells a stranger nothing.
   */
  getStatus(key: string, asker: TicketAsker): Promise<TicketStatus>;
  /** A ticket request handed over earlier, by its reference; null when there is none, or it is not `asker`'s. */
  requestStatus(reference: string, asker: TicketAsker): Promise<HandedStatus<CreatedTicket> | null>;
}
