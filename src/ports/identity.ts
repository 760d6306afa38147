/** Who is talking: what actions need to decide whether a customer may see or change a record. */

/** The outcome of checking the identity token attached to the latest user message. */
export type TokenCheck =
  /** No token was attached: fall back to knowledge-based verification. */
  | { kind: 'none' }
  | { kind: 'valid'; customerId: string }
  /** A token was attached but is forged, expired, for another audience, or cannot be checked. */
  | { kind: 'invalid'; reason: string };

export interface IdentityVerifier {
  /** The metadata key the channel puts the token under (documented in docs/orders.md). */
  readonly metadataKey: string;
  checkToken(metadata: Record<string, unknown>): Promise<TokenCheck>;
}

/** Counts failed verifications per conversation so guessing order ids and emails is slow. */
export interface AttemptLimiter {
  /** Synchronous in process; a promise when the count lives in a shared store. */
  isBlocked(key: string): boolean | Promise<boolean>;
  recordFailure(key: string): void | Promise<void>;
}
