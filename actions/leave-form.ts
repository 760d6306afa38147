/**
 * validate_leave_form: the employee's name, a leave type from the portal's list (synonyms such
 * as "vacation" mapped), a start date that is not in the past, and an end date not before it.
 * A start date moved after the end date already given asks for the end date again.
 */
import { z } from 'zod';
import { defineFormValidation, zodValidator } from '../src/sdk';
import { LEAVE_TYPES, leaveDatesProblem, parseLeaveDate, parseLeaveType, today } from './shared/leave';

const DATE_HINT = 'Please give the date as yyyy-mm-dd (e.g. 2031-07-01) or dd.mm.yyyy.';

export const leaveForm = defineFormValidation({
  form: 'leave_form',
  validate: {
    leave_employee: zodValidator(
      z
        .string()
        .trim()
        .min(2)
        .max(100)
        .transform((s) => s.replace(/\s+/g, ' ')),
      'Whose leave is it? Please give the full name as it is in the HR portal.',
    ),
    leave_type: (value, ctx) => {
      const type = parseLeaveType(value);
      if (type) return { [ctx.slot]: type };
      ctx.dispatcher.utterMessage({ text: `The HR portal knows these kinds of leave: ${LEAVE_TYPES.join(', ')}. Which one is it?` });
      return { [ctx.slot]: null };
    },
    leave_start: (value, ctx) => {
      const start = parseLeaveDate(value);
      if (!start) {
        ctx.dispatcher.utterMessage({ text: `I couldn't read that start date. ${DATE_HINT}` });
        return { [ctx.slot]: null };
      }
      if (start < today()) {
        ctx.dispatcher.utterMessage({ text: `${start} is in the past. Which day does your leave start?` });
        return { [ctx.slot]: null };
      }
      const end = parseLeaveDate(ctx.tracker.slots.leave_end);
      // An end date given earlier that now falls before the start has to be asked again.
      return end && end < start ? { [ctx.slot]: start, leave_end: null } : { [ctx.slot]: start };
    },
    leave_end: (value, ctx) => {
      const end = parseLeaveDate(value);
      if (!end) {
        ctx.dispatcher.utterMessage({ text: `I couldn't read that end date. ${DATE_HINT}` });
        return { [ctx.slot]: null };
      }
      const start = parseLeaveDate(ctx.tracker.slots.leave_start);
      const problem = start ? leaveDatesProblem(start, end) : null;
      if (problem) {
        ctx.dispatcher.utterMessage({ text: problem });
        return { [ctx.slot]: null };
      }
      return { [ctx.slot]: end };
    },
  },
});
