/** The console's admin session: only ADMIN_TOKEN opens one, it cannot be forged or stretched, and it binds the CSRF token. */
import { AdminSessions, cookieValue, sameOrigin, sessionCookie, SESSION_TTL_MS } from '../../src/server/status/admin-session';

const TOKEN = 'admin-tok-7c1f2e';
const OTHER = 'admin-tok-rotated-9b3a';

describe('AdminSessions', () => {
  it('a wrong or empty token opens nothing; the right one opens a session naming who and which token', () => {
    const s = new AdminSessions([TOKEN, OTHER]);
    expect(s.login('nope', 'Eve')).toBeNull();
    expect(s.login('', 'Eve')).toBeNull();
    const a = s.login(TOKEN, 'Ada')!;
    const b = s.login(OTHER, 'Bob')!;
    expect(a.session.name).toBe('Ada');
    expect(a.session.tokenId).toMatch(/^[0-9a-f]{12}$/);
    expect(a.session.tokenId).not.toBe(b.session.tokenId);
    expect(a.cookie.includes(TOKEN)).toBe(false);
    expect(s.verify(a.cookie)).toEqual(a.session);
    expect(s.verify(b.cookie)).toEqual(b.session);
  });

  it('refuses a cookie signed under another token, an edited one, garbage, and an expired one', () => {
    let now = 1_000_000;
    const mine = new AdminSessions([TOKEN], () => now);
    const theirs = new AdminSessions(['someone-elses-token'], () => now);
    const forged = theirs.login('someone-elses-token', 'Mallory')!.cookie;
    expect(mine.verify(forged)).toBeNull();

    const { cookie } = mine.login(TOKEN, 'Ada')!;
    const [body, mac] = cookie.split('.') as [string, string];
    const edited = Buffer.from(JSON.stringify({ ...JSON.parse(Buffer.from(body, 'base64url').toString()), name: 'Root' })).toString('base64url');
    expect(mine.verify(`${edited}.${mac}`)).toBeNull();
    for (const bad of [undefined, '', '.', 'abc', `${body}.`, `${body}.${'A'.repeat(43)}`, 'x'.repeat(5000)]) expect(mine.verify(bad)).toBeNull();

    now += SESSION_TTL_MS - 1;
    expect(mine.verify(cookie)).not.toBeNull();
    now += 1;
    expect(mine.verify(cookie)).toBeNull();
  });

  it('ends every session of a token removed from ADMIN_TOKEN', () => {
    const before = new AdminSessions([TOKEN, OTHER]);
    const { cookie } = before.login(TOKEN, 'Ada')!;
    expect(new AdminSessions([OTHER]).verify(cookie)).toBeNull();
    expect(new AdminSessions([OTHER, TOKEN]).verify(cookie)).not.toBeNull();
  });

  it('binds the CSRF token to the session', () => {
    const s = new AdminSessions([TOKEN]);
    const a = s.login(TOKEN, 'Ada')!.session;
    const b = s.login(TOKEN, 'Ada')!.session;
    expect(s.csrfMatches(a, s.csrfToken(a))).toBe(true);
    expect(s.csrfMatches(a, s.csrfToken(b))).toBe(false);
    expect(s.csrfMatches(a, undefined)).toBe(false);
    expect(s.csrfMatches(a, '')).toBe(false);
  });

  it('is disabled without ADMIN_TOKEN', () => {
    expect(new AdminSessions(undefined).enabled).toBe(false);
    expect(new AdminSessions([]).login('', 'x')).toBeNull();
  });
});

describe('cookie and origin helpers', () => {
  it('reads one cookie among several, and writes a strict one', () => {
    expect(cookieValue({ headers: { cookie: 'a=1; ab_console_admin=xyz.abc; b=2' } }, 'ab_console_admin')).toBe('xyz.abc');
    expect(cookieValue({ headers: {} }, 'ab_console_admin')).toBeUndefined();
    const c = sessionCookie('v', false);
    expect(c).toContain('HttpOnly');
    expect(c).toContain('SameSite=Strict');
    expect(c).toContain('Path=/status');
    expect(c).not.toContain('Secure');
    expect(sessionCookie('v', true)).toContain('; Secure');
    expect(sessionCookie('', false, 0)).toContain('Max-Age=0');
  });

  it('accepts only an Origin naming the host the request went to', () => {
    const h = (origin: string | undefined) => ({ headers: { host: '127.0.0.1:5055', ...(origin === undefined ? {} : { origin }) } });
    expect(sameOrigin(h('http://127.0.0.1:5055'), false)).toBe(true);
    expect(sameOrigin(h('https://127.0.0.1:5055'), false)).toBe(false);
    expect(sameOrigin(h('http://127.0.0.1:5056'), false)).toBe(false);
    expect(sameOrigin(h('http://evil.example'), false)).toBe(false);
    expect(sameOrigin(h('null'), false)).toBe(false);
    expect(sameOrigin(h(undefined), false)).toBe(false);
    expect(sameOrigin(h('https://127.0.0.1:5055'), true)).toBe(true);
  });
});
