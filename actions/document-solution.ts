/**
 * action_document_solution: writes a solved problem and its solution to the knowledge base,
 * referenced by its ticket key, and notes the article on the ticket. Documenting the same ticket
 * twice does not create a second article.
 */
import { z } from 'zod';
import { requestReference } from './shared/conversation';
import { explainFailure, systemName } from './shared/replies';
import { AppError, defineAction, SlotSet } from '../src/sdk';
import { ticketKey } from './shared/ticket-keys';

const NAME = 'action_document_solution';

export const documentSolution = defineAction({
  name: NAME,
  slots: z.object({
    ticket_key: ticketKey,
    solution_text: z.string().trim().min(1).describe('how the problem was solved'),
    ticket_summary: z.string().trim().min(1).optional(),
    ticket_description: z.string().trim().min(1).optional(),
  }),
  async run({ slots, services, dispatcher, tracker }) {
    const kb = services.knowledgeBase;
    if (!kb) {
      dispatcher.utterMessage({ text: "Sorry, I can't document solutions right now: no knowledge base is connected to this assistant." });
      return [];
    }
    const kbName = systemName(kb.provider, 'our knowledge base');
    const key = slots.ticket_key;
    let summary = slots.ticket_summary;
    if (!summary && services.ticketing) {
      // The ticket's own summary is the best title; without it the key will do.
      summary = await services.ticketing.getStatus(key).then(
        (t) => t.summary,
        () => undefined,
      );
    }
    const input = {
      title: summary ? `${summary} (${key})` : `Solution for ${key}`,
      problem: [summary, slots.ticket_description].filter(Boolean).join('\n\n') || `The problem reported in ${key}.`,
      solution: slots.solution_text,
      reference: key,
      tags: ['chatbot', 'solved'],
    };
    try {
      const outcome = await kb.documentSolution(input, { commentOnTicket: key }, `${NAME}:${requestReference(tracker, NAME, { key, solution: input.solution })}`);
      if (outcome.state === 'queued') {
        dispatcher.utterMessage({ text: `Thanks! ${kbName} is slow to answer right now; I'll write the solution for ${key} there shortly (reference ${outcome.reference}).` });
        return [SlotSet('solution_text', null)];
      }
      const article = outcome.value;
      if (article.existed) {
        dispatcher.utterMessage({ text: `The solution for ${key} is already in ${kbName}${article.url ? `: ${article.url}` : ''}.` });
        return [SlotSet('solution_text', null)];
      }
      dispatcher.utterMessage({ text: `Thanks! I've written the solution for ${key} to ${kbName}${article.url ? `: ${article.url}` : '.'}` });
      return [SlotSet('solution_text', null)];
    } catch (err) {
      if (!(err instanceof AppError)) throw err;
      dispatcher.utterMessage({ text: explainFailure(err, kbName, 'save the solution') });
      return [];
    }
  },
});
