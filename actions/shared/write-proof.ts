/**
 * The second proof an order change needs when the person asking proved who they are only by
 * knowing the order's email: a one-time code mailed to that email (the one on the order, never
 * one typed in the chat) and typed back into this conversation.
 *
 * The code approves this change only: this order, this conversation, this new address. The
 * conversation learns nothing of the email but its masked form.
 */
import { AppError, SlotSet, type ActionContext, type RasaEvent } from '../../src/sdk';
import type { CodeSubject } from '../../src/ports/one-time-codes';
import type { Address, Order } from '../../src/ports/orders';
import { CODES_OFF, CODE_BURNED, CODE_EXPIRED, CODE_NOT_SENT, CODE_NOT_VALID, NOT_A_CODE, codeMailSubject, codeMailText, codeSent, maskEmail, tooManyCodes, wrongCode } from './code-replies';

type Ctx = Pick<ActionContext<unknown>, 'services' | 'dispatcher' | 'senderId'>;

/** The slot the user types the code into, and the one that tells the stories where the code stands. */
export const CODE_SLOT = 'order_code';
export const CODE_STATUS_SLOT = 'order_code_status';

/**
 * - `sent`: a code is waiting to be typed (the code form asks for it);
 * - `spent`: the code expired or was tried too often; a new one is offered;
 * - `unavailable`: no code can be sent here.
 */
export type CodeStatus = 'sent' | 'spent' | 'unavailable';

export type EmailCodeProof = { proven: true } | { proven: false; events: RasaEvent[] };

const notYet = (status: CodeStatus | null, ...more: RasaEvent[]): EmailCodeProof => ({
  proven: false,
  events: [SlotSet(CODE_SLOT, null), SlotSet(CODE_STATUS_SLOT, status), ...more],
});

/** "123 456" and "123-456" are the code 123456; anything else with other than 6 digits is not a code. */
export function normalizeCode(typed: string): string | undefined {
  const compact = typed.replace(/[\s-]+/g, '');
  return /^\d{6}$/.test(compact) ? compact : undefined;
}

/**
 * Proves the change by an emailed code: sends one when none was typed, checks the one typed
 * otherwise. Resolves `proven` only for the right code, which is then used up.
 */
export async function proveByEmailCode(ctx: Ctx, order: Order, address: Address, typed: string | null | undefined): Promise<EmailCodeProof> {
  const { mailer, oneTimeCodes } = ctx.services;
  if (!mailer || !oneTimeCodes) {
    ctx.dispatcher.utterMessage({ text: CODES_OFF });
    return notYet('unavailable', SlotSet('address_changed', false));
  }
  const subject: CodeSubject = { purpose: 'address_change', recordId: order.id, conversation: ctx.senderId, details: JSON.stringify(address) };

  if (typeof typed !== 'string' || typed.trim() === '') {
    const issued = await oneTimeCodes.issue(subject);
    if (!issued.ok) {
      ctx.dispatcher.utterMessage({ text: tooManyCodes(issued.retryAfterSeconds) });
      return notYet(null, SlotSet('address_changed', false));
    }
    const validForMs = issued.expiresAt.getTime() - Date.now();
    try {
      await mailer.send({ to: order.email, subject: codeMailSubject(order.id), text: codeMailText(order.id, issued.code, address, validForMs) });
    } catch (err) {
      // The mail server's own words may quote the recipient: the user hears none of them.
      if (!(err instanceof AppError)) throw err;
      ctx.dispatcher.utterMessage({ text: CODE_NOT_SENT });
      return notYet(null, SlotSet('address_changed', false));
    }
    ctx.dispatcher.utterMessage({ text: codeSent(maskEmail(order.email), validForMs) });
    return notYet('sent');
  }

  const code = normalizeCode(typed);
  if (!code) {
    // Not a guess at the code, so it costs no try.
    ctx.dispatcher.utterMessage({ text: NOT_A_CODE });
    return notYet('sent');
  }
  const check = await oneTimeCodes.verify(subject, code);
  if (check.ok) return { proven: true };
  switch (check.reason) {
    case 'wrong':
      if (check.attemptsLeft > 0) {
        ctx.dispatcher.utterMessage({ text: wrongCode(check.attemptsLeft) });
        return notYet('sent');
      }
      ctx.dispatcher.utterMessage({ text: CODE_BURNED });
      return notYet('spent');
    case 'burned':
      ctx.dispatcher.utterMessage({ text: CODE_BURNED });
      return notYet('spent');
    case 'expired':
      ctx.dispatcher.utterMessage({ text: CODE_EXPIRED });
      return notYet('spent');
    case 'none':
      ctx.dispatcher.utterMessage({ text: CODE_NOT_VALID });
      return notYet('spent');
  }
}
