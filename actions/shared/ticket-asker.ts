/**
 * Who is talking about tickets: the conversation, the customer of a valid identity token on the
 * latest message, and whether that token names a support agent. Filing records the first two
 * with the ticket; looking a ticket up compares them, so a ticket key alone proves nothing.
 */
import { ticketFiler, type TicketAsker } from '../../src/ports/ticketing';
import type { ActionContext } from '../../src/sdk';
import { latestUserMetadata } from './order-chat';

type Ctx = Pick<ActionContext<unknown>, 'services' | 'tracker' | 'senderId'>;

export async function ticketAsker(ctx: Ctx): Promise<TicketAsker> {
  const identity = ctx.services.identity;
  // Without a verifier nobody can prove more than being this conversation.
  const token = identity ? await identity.checkToken(latestUserMetadata(ctx.tracker)) : { kind: 'none' as const };
  // An invalid token proves nothing, but takes nothing away from the conversation either.
  const valid = token.kind === 'valid' ? token : undefined;
  return { ...ticketFiler(ctx.senderId, valid?.customerId), agent: valid?.roles.includes('agent') ?? false };
}
