/** Who is talking: what actions need to decide whether a customer may see or change a record. */

/**
 * What a token's holder may do beyond being a customer, in ActionBridge's words: the verifier
 * translates the company's claim values (IDENTITY_ROLES_CLAIM, IDENTITY_AGENT_ROLE) into these.
 * `agent`: a support agent, who may read any ticket and document solutions.
 * `sales`: a sales user (IDENTITY_SALES_ROLE), who may read their own pipeline.
 */
export type Role = 'agent' | 'sales';

/** The outcome of checking the identity token attached to the latest user message. */
export type TokenCheck =
  /** No token was attached: fall back to knowledge-based verification. */
  | { kind: 'none' }
  | {
      kind: 'valid';
      customerId: string;
      roles: readonly Role[];
      /** The holder's email from the token (IDENTITY_EMAIL_CLAIM), unless the token says it is unverified. */
      email?: string;
    }
  /** A token was attached but is forged, expired, for another audience, or cannot be checked. */
  | { kind: 'invalid'; reason: string };

export interface IdentityVerifier {
  /** The metadata key the channel puts the token under (documented in docs/orders.md). */
  readonly metadataKey: string;
  checkToken(metadata: Record<string, unknown>): Promise<TokenCheck>;
}

/**
 * The limits a verification attempt counts against. A conversation id costs nothing to change,
 * so guesses are also counted against what the guesser cannot rotate: the email tried (across
 * orders), the order tried (across emails) and one budget for the whole deployment.
 */
export type VerificationLimit = 'sender' | 'email' | 'order' | 'global';

/** What one attempt is about; `email` and `order` are present for knowledge-based attempts only. */
export interface AttemptScope {
  senderId: string;
  email?: string;
  orderId?: string;
}

export type AttemptReservation =
  /** The attempt is counted as a failure until it is released (a success gives it back). */
  | { granted: true; release(): Promise<void> }
  /** A limit is spent: nothing was counted and the attempt must not be evaluated. */
  | { granted: false; limit: VerificationLimit };

/**
 * Failed verifications, reserved before the record is looked up: under a burst of concurrent
 * guesses, no more than the limit are ever evaluated (a check-then-count would let them all in).
 */
export interface AttemptBudget {
  reserve(scope: AttemptScope): Promise<AttemptReservation>;
}
