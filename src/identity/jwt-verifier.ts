/**
 * Checks the identity token a channel attaches to user messages: a JWT signed by the company's
 * login system, HS256 with a shared secret or RS256/ES256 with keys from a JWKS URL. Issuer,
 * audience and expiry are always checked; the `sub` claim is the customer id, and the roles claim
 * says whether the holder is a support agent.
 */
import type { createRemoteJWKSet, jwtVerify, JWTHeaderParameters, JWTVerifyGetKey, FlattenedJWSInput } from 'jose';
import type { IdentityVerifier, Role, TokenCheck } from '../ports/identity';

/**
 * jose is loaded when a verifier is built, i.e. only when IDENTITY_JWT_SECRET or IDENTITY_JWKS_URL
 * is configured; the default server (no token keys) never loads it.
 */
function jose(): { createRemoteJWKSet: typeof createRemoteJWKSet; jwtVerify: typeof jwtVerify } {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  return require('jose') as { createRemoteJWKSet: typeof createRemoteJWKSet; jwtVerify: typeof jwtVerify };
}

export const DEFAULT_METADATA_KEY = 'identity_token';
export const DEFAULT_ROLES_CLAIM = 'roles';
export const DEFAULT_AGENT_ROLE = 'agent';
export const DEFAULT_SALES_ROLE = 'sales';
export const DEFAULT_EMAIL_CLAIM = 'email';
/** An address as a login system issues it; anything else in the claim is not used as one. */
const EMAIL = /^[^@\s]{1,64}@[^@\s]{1,189}\.[^@\s]{1,63}$/;
/** Real tokens are a few hundred bytes; anything far larger is not worth parsing. */
const MAX_TOKEN_LENGTH = 8192;

export interface JwtVerifierOptions {
  /** HS256 shared secret. */
  secret?: string;
  /** Where the RS256/ES256 public keys are published. */
  jwksUrl?: string;
  /** A key set to use instead of fetching `jwksUrl` (tests, or keys shipped with the app). */
  keySet?: JWTVerifyGetKey;
  issuer: string;
  audience: string;
  metadataKey?: string;
  /** The claim listing the holder's roles: an array of strings, or one space-separated string. */
  rolesClaim?: string;
  /** The value in that claim that makes the holder a support agent. */
  agentRole?: string;
  /** The value in that claim that makes the holder a sales user (who may read their own pipeline). */
  salesRole?: string;
  /** The claim holding the holder's email (OpenID Connect's `email`). */
  emailClaim?: string;
  /** Seconds of clock skew tolerated on exp/nbf. */
  clockToleranceSec?: number;
}

export class JwtIdentityVerifier implements IdentityVerifier {
  readonly metadataKey: string;
  private readonly secret?: Uint8Array;
  private readonly keySet?: JWTVerifyGetKey;
  private readonly algorithms: string[];
  private readonly jose = jose();

  constructor(private readonly opts: JwtVerifierOptions) {
    this.metadataKey = opts.metadataKey ?? DEFAULT_METADATA_KEY;
    if (opts.secret) this.secret = new TextEncoder().encode(opts.secret);
    this.keySet = opts.keySet ?? (opts.jwksUrl ? this.jose.createRemoteJWKSet(new URL(opts.jwksUrl)) : undefined);
    this.algorithms = [...(this.secret ? ['HS256'] : []), ...(this.keySet ? ['RS256', 'ES256'] : [])];
    if (this.algorithms.length === 0) throw new Error('JwtIdentityVerifier needs a secret or a key set');
  }

  async checkToken(metadata: Record<string, unknown>): Promise<TokenCheck> {
    const token = metadata[this.metadataKey];
    if (token === undefined || token === null || token === '') return { kind: 'none' };
    if (typeof token !== 'string' || token.length > MAX_TOKEN_LENGTH) return { kind: 'invalid', reason: 'malformed token' };
    try {
      const { payload } = await this.jose.jwtVerify(token, (header: JWTHeaderParameters, input: FlattenedJWSInput) => this.keyFor(header, input), {
        algorithms: this.algorithms,
        issuer: this.opts.issuer,
        audience: this.opts.audience,
        requiredClaims: ['sub', 'exp'],
        clockTolerance: this.opts.clockToleranceSec ?? 5,
      });
      const sub = payload.sub;
      if (typeof sub !== 'string' || sub.length === 0 || sub.length > 200) return { kind: 'invalid', reason: 'token has no usable sub' };
      const email = this.emailOf(payload[this.opts.emailClaim ?? DEFAULT_EMAIL_CLAIM], payload.email_verified);
      return { kind: 'valid', customerId: sub, roles: this.rolesOf(payload[this.opts.rolesClaim ?? DEFAULT_ROLES_CLAIM]), ...(email ? { email } : {}) };
    } catch (err) {
      return { kind: 'invalid', reason: (err as { code?: string }).code ?? 'token rejected' };
    }
  }

  /** The company's role values, as ActionBridge's roles; anything unexpected grants nothing. */
  private rolesOf(claim: unknown): Role[] {
    const values = typeof claim === 'string' ? claim.split(' ') : Array.isArray(claim) ? claim : [];
    const roles: Role[] = [];
    if (values.includes(this.opts.agentRole ?? DEFAULT_AGENT_ROLE)) roles.push('agent');
    if (values.includes(this.opts.salesRole ?? DEFAULT_SALES_ROLE)) roles.push('sales');
    return roles;
  }

  /** A login system that says the address is unverified (OpenID Connect's email_verified) vouches for nothing. */
  private emailOf(claim: unknown, verified: unknown): string | undefined {
    if (typeof claim !== 'string' || verified === false || !EMAIL.test(claim)) return undefined;
    return claim;
  }

  private keyFor(header: JWTHeaderParameters, input: FlattenedJWSInput) {
    if (header.alg === 'HS256' && this.secret) return this.secret;
    if (header.alg !== 'HS256' && this.keySet) return this.keySet(header, input);
    throw new Error(`no key for algorithm ${header.alg}`);
  }
}

/** Used when no token key is configured: a presented token cannot be trusted, so it counts as invalid. */
export class NoTokenVerifier implements IdentityVerifier {
  constructor(readonly metadataKey = DEFAULT_METADATA_KEY) {}

  async checkToken(metadata: Record<string, unknown>): Promise<TokenCheck> {
    const token = metadata[this.metadataKey];
    if (token === undefined || token === null || token === '') return { kind: 'none' };
    return { kind: 'invalid', reason: 'identity tokens are not configured (IDENTITY_JWT_SECRET or IDENTITY_JWKS_URL)' };
  }
}
