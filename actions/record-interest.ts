/**
 * action_record_interest: notes what a signed-in user asked for (the `product_interest` and
 * `preferred_contact_time` slots) on their own contact or lead in the CRM, through delivery so it
 * is not lost while the CRM is down. Whose record it is comes from the identity token's email,
 * never from a typed one: anybody can type anybody's address.
 */
import { z } from 'zod';
import { defineAction } from '../src/sdk';
import { requestReference } from './shared/conversation';
import { explainFailure, systemName } from './shared/replies';
import { verifiedEmail } from './shared/sales-identity';

const NAME = 'action_record_interest';

export const recordInterest = defineAction({
  name: NAME,
  description: 'Notes what a signed-in user is interested in and when to contact them, on their own contact or lead in the CRM (found by their identity token\'s email).',
  tools: { identity: 'required' },
  slots: z.object({
    product_interest: z.string().trim().min(1).max(1000).describe('what you are interested in').optional(),
    preferred_contact_time: z.string().trim().min(1).max(255).describe('when you would like to be contacted').optional(),
  }),
  async run(ctx) {
    const { slots, services, dispatcher, tracker } = ctx;
    const properties = {
      ...(slots.product_interest ? { productInterest: slots.product_interest } : {}),
      ...(slots.preferred_contact_time ? { preferredContactTime: slots.preferred_contact_time } : {}),
    };
    if (!properties.productInterest && !properties.preferredContactTime) {
      dispatcher.utterMessage({ text: 'What would you like me to note: a product you are interested in, or when you would like us to contact you?' });
      return [];
    }
    const email = await verifiedEmail(ctx);
    if (!email) {
      dispatcher.utterMessage({ text: "I can only note that on your record once you're signed in. You can also leave your details with me as a new enquiry." });
      return [];
    }
    const crm = services.crm;
    if (!crm?.recordContactProperties) {
      dispatcher.utterMessage({ text: "Sorry, I can't note that right now: the CRM connected to this assistant doesn't keep such details." });
      return [];
    }
    const system = systemName(crm.provider, 'our CRM');
    let outcome;
    try {
      outcome = await crm.recordContactProperties(email, properties, `${NAME}:${requestReference(tracker, NAME, { email, properties })}`);
    } catch (err) {
      dispatcher.utterMessage({ text: explainFailure(err, system, 'note that on your record') });
      return [];
    }
    const what = [properties.productInterest && `your interest in ${properties.productInterest}`, properties.preferredContactTime && `that you prefer to be contacted ${properties.preferredContactTime}`]
      .filter(Boolean)
      .join(' and ');
    if (outcome.state === 'queued') {
      dispatcher.utterMessage({ text: `Thanks! I'll note ${what} on your record shortly (reference ${outcome.reference}); ${system} is slow to answer right now.` });
    } else if (!outcome.value.found) {
      dispatcher.utterMessage({ text: `I couldn't find a record for you in ${system} yet, so nothing was noted. Would you like to leave your details as a new enquiry?` });
    } else {
      dispatcher.utterMessage({ text: `Thanks! I've noted ${what} on your record.` });
    }
    return [];
  },
});
