/**
 * Who is asking about sales data: only the identity token on the latest message counts. A sales
 * user's pipeline is theirs by the token's email and sales role (pipelineOwnerOf); a contact's
 * properties are set on the record of the token's email. An email typed into the chat proves
 * nothing, so it is never used for either.
 */
import { pipelineOwnerOf, type PipelineOwner } from '../../src/ports/crm';
import type { TokenCheck } from '../../src/ports/identity';
import type { ActionContext } from '../../src/sdk';
import { latestUserMetadata } from './order-chat';

type Ctx = Pick<ActionContext<unknown>, 'services' | 'tracker'>;

async function tokenOf(ctx: Ctx): Promise<TokenCheck> {
  const identity = ctx.services.identity;
  // Without a verifier nobody can prove who they are.
  return identity ? identity.checkToken(latestUserMetadata(ctx.tracker)) : { kind: 'none' };
}

/** The pipeline the asker may read, or null for anyone who is not a signed-in sales user. */
export async function pipelineOwner(ctx: Ctx): Promise<PipelineOwner | null> {
  return pipelineOwnerOf(await tokenOf(ctx));
}

/** The signed-in user's own email, or null when the token is missing, invalid or carries none. */
export async function verifiedEmail(ctx: Ctx): Promise<string | null> {
  const token = await tokenOf(ctx);
  return token.kind === 'valid' && token.email ? token.email : null;
}
