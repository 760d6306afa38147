/** action_ticket_status: tells the user the status of the ticket in the `ticket_key` slot. */
import { z } from 'zod';
import { explainFailure, systemName } from '../src/enterprise/replies';
import { AppError, defineAction } from '../src/sdk';
import '../src/ports/enterprise';

/** "sup-12", " SUP-12 " → "SUP-12". */
export const ticketKey = z
  .string()
  .trim()
  .toUpperCase()
  .regex(/^[A-Z][A-Z0-9_]*-\d+$/, 'a ticket key such as SUP-123')
  .describe('the ticket key (such as SUP-123)');

export const ticketStatus = defineAction({
  name: 'action_ticket_status',
  slots: z.object({ ticket_key: ticketKey }),
  async run({ slots, services, dispatcher }) {
    const ticketing = services.ticketing;
    if (!ticketing) {
      dispatcher.utterMessage({ text: "Sorry, I can't look tickets up right now: no ticketing system is connected to this assistant." });
      return [];
    }
    try {
      const t = await ticketing.getStatus(slots.ticket_key);
      const about = t.summary ? ` ("${t.summary}")` : '';
      dispatcher.utterMessage({ text: `Ticket ${t.key}${about} is currently: ${t.status}.`, ticket_key: t.key, ticket_status: t.status });
    } catch (err) {
      if (err instanceof AppError && err.kind === 'not_found') {
        dispatcher.utterMessage({ text: `I couldn't find a ticket ${slots.ticket_key}. Could you check the key?` });
      } else {
        dispatcher.utterMessage({ text: explainFailure(err, systemName(ticketing.provider, 'our ticket system'), `look up ticket ${slots.ticket_key}`) });
      }
    }
    return [];
  },
});
