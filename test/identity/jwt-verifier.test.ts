import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { JwtIdentityVerifier, NoTokenVerifier, identityFromConfig } from '../../src/identity';
import { ConfigError } from '../../src/config';
import { AUDIENCE, ISSUER, SECRET, asymmetricSigner, hsToken } from '../support/tokens';

const meta = (token: unknown) => ({ identity_token: token });

describe('JwtIdentityVerifier with an HS256 secret', () => {
  const verifier = new JwtIdentityVerifier({ secret: SECRET, issuer: ISSUER, audience: AUDIENCE });

  it('accepts a valid token and returns its sub as the customer id', async () => {
    expect(await verifier.checkToken(meta(await hsToken({ sub: 'C-1001' })))).toEqual({ kind: 'valid', customerId: 'C-1001', roles: [] });
  });

  it('reports no token when the metadata has none', async () => {
    expect(await verifier.checkToken({})).toEqual({ kind: 'none' });
    expect(await verifier.checkToken(meta(''))).toEqual({ kind: 'none' });
  });

  it.each([
    ['forged (signed with another secret)', () => hsToken({ sub: 'C-1001', secret: 'another-secret-another-secret-another-secret' })],
    ['expired', () => hsToken({ sub: 'C-1001', expiresIn: -3600 })],
    ['for another audience', () => hsToken({ sub: 'C-1001', aud: 'some-other-app' })],
    ['from another issuer', () => hsToken({ sub: 'C-1001', iss: 'https://evil.example' })],
    ['without a sub', () => hsToken({})],
    ['tampered (payload swapped)', async () => {
      const [h, , s] = (await hsToken({ sub: 'C-1001' })).split('.');
      const other = (await hsToken({ sub: 'C-1002' })).split('.')[1];
      return `${h}.${other}.${s}`;
    }],
    ['unsigned (alg none)', async () => {
      const enc = (o: object) => Buffer.from(JSON.stringify(o)).toString('base64url');
      return `${enc({ alg: 'none' })}.${enc({ sub: 'C-1001', iss: ISSUER, aud: AUDIENCE, exp: Math.floor(Date.now() / 1000) + 600 })}.`;
    }],
    ['not a JWT at all', async () => 'hello'],
  ])('rejects a token that is %s', async (_what, make) => {
    const result = await verifier.checkToken(meta(await make()));
    expect(result.kind).toBe('invalid');
  });

  it('makes the holder an agent only when the roles claim holds the agent role', async () => {
    const roles = async (claims: Record<string, unknown>) => {
      const check = await verifier.checkToken(meta(await hsToken({ sub: 'C-1001', claims })));
      return check.kind === 'valid' ? check.roles : check.kind;
    };
    expect(await roles({ roles: ['viewer', 'agent'] })).toEqual(['agent']);
    expect(await roles({ roles: 'viewer agent' })).toEqual(['agent']);
    expect(await roles({ roles: ['viewer'] })).toEqual([]);
    // Near misses grant nothing: another claim, another case, a substring, a non-string.
    expect(await roles({ role: ['agent'] })).toEqual([]);
    expect(await roles({ roles: ['Agent'] })).toEqual([]);
    expect(await roles({ roles: 'agents' })).toEqual([]);
    expect(await roles({ roles: { agent: true } })).toEqual([]);
    expect(await roles({ roles: [['agent']] })).toEqual([]);
  });

  it('rejects non-string and oversized tokens without parsing them', async () => {
    expect((await verifier.checkToken(meta({ sub: 'C-1001' }))).kind).toBe('invalid');
    expect((await verifier.checkToken(meta('a'.repeat(10_000)))).kind).toBe('invalid');
  });
});

