/**
 * action_create_lead: puts the lead from the lead form into the CRM, deduplicated by email, and
 * logs the conversation as an activity on it. A known email is never updated from a chat: the
 * details go to that record as a note, and the reply is word for word the one a new email gets,
 * so nobody learns from it whether an address is in the CRM (nor anything the CRM holds).
 */
import { leadSlots } from './shared/lead-slots';
import { explainFailure, systemName } from './shared/replies';
import { conversationExcerpt, requestReference } from './shared/conversation';
import { defineAction } from '../src/sdk';

const NAME = 'action_create_lead';

export const createLead = defineAction({
  name: NAME,
  description: 'Saves a sales lead (name, email, optionally company and interest) in the CRM, deduplicated by email.',
  slots: leadSlots,
  async run({ slots, services, dispatcher, tracker, senderId }) {
    const crm = services.crm;
    if (!crm) {
      dispatcher.utterMessage({ text: "Sorry, I can't pass your details on right now: no CRM is connected to this assistant." });
      return [];
    }
    const system = systemName(crm.provider, 'our CRM');
    const first = slots.lead_name.split(/\s+/)[0];
    const lead = { name: slots.lead_name, email: slots.lead_email, company: slots.lead_company, interest: slots.lead_interest, source: 'Chatbot' };
    const activity = {
      // Whole: each CRM cuts it to its own limit without breaking a character.
      subject: `Chatbot conversation${slots.lead_interest ? `: ${slots.lead_interest}` : ''}`,
      body: conversationExcerpt(tracker) || `Lead captured by the chatbot (${slots.lead_email}).`,
    };
    const what = slots.lead_interest ? ` about ${slots.lead_interest}` : '';
    let outcome;
    try {
      const requestKey = `${NAME}:${requestReference(tracker, NAME, lead)}`;
      outcome = await crm.saveLead(lead, activity, requestKey, { conversationId: senderId });
      // Into the configured workflow too; it waits for the lead, and its failure is the team's, not the user's.
      await services.enrolment?.enrollContact(slots.lead_email, `${requestKey}:enrol`).catch(() => undefined);
    } catch (err) {
      dispatcher.utterMessage({ text: explainFailure(err, system, 'save your details') });
      return [];
    }
    if (outcome.state === 'queued') {
      dispatcher.utterMessage({
        text: `Thanks, ${first}! I've noted your details (reference ${outcome.reference}); ${system} is slow to answer right now, so they'll reach our team shortly and someone will contact you at ${slots.lead_email}${what}.`,
      });
      return [];
    }
    // Nor is the CRM's id set in a slot: an existing record's id is the CRM's data, not the user's.
    dispatcher.utterMessage({ text: `Thanks, ${first}! I've passed your details to our team; someone will contact you at ${slots.lead_email}${what}.` });
    return [];
  },
});
