/** Issue #16: the sales role and the email claim, and the one rule that lets a token read a pipeline. */
import { JwtIdentityVerifier, identityFromConfig } from '../../src/identity';
import { pipelineOwnerOf } from '../../src/ports/crm';
import { AUDIENCE, ISSUER, SECRET, hsToken } from '../support/tokens';

const meta = async (claims: Record<string, unknown>) => ({ identity_token: await hsToken({ sub: 'U-1', claims }) });

describe('sales role and email claim', () => {
  const verifier = new JwtIdentityVerifier({ secret: SECRET, issuer: ISSUER, audience: AUDIENCE });

  it('reads the sales role beside the agent role, and the email', async () => {
    expect(await verifier.checkToken(await meta({ roles: 'agent sales', email: 'sam@corp.example' }))).toEqual({
      kind: 'valid',
      customerId: 'U-1',
      roles: ['agent', 'sales'],
      email: 'sam@corp.example',
    });
  });

  it.each([
    ['marked unverified', { email: 'sam@corp.example', email_verified: false }],
    ['not a string', { email: ['sam@corp.example'] }],
    ['not an address', { email: 'sam at corp' }],
    ['with spaces around an @', { email: 'a b@corp.example' }],
  ])('carries no email when the claim is %s', async (_, claims) => {
    const check = await verifier.checkToken(await meta({ roles: ['sales'], ...claims }));
    expect(check).toEqual({ kind: 'valid', customerId: 'U-1', roles: ['sales'] });
  });

  it('takes the role value and the email claim from the settings', async () => {
    const v = identityFromConfig({ IDENTITY_JWT_SECRET: SECRET, IDENTITY_JWT_ISSUER: ISSUER, IDENTITY_JWT_AUDIENCE: AUDIENCE, IDENTITY_SALES_ROLE: 'account-exec', IDENTITY_EMAIL_CLAIM: 'upn' });
    expect(await v.checkToken(await meta({ roles: ['account-exec', 'sales'], upn: 'ae@corp.example', email: 'other@corp.example' }))).toEqual({
      kind: 'valid',
      customerId: 'U-1',
      roles: ['sales'],
      email: 'ae@corp.example',
    });
  });

  it('lets only a valid token with the sales role and an email read a pipeline', () => {
    expect(pipelineOwnerOf({ kind: 'valid', roles: ['sales'], email: 'sam@corp.example' })).toEqual({ email: 'sam@corp.example' });
    expect(pipelineOwnerOf({ kind: 'valid', roles: ['agent'], email: 'sam@corp.example' })).toBeNull();
    expect(pipelineOwnerOf({ kind: 'valid', roles: ['sales'] })).toBeNull();
    expect(pipelineOwnerOf({ kind: 'invalid', roles: ['sales'], email: 'sam@corp.example' })).toBeNull();
    expect(pipelineOwnerOf({ kind: 'none' })).toBeNull();
  });
});
