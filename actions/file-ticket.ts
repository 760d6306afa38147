/**
 * action_file_ticket: files the problem from the ticket form in the ticketing system, with the
 * conversation quoted and the severity triaged from the text when the user gave none, and
 * replies with the ticket key (also kept in the `ticket_key` slot for follow-ups). When the
 * ticket system cannot file it at once, the user gets a reference (kept in `ticket_key` too) and
 * the ticket is filed shortly. The ticket records who filed it (this conversation, and the
 * customer when an identity token says who they are), so only they can ask about it later.
 */
import { z } from 'zod';
import { defineAction, SlotSet } from '../src/sdk';
import { conversationExcerpt, requestReference } from './shared/conversation';
import { explainFailure, systemName } from './shared/replies';
import { ticketAsker } from './shared/ticket-asker';
import { parseSeverity, triageSeverity } from './shared/triage';

const NAME = 'action_file_ticket';

export const fileTicket = defineAction({
  name: NAME,
  description: 'Files a support ticket (summary, description, optional severity; severity is triaged from the text when absent) and answers its key, or a reference while the ticket system is slow.',
  tools: { identity: 'optional' },
  slots: z.object({
    ticket_summary: z.string().trim().min(1).max(250).describe('a short summary of the problem'),
    ticket_description: z.string().trim().min(1).describe('a description of the problem'),
    ticket_severity: z.string().optional(),
  }),
  async run(ctx) {
    const { slots, services, dispatcher, tracker } = ctx;
    const ticketing = services.ticketing;
    if (!ticketing) {
      dispatcher.utterMessage({ text: "Sorry, I can't file tickets right now: no ticketing system is connected to this assistant." });
      return [];
    }
    const given = parseSeverity(slots.ticket_severity);
    const severity = given ?? triageSeverity(slots.ticket_summary, slots.ticket_description);
    const { conversation, customer } = await ticketAsker(ctx);
    const reference = requestReference(tracker, NAME, { summary: slots.ticket_summary, description: slots.ticket_description, severity });
    const input = {
      summary: slots.ticket_summary.replace(/\s+/g, ' '),
      description: slots.ticket_description,
      severity,
      conversationExcerpt: conversationExcerpt(tracker),
      labels: ['chatbot'],
      reference,
      filedBy: { conversation, ...(customer ? { customer } : {}) },
    };
    const system = systemName(ticketing.provider, 'our ticket system');
    let outcome;
    try {
      // This conversation is told when the ticket is resolved or commented on (if proactive messages are on).
      outcome = await ticketing.fileTicket(input, `${NAME}:${reference}`, { conversationId: ctx.senderId });
    } catch (err) {
      dispatcher.utterMessage({ text: explainFailure(err, system, 'file your ticket') });
      return [];
    }
    const clearForm = [SlotSet('ticket_summary', null), SlotSet('ticket_description', null), SlotSet('ticket_severity', null)];
    if (outcome.state === 'queued') {
      // Accepted and safe; the vendor is slow or failing for now.
      dispatcher.utterMessage({
        text: `I've taken down your ticket with ${severity} priority under reference ${outcome.reference}. ${system} is slow to answer right now, so it will be filed shortly; ask me about ${outcome.reference} any time.`,
        ticket_reference: outcome.reference,
      });
      return [SlotSet('ticket_key', outcome.reference), ...clearForm];
    }
    const created = outcome.value;
    const how = given ? '' : ' (judged from your description)';
    dispatcher.utterMessage({
      text: `I've filed ticket ${created.key} with ${severity} priority${how}. You can ask me about its status any time with that key.`,
      ticket_key: created.key,
      ...(created.url ? { ticket_url: created.url } : {}),
    });
    return [SlotSet('ticket_key', created.key), ...clearForm];
  },
});
