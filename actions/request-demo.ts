/**
 * action_request_demo: tells the company's workflow (Zapier, Make, n8n...) that someone wants a
 * demo, by a signed webhook to WORKFLOW_WEBHOOK_URL (delivered durably, so the request is not
 * lost when the workflow platform is down). The event is `demo.requested`.
 */
import { defineAction } from '../src/sdk';
import { conversationExcerpt, requestReference } from './shared/conversation';
import { leadSlots } from './shared/lead-slots';
import { explainFailure } from './shared/replies';

const NAME = 'action_request_demo';

export const requestDemo = defineAction({
  name: NAME,
  description: 'Asks the sales team for a product demo for this person (name, email, optionally company and interest), through the company\'s workflow.',
  slots: leadSlots,
  async run({ slots, services, dispatcher, tracker }) {
    const workflow = services.workflow;
    if (!workflow) {
      dispatcher.utterMessage({ text: "Sorry, I can't book demos right now: no workflow is connected to this assistant." });
      return [];
    }
    const first = slots.lead_name.split(/\s+/)[0];
    const data = {
      name: slots.lead_name,
      email: slots.lead_email,
      company: slots.lead_company ?? null,
      interest: slots.lead_interest ?? null,
      conversation_id: tracker.senderId,
      conversation: conversationExcerpt(tracker),
    };
    let outcome;
    try {
      outcome = await workflow.notify('demo.requested', data, `${NAME}:${requestReference(tracker, NAME, { name: data.name, email: data.email, company: data.company, interest: data.interest })}`);
    } catch (err) {
      dispatcher.utterMessage({ text: explainFailure(err, 'our scheduling system', 'book your demo') });
      return [];
    }
    const when = outcome.state === 'done' ? '' : ' shortly';
    dispatcher.utterMessage({
      text: `Thanks, ${first}! Your demo request is with our team${when} (reference ${outcome.reference}); we'll email ${slots.lead_email} to find a time.`,
      demo_reference: outcome.reference,
    });
    return [];
  },
});
