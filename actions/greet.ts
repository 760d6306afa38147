/**
 * action_greet: greets the user by name when the `user_name` slot is set.
 * action_validate_slot_mappings: normalizes `user_name` wherever Rasa extracts it.
 */
import { z } from 'zod';
import { defineAction, defineSlotValidation, zodValidator } from '../src/sdk';

export const greet = defineAction({
  name: 'action_greet',
  description: 'Greets the user, by name when given.',
  slots: z.object({
    user_name: z.string().describe('your name').optional(),
  }),
  run({ slots, dispatcher }) {
    dispatcher.utterMessage({
      text: slots.user_name ? `Hello, ${slots.user_name}! How can I help you today?` : 'Hello! How can I help you today?',
    });
  },
});

const personName = z
  .string()
  .trim()
  .min(1)
  .max(60)
  .regex(/^[\p{L}][\p{L}\p{M} .'-]*$/u)
  // "ada lovelace" → "Ada Lovelace": names are shown back to the user.
  .transform((s) => s.replace(/\s+/g, ' ').replace(/(^|[\s-])(\p{Ll})/gu, (_m, sep: string, c: string) => sep + c.toUpperCase()));

export const slotValidation = defineSlotValidation({
  validate: {
    user_name: zodValidator(personName, "Sorry, that doesn't look like a name. What should I call you?"),
  },
});
