/**
 * action_request_demo: tells the company's workflow (Zapier, Make, n8n...) that someone wants a
 * demo, by a signed webhook to WORKFLOW_WEBHOOK_URL sent through the outbox, so the request is
 * not lost when the workflow platform is down. The event is `demo.requested`.
 */
import { leadSlots } from './shared/lead-slots';
import { conversationExcerpt, requestReference } from './shared/conversation';
import { JOB_TYPES } from '../src/delivery/handlers';
import '../src/delivery/action-services';
import { explainFailure } from './shared/replies';
import { defineAction } from '../src/sdk';

const NAME = 'action_request_demo';

export const requestDemo = defineAction({
  name: NAME,
  slots: leadSlots,
  async run({ slots, services, dispatcher, tracker }) {
    const delivery = services.delivery;
    if (!delivery || !delivery.supports(JOB_TYPES.workflow)) {
      dispatcher.utterMessage({ text: "Sorry, I can't book demos right now: no workflow is connected to this assistant." });
      return [];
    }
    const first = slots.lead_name.split(/\s+/)[0];
    const submitted = await delivery.submit({
      type: JOB_TYPES.workflow,
      idempotencyKey: `${NAME}:${requestReference(tracker, NAME)}`,
      payload: {
        event: 'demo.requested',
        data: {
          name: slots.lead_name,
          email: slots.lead_email,
          company: slots.lead_company ?? null,
          interest: slots.lead_interest ?? null,
          conversation_id: tracker.senderId,
          conversation: conversationExcerpt(tracker),
        },
      },
    });
    if (submitted.state === 'failed') {
      dispatcher.utterMessage({ text: explainFailure(submitted.error, 'our scheduling system', 'book your demo') });
      return [];
    }
    const when = submitted.state === 'done' ? '' : ' shortly';
    dispatcher.utterMessage({
      text: `Thanks, ${first}! Your demo request is with our team${when} (reference ${submitted.reference}); we'll email ${slots.lead_email} to find a time.`,
      demo_reference: submitted.reference,
    });
    return [];
  },
});
