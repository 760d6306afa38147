/** validate_lead_form: checks each lead-form answer as the user gives it. */
import { z } from 'zod';
import { defineFormValidation, zodValidator } from '../src/sdk';

const text = (max: number) =>
  z
    .string()
    .trim()
    .min(1)
    .max(max)
    .transform((s) => s.replace(/\s+/g, ' '));

export const leadForm = defineFormValidation({
  form: 'lead_form',
  validate: {
    lead_name: zodValidator(text(100), "Sorry, I didn't catch your name. What's your full name?"),
    lead_email: zodValidator(
      z.string().trim().toLowerCase().pipe(z.email()),
      "That doesn't look like an email address (something like name@company.com). What's your email?",
    ),
    lead_company: zodValidator(text(120), 'Which company are you with?'),
    lead_interest: zodValidator(text(500), 'What are you interested in?'),
  },
});
