/**
 * action_document_solution: writes a solved problem and its solution to the knowledge base,
 * referenced by its ticket key, and notes the article on the ticket. Documenting the same ticket
 * twice does not create a second article.
 */
import { z } from 'zod';
import { explainFailure, systemName } from '../src/enterprise/replies';
import { AppError, defineAction, SlotSet } from '../src/sdk';
import { ticketKey } from './ticket-status';
import '../src/ports/enterprise';

export const documentSolution = defineAction({
  name: 'action_document_solution',
  slots: z.object({
    ticket_key: ticketKey,
    solution_text: z.string().trim().min(1).describe('how the problem was solved'),
    ticket_summary: z.string().trim().min(1).optional(),
    ticket_description: z.string().trim().min(1).optional(),
  }),
  async run({ slots, services, dispatcher }) {
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
    try {
      const existing = await kb.findByReference(key);
      if (existing) {
        dispatcher.utterMessage({ text: `The solution for ${key} is already in ${kbName}${existing.url ? `: ${existing.url}` : ''}.` });
        return [SlotSet('solution_text', null)];
      }
      const article = await kb.createArticle({
        title: summary ? `${summary} (${key})` : `Solution for ${key}`,
        problem: [summary, slots.ticket_description].filter(Boolean).join('\n\n') || `The problem reported in ${key}.`,
        solution: slots.solution_text,
        reference: key,
        tags: ['chatbot', 'solved'],
      });
      if (services.ticketing) {
        await services.ticketing.addComment(key, `Solution documented in ${kbName}: ${article.url ?? article.title}`).catch(() => undefined);
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
