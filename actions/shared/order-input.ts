/**
 * What order ids, emails and addresses typed into a chat must look like, as zod schemas that
 * also normalize ("ord 48213" → "ORD-48213"). Shared by the form validations, which tell the
 * user what is wrong, and the actions, which never act on a value that does not pass.
 */
import { z } from 'zod';

/** The shape of this shop's order numbers. A company with other ids changes this pattern. */
export const ORDER_ID_PATTERN = /^ORD-\d{5}$/;
export const ORDER_ID_EXAMPLE = 'ORD-48213';

export const orderIdSchema = z
  .string()
  .max(40)
  .transform((s) => {
    const compact = s.toUpperCase().replace(/[\s#]+/g, '');
    if (/^\d{5}$/.test(compact)) return `ORD-${compact}`;
    return compact.replace(/^ORD(?=\d)/, 'ORD-');
  })
  .pipe(z.string().regex(ORDER_ID_PATTERN, `order numbers look like ${ORDER_ID_EXAMPLE}`));

export const emailSchema = z
  .string()
  .trim()
  .toLowerCase()
  .max(254)
  .pipe(z.email('not an email address'));

const oneLine = (s: string) => s.replace(/\s+/g, ' ').trim();
// Control characters and angle brackets have no business in an address and end up in labels and
// HTML; bidirectional overrides and isolates (U+202A-U+202E, U+2066-U+2069) make a label read
// other than it is written.
const PRINTABLE = /^[^\p{Cc}<>\u202A-\u202E\u2066-\u2069]*$/u;

export const addressLine1Schema = z
  .string()
  .transform(oneLine)
  .pipe(z.string().min(3, 'too short').max(100, 'too long').regex(PRINTABLE, 'has characters an address cannot have').regex(/[\p{L}\d]/u, 'has no letters or numbers'));

export const citySchema = z
  .string()
  .transform(oneLine)
  .pipe(z.string().min(2).max(60).regex(/^[\p{L}][\p{L}\p{M} .'-]*$/u, 'a city name has letters, spaces, dots, hyphens and apostrophes only'));

export const postalCodeSchema = z
  .string()
  .transform((s) => oneLine(s).toUpperCase())
  .pipe(z.string().regex(/^[A-Z0-9][A-Z0-9 -]{1,8}[A-Z0-9]$/, 'a postal code has 3 to 10 letters, digits, spaces or hyphens'));

/** Where the shop delivers, by ISO 3166-1 alpha-2 code, with the names people type. */
export const SHIPPING_COUNTRIES: Record<string, string[]> = {
  GB: ['united kingdom', 'uk', 'great britain', 'britain', 'england', 'scotland', 'wales'],
  US: ['united states', 'usa', 'united states of america', 'america'],
  CA: ['canada'],
  IE: ['ireland'],
  DE: ['germany', 'deutschland'],
  FR: ['france'],
  NL: ['netherlands', 'the netherlands', 'holland'],
  BE: ['belgium'],
  ES: ['spain'],
  IT: ['italy'],
  AT: ['austria'],
  CH: ['switzerland'],
};

const COUNTRY_BY_NAME = new Map<string, string>();
for (const [code, names] of Object.entries(SHIPPING_COUNTRIES)) {
  COUNTRY_BY_NAME.set(code.toLowerCase(), code);
  for (const n of names) COUNTRY_BY_NAME.set(n, code);
}

export const countrySchema = z
  .string()
  .transform((s) => COUNTRY_BY_NAME.get(oneLine(s).toLowerCase().replace(/\.$/, '')) ?? '')
  .pipe(z.string().min(2, `we deliver to ${Object.keys(SHIPPING_COUNTRIES).join(', ')}`));
