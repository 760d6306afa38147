/** What is said, and mailed, when an order change has to be approved with a one-time code. */
import type { Address } from '../../src/ports/orders';

/**
 * `g***@example.com`: enough for the owner to recognise their mailbox, too little to learn an
 * address from. The domain stays whole; shops' customers mostly share a few big ones.
 */
export function maskEmail(email: string): string {
  const at = email.lastIndexOf('@');
  if (at < 1) return '***';
  return `${email[0]}***${email.slice(at)}`;
}

const minutes = (ms: number) => Math.max(1, Math.round(ms / 60_000));

export function codeSent(maskedEmail: string, validForMs: number): string {
  return `To make sure it's really you, I've sent a 6-digit code to the email address on the order (${maskedEmail}). It works for ${minutes(validForMs)} minutes. Please type the code here.`;
}

export function wrongCode(attemptsLeft: number): string {
  return `That code isn't right. Please check the email and try again (${attemptsLeft} ${attemptsLeft === 1 ? 'try' : 'tries'} left).`;
}

export const NOT_A_CODE = "That doesn't look like the code: it has 6 digits, like 123456. Please type the code from the email.";

export const CODE_EXPIRED = 'That code has expired. Shall I send a new one to the email address on the order?';

export const CODE_BURNED = 'That code has been tried too many times, so it no longer works. Shall I send a new one to the email address on the order?';

export const CODE_NOT_VALID = 'That code is not valid for this change (was it already used?). Shall I send a new one to the email address on the order?';

export function tooManyCodes(retryAfterSeconds: number): string {
  return `I've already sent several codes for this order recently, so I won't send another right now. Please use the latest code, or try again in about ${minutes(retryAfterSeconds * 1000)} minutes.`;
}

export const CODE_NOT_SENT = "Sorry, I couldn't send the code to the email address on the order just now, so the delivery address is unchanged. Please try again in a few minutes.";

/** Without a mail server there is no second proof to ask for. */
export const CODES_OFF =
  "To change the delivery address I need more than the order's email address: please sign in and ask again, so I know it's you. (Confirming by a code sent to your email isn't set up here.)";

export function codeMailSubject(orderId: string): string {
  return `Your code to change the delivery address of order ${orderId}`;
}

/**
 * The mail. The street line is left out: it is free text typed by whoever asked, and this mail
 * goes to someone who may not have asked.
 */
export function codeMailText(orderId: string, code: string, address: Address, validForMs: number): string {
  return [
    'Hello,',
    '',
    `someone asked our chat assistant to send order ${orderId} to a new delivery address in ${address.postalCode} ${address.city}, ${address.country}.`,
    '',
    `If that was you, type this code into the chat to confirm: ${code}`,
    '',
    `The code works for ${minutes(validForMs)} minutes, in that conversation only. Never give it to anyone who asks for it.`,
    "If you didn't ask for this, ignore this email: without the code, nothing changes.",
  ].join('\n');
}
