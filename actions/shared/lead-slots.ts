/** The lead form's slots, read both by the lead action and by the demo request. */
import { z } from 'zod';

export const leadSlots = z.object({
  lead_name: z.string().trim().min(1).describe('your name'),
  lead_email: z.email().describe('your email address'),
  lead_company: z.string().trim().min(1).describe('your company').optional(),
  lead_interest: z.string().trim().min(1).describe('what you are interested in').optional(),
});
