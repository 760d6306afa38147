/** The shared token check: which credentials count, and that nothing else does. */
import { isAuthorized, presentedTokens, tokenCheck } from '../../src/http/auth';

const req = (headers: Record<string, string | string[]> = {}, url = '/x') => ({ headers, url });
const basic = (s: string) => `Basic ${Buffer.from(s).toString('base64')}`;

describe('presentedTokens', () => {
  it('reads bearer, both halves of basic auth, the token headers and ?token=', () => {
    const found = presentedTokens(
      req({ authorization: 'Bearer b1', 'x-action-token': 'h1', 'x-actionbridge-token': 'h2' }, '/dialogflow/es?a=1&token=q1'),
    );
    expect(found.sort()).toEqual(['b1', 'h1', 'h2', 'q1']);
    expect(presentedTokens(req({ authorization: basic('user:pa:ss') })).sort()).toEqual(['pa:ss', 'user']);
  });

  it('ignores unknown schemes and empty values', () => {
    expect(presentedTokens(req({ authorization: 'Digest abc', 'x-action-token': '' }, '/x?token='))).toEqual([]);
  });
});

describe('isAuthorized', () => {
  it('lets everything through when no token is configured', () => {
    expect(isAuthorized(req(), undefined)).toBe(true);
    expect(isAuthorized(req(), [])).toBe(true);
  });

  it('needs one presented token to match exactly', () => {
    expect(isAuthorized(req({ authorization: 'Bearer t0k' }), ['t0k'])).toBe(true);
    expect(isAuthorized(req({ authorization: 'bearer t0k' }), ['t0k'])).toBe(true);
    expect(isAuthorized(req({ authorization: 'Bearer t0' }), ['t0k'])).toBe(false);
    expect(isAuthorized(req({ authorization: 'Bearer T0K' }), ['t0k'])).toBe(false);
    expect(isAuthorized(req({ authorization: 'Bearer other', 'x-action-token': 't0k' }), ['t0k'])).toBe(true);
    expect(isAuthorized(req(), ['t0k'])).toBe(false);
  });

  it('compares secrets of any length without throwing', () => {
    expect(isAuthorized(req({ authorization: 'Bearer short' }), ['a much longer secret value'])).toBe(false);
    expect(isAuthorized(req({ authorization: `Bearer ${'x'.repeat(5000)}` }), ['same'])).toBe(false);
    expect(isAuthorized(req({ authorization: 'Bearer same' }), ['same'])).toBe(true);
  });
});

describe('several accepted tokens (a rotation)', () => {
  const check = tokenCheck(['old-token-1', 'new-token-2']);

  it('accepts each of them, in any form, and nothing else', () => {
    expect(check(req({ authorization: 'Bearer old-token-1' }))).toBe(true);
    expect(check(req({}, '/x?token=new-token-2'))).toBe(true);
    expect(check(req({ 'x-action-token': 'new-token-2' }))).toBe(true);
    expect(check(req({ authorization: 'Bearer third-token-3' }))).toBe(false);
    // Neither a concatenation nor the variable's raw value is a token.
    expect(check(req({ authorization: 'Bearer old-token-1,new-token-2' }))).toBe(false);
    expect(check(req({ authorization: 'Bearer old-token-1new-token-2' }))).toBe(false);
  });

  it('accepts a request carrying a wrong token beside a right one, as with a single token', () => {
    expect(check(req({ authorization: 'Bearer third-token-3', 'x-action-token': 'old-token-1' }))).toBe(true);
  });
});
