/**
 * action_request_leave: files the leave request from the leave form in the HR portal, through
 * the company's robot (the built-in browser robot, or UiPath: RPA_PROVIDER). Robots are slow, so
 * the user gets a reference at once and is told the portal's confirmation number when the robot
 * is done (a proactive message, when Rasa's trigger is configured), or when they ask about the
 * reference (action_leave_status). Dates and type are checked again here: slots can be set
 * without the form.
 */
import { z } from 'zod';
import { defineAction, SlotSet } from '../src/sdk';
import { requestReference } from './shared/conversation';
import { explainFailure } from './shared/replies';
import { ticketAsker } from './shared/ticket-asker';
import { LEAVE_TASK, LEAVE_FILED_INTENT, leaveDatesProblem, parseLeaveDate, parseLeaveType } from './shared/leave';

const NAME = 'action_request_leave';
const PORTAL = 'the HR portal';

export const requestLeave = defineAction({
  name: NAME,
  description: 'Files a leave request (employee, type, first and last day) in the HR portal through the robot; answers a reference at once and the confirmation number once it is filed.',
  tools: { identity: 'optional' },
  slots: z.object({
    leave_employee: z.string().trim().min(2).max(100).describe("the employee's full name"),
    leave_type: z.string().describe('annual, sick, unpaid or parental'),
    leave_start: z.string().describe('the first day of leave, yyyy-mm-dd'),
    leave_end: z.string().describe('the last day of leave, yyyy-mm-dd'),
  }),
  async run(ctx) {
    const { slots, services, dispatcher, tracker } = ctx;
    const rpa = services.rpa;
    if (!rpa || !rpa.supports(LEAVE_TASK)) {
      dispatcher.utterMessage({ text: "Sorry, I can't file leave requests right now: no robot for the HR portal is configured for this assistant." });
      return [];
    }
    const type = parseLeaveType(slots.leave_type);
    const start = parseLeaveDate(slots.leave_start);
    const end = parseLeaveDate(slots.leave_end);
    const problem = !type ? `The HR portal knows annual, sick, unpaid and parental leave, not "${slots.leave_type.slice(0, 40)}".` : !start || !end ? 'I need both dates as yyyy-mm-dd.' : leaveDatesProblem(start, end);
    if (problem || !type || !start || !end) {
      dispatcher.utterMessage({ text: problem ?? 'I need both dates as yyyy-mm-dd.' });
      return [SlotSet('leave_start', null), SlotSet('leave_end', null)];
    }
    const employee = slots.leave_employee.replace(/\s+/g, ' ');
    const input = { employee, type, start, end, reason: 'Requested through the HR assistant' };
    const { conversation, customer } = await ticketAsker(ctx);
    const key = requestReference(tracker, NAME, input);
    let outcome;
    try {
      outcome = await rpa.run({ name: LEAVE_TASK, input }, `${NAME}:${key}`, {
        requestedBy: { conversation, ...(customer ? { customer } : {}) },
        conversationId: ctx.senderId,
        notifyIntent: LEAVE_FILED_INTENT,
      });
    } catch (err) {
      dispatcher.utterMessage({ text: explainFailure(err, PORTAL, 'file your leave request') });
      return [];
    }
    const clearForm = [SlotSet('leave_type', null), SlotSet('leave_start', null), SlotSet('leave_end', null)];
    const what = `${type} leave from ${start} to ${end}`;
    if (outcome.state === 'queued') {
      dispatcher.utterMessage({
        text: `I'm filing your ${what} in ${PORTAL}; your reference is ${outcome.reference}. The portal is slow, so this takes a minute or two: I'll tell you its confirmation number when it's filed, or ask me about ${outcome.reference} any time.`,
        leave_reference: outcome.reference,
      });
      return [SlotSet('leave_reference', outcome.reference), ...clearForm];
    }
    const { confirmation } = outcome.value;
    dispatcher.utterMessage({ text: `Your ${what} is filed in ${PORTAL}: confirmation number ${confirmation}.`, leave_confirmation: confirmation });
    return [SlotSet('leave_confirmation', confirmation), ...(outcome.reference ? [SlotSet('leave_reference', outcome.reference)] : []), ...clearForm];
  },
});
