/** The shared token check: which credentials count, and that nothing else does. */
import { isAuthorized, presentedTokens, tokenMatches } from '../../src/http/auth';

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
  });

  it('needs one presented token to match exactly', () => {
    expect(isAuthorized(req({ authorization: 'Bearer t0k' }), 't0k')).toBe(true);
    expect(isAuthorized(req({ authorization: 'bearer t0k' }), 't0k')).toBe(true);
    expect(isAuthorized(req({ authorization: 'Bearer t0' }), 't0k')).toBe(false);
    expect(isAuthorized(req({ authorization: 'Bearer T0K' }), 't0k')).toBe(false);
    expect(isAuthorized(req({ authorization: 'Bearer other', 'x-action-token': 't0k' }), 't0k')).toBe(true);
    expect(isAuthorized(req(), 't0k')).toBe(false);
  });

  it('compares secrets of any length without throwing', () => {
    expect(tokenMatches('short', 'a much longer secret value')).toBe(false);
    expect(tokenMatches('same', 'same')).toBe(true);
  });
});
