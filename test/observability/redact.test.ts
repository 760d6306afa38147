import { redact, redactString, registerSecret, registerSecretsFromEnv } from '../../src/observability/redact';
import { captureLogs } from '../support/log-capture';

describe('redactString', () => {
  it.each([
    ['write to ada.lovelace+bots@example.co.uk please', 'write to [email] please'],
    ['a@b.io', '[email]'],
  ])('emails: %s', (input, expected) => {
    expect(redactString(input)).toBe(expected);
  });

  it.each([
    ['call me on +49 151 23456789 today', 'call me on [phone] today'],
    ['(555) 123-4567', '[phone]'],
    ['+1-202-555-0175', '[phone]'],
    ['my number: 07700900123', 'my number: [phone]'],
  ])('phone numbers: %s', (input, expected) => {
    expect(redactString(input)).toBe(expected);
  });

  it.each([
    'booked for 2026-11-24',
    'at 2026-11-24T06:00:29.123Z',
    'on 24.11.2026',
    'listening on 127.0.0.1:5055',
    'proxy 10.200.30.40',
    'took 1234 ms',
    'order ORD-2026-0042',
    'version 3.16.0',
    'request 1a2b3c4d-5e6f-7081-92a3-b4c5d6e7f809',
  ])('leaves non-personal numbers alone: %s', (input) => {
    expect(redactString(input)).toBe(input);
  });

  it('JWTs', () => {
    const jwt = 'eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiJhZGEiLCJleHAiOjF9.c2lnbmF0dXJlLXZhbHVl';
    const out = redactString(`token=${jwt} end`);
    expect(out).not.toContain('eyJzdWIi');
    expect(out).not.toContain('c2lnbmF0dXJl');
    expect(out).toContain('[token]');
    expect(out).toMatch(/ end$/);
  });

  it('Bearer and Basic credentials keep their scheme', () => {
    expect(redactString('Authorization: Bearer abcDEF123456789xyz')).toBe('Authorization: Bearer [token]');
    expect(redactString('sent bearer s3cr3t-t0ken_value.x')).toBe('sent bearer [token]');
    expect(redactString('Basic YWRhOmh1bnRlcjI=')).toBe('Basic [token]');
  });

  it('registered secrets, wherever they appear', () => {
    registerSecret('zq-Registered-Secret-71');
    expect(redactString('url ?token=zq-Registered-Secret-71&x=zq-Registered-Secret-71')).toBe('url ?token=[secret]&x=[secret]');
  });

  it('ignores secrets too short to be meaningful (would shred every line)', () => {
    registerSecret('ab');
    expect(redactString('abc tab ab')).toBe('abc tab ab');
  });
});

describe('redact (values)', () => {
  it('hides values under sensitive keys and redacts nested strings, without touching the input', () => {
    const input = {
      user: { email: 'grace@example.com', note: 'phone +44 20 7946 0958' },
      password: 'hunter2',
      apiKey: 'k-123',
      'x-api-key': 'k-456',
      headers: { Authorization: 'Bearer abcdefghijklmnop', cookie: 'sid=1' },
      list: ['ada@example.org', 42, null],
      count: 3,
    };
    const copy = JSON.parse(JSON.stringify(input)) as unknown;
    expect(redact(input)).toEqual({
      user: { email: '[email]', note: 'phone [phone]' },
      password: '[secret]',
      apiKey: '[secret]',
      'x-api-key': '[secret]',
      headers: { Authorization: '[secret]', cookie: '[secret]' },
      list: ['[email]', 42, null],
      count: 3,
    });
    expect(input).toEqual(copy);
  });

  it('errors become {name, message, stack}, all redacted', () => {
    const out = redact(new TypeError('no user ada@example.org')) as Record<string, unknown>;
    expect(out).toMatchObject({ name: 'TypeError', message: 'no user [email]' });
    expect(String(out.stack)).toMatch(/^TypeError: no user \[email\]\n\s+at /);
    expect(String(out.stack)).not.toContain('ada@example.org');
  });
});

describe('createLogger', () => {
  it('writes JSON lines with personal data redacted from the message and metadata', async () => {
    const logs = captureLogs();
    logs.logger.info('mail from ada@example.org', { from: 'ada@example.org', auth: 'Bearer abcdefghijklmnop', nested: { phone: '+49 151 23456789' } });
    const line = await logs.waitFor((l) => String(l.message).startsWith('mail from'));
    expect(line).toMatchObject({ level: 'info', message: 'mail from [email]', from: '[email]', nested: { phone: '[phone]' }, service: 'actionbridge' });
    expect(logs.text()).not.toContain('ada@example.org');
    expect(logs.text()).not.toContain('abcdefghijklmnop');
    expect(logs.text()).not.toContain('23456789');
  });

  it('respects the level', async () => {
    const logs = captureLogs('warn');
    logs.logger.info('quiet');
    logs.logger.warn('loud');
    await logs.waitFor((l) => l.message === 'loud');
    expect(logs.lines().map((l) => l.message)).toEqual(['loud']);
  });
});

describe('credentials from the environment and in URLs', () => {
  it('registers values of variables named like credentials, and URL passwords', () => {
    const scrub = redactString;
    registerSecretsFromEnv({ JIRA_API_TOKEN: 'jira-tok-1f2e3d', HUBSPOT_ACCESS_TOKEN: 'hs-tok-9a8b7c', DATABASE_URL: 'postgres://app:pw-77x1@db:5432/app', HOST: '0.0.0.0' });
    expect(scrub('calling jira with jira-tok-1f2e3d and hs-tok-9a8b7c')).toBe('calling jira with [secret] and [secret]');
    expect(scrub('db postgres://app:pw-77x1@db:5432/app')).not.toContain('pw-77x1');
    expect(scrub('listening on 0.0.0.0')).toBe('listening on 0.0.0.0');
  });

  it('hides token query parameters in logged URLs', () => {
    const scrub = redactString;
    expect(scrub('POST /webhook?token=abc123xyz&x=1')).toBe('POST /webhook?token=[secret]&x=1');
    expect(scrub('GET /metrics?api_key=k-1')).toBe('GET /metrics?api_key=[secret]');
  });
});

describe('redact on deeply nested values', () => {
  it('never hands back a value below its depth limit unredacted', () => {
    let nested: unknown = { email: 'ada@example.com' };
    for (let i = 0; i < 20; i++) nested = { inner: nested };
    const text = JSON.stringify(redact(nested));
    expect(text).not.toContain('ada@example.com');
    expect(text).toContain('[nested too deep]');
  });
});
