/** How users type ticket keys and request references, as slot schemas. */
import { z } from 'zod';

/** "sup-12", " SUP-12 " → "SUP-12". */
export const ticketKey = z
  .string()
  .trim()
  .toUpperCase()
  .regex(/^[A-Z][A-Z0-9_]*-\d+$/, 'a ticket key such as SUP-123')
  .describe('the ticket key (such as SUP-123)');

/** A ticket key, or the reference of a ticket request still in the outbox (REF-...). */
export const ticketKeyOrReference = z
  .string()
  .trim()
  .toUpperCase()
  .regex(/^([A-Z][A-Z0-9_]*-\d+|REF-[0-9A-Z]{10})$/, 'a ticket key such as SUP-123')
  .describe('the ticket key (such as SUP-123)');
