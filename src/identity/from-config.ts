/** Builds the identity verifier from the IDENTITY_* settings. */
import { ConfigError } from '../config';
import type { IdentityVerifier } from '../ports/identity';
import { DEFAULT_METADATA_KEY, JwtIdentityVerifier, NoTokenVerifier } from './jwt-verifier';

export interface IdentitySettings {
  IDENTITY_JWT_SECRET?: string;
  IDENTITY_JWKS_URL?: string;
  IDENTITY_JWT_ISSUER?: string;
  IDENTITY_JWT_AUDIENCE?: string;
  IDENTITY_METADATA_KEY?: string;
  IDENTITY_ROLES_CLAIM?: string;
  IDENTITY_AGENT_ROLE?: string;
  IDENTITY_SALES_ROLE?: string;
  IDENTITY_EMAIL_CLAIM?: string;
}

export function identityFromConfig(s: IdentitySettings): IdentityVerifier {
  const metadataKey = s.IDENTITY_METADATA_KEY ?? DEFAULT_METADATA_KEY;
  if (!s.IDENTITY_JWT_SECRET && !s.IDENTITY_JWKS_URL) return new NoTokenVerifier(metadataKey);
  // A token accepted without an issuer and audience check could be one minted for another app.
  const problems: string[] = [];
  if (!s.IDENTITY_JWT_ISSUER) problems.push('IDENTITY_JWT_ISSUER: required when IDENTITY_JWT_SECRET or IDENTITY_JWKS_URL is set');
  if (!s.IDENTITY_JWT_AUDIENCE) problems.push('IDENTITY_JWT_AUDIENCE: required when IDENTITY_JWT_SECRET or IDENTITY_JWKS_URL is set');
  if (problems.length) throw new ConfigError(problems);
  return new JwtIdentityVerifier({
    secret: s.IDENTITY_JWT_SECRET,
    jwksUrl: s.IDENTITY_JWKS_URL,
    issuer: s.IDENTITY_JWT_ISSUER!,
    audience: s.IDENTITY_JWT_AUDIENCE!,
    metadataKey,
    rolesClaim: s.IDENTITY_ROLES_CLAIM,
    agentRole: s.IDENTITY_AGENT_ROLE,
    salesRole: s.IDENTITY_SALES_ROLE,
    emailClaim: s.IDENTITY_EMAIL_CLAIM,
  });
}
