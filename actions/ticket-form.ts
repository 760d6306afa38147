/**
 * validate_ticket_form: a non-empty one-line summary, a description, and, when the user named
 * one, a severity from the allowed set (synonyms such as "urgent" or "minor" are mapped; another
 * word gets the set as buttons).
 */
import { z } from 'zod';
import { parseSeverity } from './shared/triage';
import { SEVERITIES } from '../src/ports/ticketing';
import { defineFormValidation, zodValidator } from '../src/sdk';

const SEVERITY = 'ticket_severity';

export const ticketForm = defineFormValidation({
  form: 'ticket_form',
  // Severity is optional: validated when the user gave one, never asked for. The domain lists it
  // (Rasa validates a form-conditioned slot only for a form requiring it), so while it is unset it
  // is taken off the list, and the next slot to ask for is named here instead of by Rasa.
  requiredSlots(domainSlots, ctx) {
    const severity = ctx.tracker.slots.ticket_severity;
    const given = severity !== null && severity !== undefined;
    if (!given) return domainSlots.filter((s) => s !== SEVERITY);
    return domainSlots.includes(SEVERITY) ? domainSlots : [...domainSlots, SEVERITY];
  },
  validate: {
    ticket_summary: zodValidator(
      z
        .string()
        .trim()
        .min(3)
        .max(250)
        .transform((s) => s.replace(/\s+/g, ' ')),
      'Please give me a short one-line summary of the problem (up to 250 characters).',
    ),
    ticket_description: zodValidator(z.string().trim().min(1).max(20_000), 'Could you describe the problem in a few sentences?'),
    ticket_severity: (value, ctx) => {
      const severity = parseSeverity(value);
      if (severity) return { [ctx.slot]: severity };
      // One tap names a valid severity: Dialogflow sends the title back as text, Rasa the payload
      // (the severity entity, which fills this slot while the form is active).
      ctx.dispatcher.utterMessage({
        text: `Severity must be one of ${SEVERITIES.join(', ')}. I'll judge it from your description instead.`,
        buttons: SEVERITIES.map((s) => ({ title: s, payload: `/report_problem{"severity":"${s}"}` })),
      });
      return { [ctx.slot]: null };
    },
  },
});
