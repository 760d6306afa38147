/**
 * Issue trackers (Jira, the local store): `TicketingSystem` is what a connector implements,
 * `Ticketing` what an action is given (filing goes through durable delivery).
 */
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
}

export interface CreatedTicket {
  key: string;
  url?: string;
}

export interface TicketStatus {
  key: string;
  status: string;
  summary?: string;
  url?: string;
}

export interface TicketingSystem {
  readonly provider: string;
  createTicket(input: TicketInput): Promise<CreatedTicket>;
  /**
   * The ticket an earlier create with this `reference` made, if any: how a retried delivery finds
   * what a timed-out attempt may have created instead of filing it twice.
   */
  findByReference?(reference: string): Promise<CreatedTicket | null>;
  /** Throws a not_found AppError when there is no such ticket. */
  getStatus(key: string): Promise<TicketStatus>;
  addComment(key: string, text: string): Promise<{ id: string }>;
}

export interface Ticketing {
  readonly provider: string;
  /**
   * Files the ticket once per `requestKey`: a re-sent call gets the first call's outcome, and a
   * retried delivery finds a ticket an earlier attempt made by `input.reference`.
   */
  fileTicket(input: TicketInput & { reference: string }, requestKey: string): Promise<Handed<CreatedTicket>>;
  /** Throws a not_found AppError when there is no such ticket. */
  getStatus(key: string): Promise<TicketStatus>;
  /** A ticket request handed over earlier, by its reference; null when there is no such ticket request. */
  requestStatus(reference: string): Promise<HandedStatus<CreatedTicket> | null>;
}
