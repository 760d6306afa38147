/**
 * action_document_solution: writes a solved problem and its solution to the knowledge base,
 * referenced by its ticket key, and notes the article on the ticket. Documenting the same ticket
 * twice does not create a second article. Support agents only (an identity token with the agent
 * role): the first article for a ticket is the one kept, so a customer's would block the real one.
 * Resolved Jira issues reach the knowledge base through the signed Jira webhook instead.
 */
import { z } from 'zod';
import { requestReference } from './shared/conversation';
import { explainFailure, systemName } from './shared/replies';
import { AppError, defineAction, SlotSet } from '../src/sdk';
import { ticketAsker } from './shared/ticket-asker';
import { ticketKey } from './shared/ticket-keys';

const NAME = 'action_document_solution';
const NOT_AN_AGENT = 'Only our support agents can write solutions to the knowledge base. If you are one, please sign in first; if a problem of yours was solved, our team documents it for you.';

export const documentSolution = defineAction({
  name: NAME,
  description: 'Writes how a ticket\'s problem was solved to the knowledge base and notes the article on the ticket. Support agents only (an identity token with the agent role).',
  tools: { identity: 'required' },
  slots: z.object({
    ticket_key: ticketKey,
    solution_text: z.string().trim().min(1).describe('how the problem was solved'),
    ticket_summary: z.string().trim().min(1).optional(),
    ticket_description: z.string().trim().min(1).optional(),
  }),
  async run(ctx) {
    const { slots, services, dispatcher, tracker } = ctx;
    const kb = services.knowledgeBase;
    if (!kb) {
      dispatcher.utterMessage({ text: "Sorry, I can't document solutions right now: no knowledge base is connected to this assistant." });
      return [];
    }
    const asker = await ticketAsker(ctx);
    if (!asker.agent) {
      // Refused before the ticket is looked up, so the answer says nothing about the key.
      dispatcher.utterMessage({ text: NOT_AN_AGENT });
      return [SlotSet('solution_text', null)];
    }
    const kbName = systemName(kb.provider, 'our knowledge base');
    const key = slots.ticket_key;
    let summary = slots.ticket_summary;
    if (!summary && services.ticketing) {
      // The ticket's own summary is the best title; without it the key will do.
      summary = await services.ticketing.getStatus(key, asker).then(
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
