/**
 * action_leave_status: what became of a leave request handed to the robot, by its reference (the
 * `leave_reference` slot, REF-...): still being filed, filed with the portal's confirmation
 * number, or given up on. Only whoever asked for it (this conversation, or the same customer's
 * identity token) or an agent hears about it; to anyone else the reference does not exist.
 */
import { z } from 'zod';
import { parseRequestReference } from '../src/ports/durable';
import { defineAction, SlotSet } from '../src/sdk';
import { ticketAsker } from './shared/ticket-asker';

export const leaveStatus = defineAction({
  name: 'action_leave_status',
  description: 'Tells what became of a leave request by its REF-... reference: still being filed, or its confirmation number from the HR portal.',
  tools: { identity: 'optional' },
  slots: z.object({ leave_reference: z.string().describe('the REF-... reference given when the request was made') }),
  async run(ctx) {
    const { slots, services, dispatcher } = ctx;
    const rpa = services.rpa;
    if (!rpa) {
      dispatcher.utterMessage({ text: "Sorry, I can't look leave requests up right now: no robot for the HR portal is configured." });
      return [];
    }
    const reference = parseRequestReference(slots.leave_reference);
    if (!reference) {
      dispatcher.utterMessage({ text: 'Leave request references look like REF-0A1B2C3D4E. Which one is it?' });
      return [SlotSet('leave_reference', null)];
    }
    const status = await rpa.requestStatus(reference, await ticketAsker(ctx));
    if (!status) {
      dispatcher.utterMessage({ text: `I couldn't find a leave request ${reference}. Could you check the reference?`, leave_status: 'unknown' });
      return [];
    }
    if (status.state === 'done') {
      const confirmation = status.value?.confirmation;
      dispatcher.utterMessage({
        text: confirmation ? `Your leave request ${reference} is filed in the HR portal: confirmation number ${confirmation}.` : `Your leave request ${reference} is filed in the HR portal.`,
        leave_status: 'done',
        ...(confirmation ? { leave_confirmation: confirmation } : {}),
      });
      return confirmation ? [SlotSet('leave_confirmation', confirmation)] : [];
    }
    if (status.state === 'failed') {
      dispatcher.utterMessage({ text: `I'm sorry: the robot could not file leave request ${reference} in the HR portal, and our team has been alerted. Please file it in the portal yourself, or ask HR.`, leave_status: 'failed' });
      return [];
    }
    dispatcher.utterMessage({ text: `Leave request ${reference} is still being filed in the HR portal (the portal is slow). I'll tell you when it's done.`, leave_status: 'queued' });
    return [];
  },
});
