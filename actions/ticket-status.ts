/**
 * action_ticket_status: tells the user the status of the ticket in the `ticket_key` slot, which
 * may also hold the reference of a ticket request still queued in the outbox (REF-...). Only the
 * conversation or customer that filed the ticket, or a support agent, hears about it; anyone else
 * is told what they would be told about a key that does not exist.
 */
import { z } from 'zod';
import { explainFailure, systemName } from './shared/replies';
import { ticketAsker } from './shared/ticket-asker';
import { ticketKeyOrReference } from './shared/ticket-keys';
import { parseRequestReference, type HandedStatus } from '../src/ports/durable';
import type { CreatedTicket } from '../src/ports/ticketing';
import { AppError, defineAction, SlotSet } from '../src/sdk';

export const ticketStatus = defineAction({
  name: 'action_ticket_status',
  description: 'Tells the status of a ticket by its key (or the REF-... reference of one still being filed). Only for whoever filed it (same conversation or identity token) or a support agent.',
  tools: { identity: 'optional' },
  slots: z.object({ ticket_key: ticketKeyOrReference }),
  async run(ctx) {
    const { slots, services, dispatcher } = ctx;
    const ticketing = services.ticketing;
    if (!ticketing) {
      dispatcher.utterMessage({ text: "Sorry, I can't look tickets up right now: no ticketing system is connected to this assistant." });
      return [];
    }
    const asker = await ticketAsker(ctx);
    let prefix = '';
    let key = slots.ticket_key;
    const reference = parseRequestReference(key);
    if (reference) {
      const request = await ticketing.requestStatus(reference, asker);
      const said = describeQueued(reference, request, systemName(ticketing.provider, 'our ticket system'));
      if (request?.state !== 'done' || !request.value) {
        dispatcher.utterMessage({ text: said ?? '', ticket_reference: reference, ticket_status: request?.state ?? 'unknown' });
        return [];
      }
      key = request.value.key;
      prefix = `Your request ${reference} was filed as ${key}. `;
    }
    try {
      const t = await ticketing.getStatus(key, asker);
      const about = t.summary ? ` ("${t.summary}")` : '';
      dispatcher.utterMessage({ text: `${prefix}Ticket ${t.key}${about} is currently: ${t.status}.`, ticket_key: t.key, ticket_status: t.status });
      if (reference) return [SlotSet('ticket_key', t.key)];
    } catch (err) {
      if (err instanceof AppError && err.kind === 'not_found') {
        dispatcher.utterMessage({ text: `I couldn't find a ticket ${key}. Could you check the key?` });
      } else {
        dispatcher.utterMessage({ text: explainFailure(err, systemName(ticketing.provider, 'our ticket system'), `look up ticket ${key}`) });
      }
    }
    return [];
  },
});

/** What to say about a ticket request that has no ticket yet; null once it has one. */
function describeQueued(reference: string, request: HandedStatus<CreatedTicket> | null, system: string): string | null {
  if (!request) return `I couldn't find a ticket request ${reference}. Could you check the reference?`;
  switch (request.state) {
    case 'done':
      return request.value ? null : `Your request ${reference} has been filed.`;
    case 'failed':
      return `Sorry, your request ${reference} could not be filed in ${system}. Our team has been alerted and can retry it; please mention the reference.`;
    default:
      return `Your request ${reference} is queued: it will be filed in ${system} shortly${request.attempts > 0 ? ` (tried ${request.attempts} time${request.attempts === 1 ? '' : 's'} so far)` : ''}.`;
  }
}
