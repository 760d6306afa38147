/** Identity tokens for tests, signed with real keys by jose. */
import { SignJWT, exportJWK, generateKeyPair, type JWK } from 'jose';

export const ISSUER = 'https://login.example.test';
export const AUDIENCE = 'actionbridge';
export const SECRET = 'test-secret-that-is-at-least-32-characters-long';

export interface TokenSpec {
  sub?: string;
  iss?: string;
  aud?: string;
  /** Expiry, in seconds from now (negative = already expired). */
  expiresIn?: number;
  secret?: string;
  /** More claims, such as `roles`. */
  claims?: Record<string, unknown>;
}

export async function hsToken(spec: TokenSpec = {}): Promise<string> {
  const now = Math.floor(Date.now() / 1000);
  const jwt = new SignJWT({ ...spec.claims })
    .setProtectedHeader({ alg: 'HS256' })
    .setIssuedAt(now - 60)
    .setIssuer(spec.iss ?? ISSUER)
    .setAudience(spec.aud ?? AUDIENCE)
    .setExpirationTime(now + (spec.expiresIn ?? 600));
  if (spec.sub !== undefined) jwt.setSubject(spec.sub);
  return jwt.sign(new TextEncoder().encode(spec.secret ?? SECRET));
}

export interface KeyPairSigner {
  jwk: JWK;
  sign(spec?: TokenSpec): Promise<string>;
}

export async function asymmetricSigner(alg: 'RS256' | 'ES256', kid: string): Promise<KeyPairSigner> {
  const { publicKey, privateKey } = await generateKeyPair(alg);
  const jwk = { ...(await exportJWK(publicKey)), kid, alg, use: 'sig' };
  return {
    jwk,
    sign(spec: TokenSpec = {}) {
      const now = Math.floor(Date.now() / 1000);
      const jwt = new SignJWT({})
        .setProtectedHeader({ alg, kid })
        .setIssuer(spec.iss ?? ISSUER)
        .setAudience(spec.aud ?? AUDIENCE)
        .setExpirationTime(now + (spec.expiresIn ?? 600));
      if (spec.sub !== undefined) jwt.setSubject(spec.sub);
      return jwt.sign(privateKey);
    },
  };
}