describe('JwtIdentityVerifier with a JWKS URL (RS256 and ES256)', () => {
  let server: http.Server;
  let url: string;
  let rs: Awaited<ReturnType<typeof asymmetricSigner>>;
  let es: Awaited<ReturnType<typeof asymmetricSigner>>;

  beforeAll(async () => {
    rs = await asymmetricSigner('RS256', 'rs-1');
    es = await asymmetricSigner('ES256', 'es-1');
    server = http.createServer((_req, res) => {
      res.setHeader('content-type', 'application/json');
      res.end(JSON.stringify({ keys: [rs.jwk, es.jwk] }));
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/.well-known/jwks.json`;
  });
  afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

  it('accepts tokens signed by either published key', async () => {
    const verifier = new JwtIdentityVerifier({ jwksUrl: url, issuer: ISSUER, audience: AUDIENCE });
    expect(await verifier.checkToken(meta(await rs.sign({ sub: 'C-1002' })))).toEqual({ kind: 'valid', customerId: 'C-1002', roles: [] });
    expect(await verifier.checkToken(meta(await es.sign({ sub: 'C-1003' })))).toEqual({ kind: 'valid', customerId: 'C-1003', roles: [] });
  });

  it('rejects a token signed by an unpublished key, an expired one, and an HS256 one', async () => {
    const verifier = new JwtIdentityVerifier({ jwksUrl: url, issuer: ISSUER, audience: AUDIENCE });
    const stranger = await asymmetricSigner('RS256', 'rs-1');
    expect((await verifier.checkToken(meta(await stranger.sign({ sub: 'C-1002' })))).kind).toBe('invalid');
    expect((await verifier.checkToken(meta(await es.sign({ sub: 'C-1002', expiresIn: -600 })))).kind).toBe('invalid');
    // No secret configured: an HS256 token (e.g. signed with the public key as secret) must not pass.
    expect((await verifier.checkToken(meta(await hsToken({ sub: 'C-1002' })))).kind).toBe('invalid');
  });
});

describe('identityFromConfig', () => {
  it('without keys, treats any presented token as invalid and a missing one as none', async () => {
    const v = identityFromConfig({});
    expect(v).toBeInstanceOf(NoTokenVerifier);
    expect((await v.checkToken(meta(await hsToken({ sub: 'C-1001' })))).kind).toBe('invalid');
    expect(await v.checkToken({})).toEqual({ kind: 'none' });
  });

  it('requires issuer and audience once a key is configured', () => {
    expect(() => identityFromConfig({ IDENTITY_JWT_SECRET: SECRET })).toThrow(ConfigError);
    expect(() => identityFromConfig({ IDENTITY_JWT_SECRET: SECRET, IDENTITY_JWT_ISSUER: ISSUER })).toThrow(/IDENTITY_JWT_AUDIENCE/);
  });

  it('reads the token from the configured metadata key', async () => {
    const v = identityFromConfig({ IDENTITY_JWT_SECRET: SECRET, IDENTITY_JWT_ISSUER: ISSUER, IDENTITY_JWT_AUDIENCE: AUDIENCE, IDENTITY_METADATA_KEY: 'auth' });
    expect(await v.checkToken({ auth: await hsToken({ sub: 'C-1001' }) })).toEqual({ kind: 'valid', customerId: 'C-1001', roles: [] });
    expect(await v.checkToken(meta(await hsToken({ sub: 'C-1001' })))).toEqual({ kind: 'none' });
  });

  it('reads the agent role from the configured claim and value', async () => {
    const v = identityFromConfig({ IDENTITY_JWT_SECRET: SECRET, IDENTITY_JWT_ISSUER: ISSUER, IDENTITY_JWT_AUDIENCE: AUDIENCE, IDENTITY_ROLES_CLAIM: 'https://example.test/groups', IDENTITY_AGENT_ROLE: 'support' });
    const check = async (claims: Record<string, unknown>) => v.checkToken(meta(await hsToken({ sub: 'A-1', claims })));
    expect(await check({ 'https://example.test/groups': ['support'] })).toEqual({ kind: 'valid', customerId: 'A-1', roles: ['agent'] });
    expect(await check({ roles: ['agent'] })).toEqual({ kind: 'valid', customerId: 'A-1', roles: [] });
  });
});
