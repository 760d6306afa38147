/** Which errors are reported (bugs, once each) and what a report may carry (scrubbed like the logs). */
import type { ErrorEvent } from '@sentry/node';
import { ActionExecutionRejection, ActionNotFound, AppError, DomainNotFound } from '../../src/errors';
import { ConnectorError } from '../../src/connectors/kit/connector-error';
import { bugReporter, type ErrorContext } from '../../src/observability/error-reporter';
import { redactString, registerSecret } from '../../src/observability/redact';
import { scrubBreadcrumb, scrubEvent } from '../../src/observability/sentry-scrub';

describe('bugReporter', () => {
  const collect = () => {
    const sent: [unknown, ErrorContext][] = [];
    return { sent, reporter: bugReporter((err, ctx) => sent.push([err, ctx]), async () => undefined) };
  };

  it('reports errors outside the taxonomy, each object once', () => {
    const { sent, reporter } = collect();
    const bug = new TypeError('x is undefined');
    reporter.reportBug(bug, { action: 'action_a', requestId: 'r1' });
    reporter.reportBug(bug, { requestId: 'r1', route: '/webhook' });
    reporter.reportBug(new RangeError('other'));
    reporter.reportBug('a thrown string');
    expect(sent).toEqual([
      [bug, { action: 'action_a', requestId: 'r1' }],
      [expect.any(RangeError), {}],
      ['a thrown string', {}],
    ]);
  });

  it('leaves out bad input, refusals and vendor faults', () => {
    const { sent, reporter } = collect();
    reporter.reportBug(new AppError('validation', 'bad slot'));
    reporter.reportBug(new ConnectorError('upstream_unavailable', 'Jira is down', { connector: 'jira', retry: 'safe' }));
    reporter.reportBug(new ActionExecutionRejection('action_a'));
    reporter.reportBug(new ActionNotFound('action_b'));
    reporter.reportBug(new DomainNotFound('action_c'));
    expect(sent).toEqual([]);
  });

  it('never throws when sending fails', () => {
    const reporter = bugReporter(() => {
      throw new Error('transport broke');
    }, async () => undefined);
    expect(() => reporter.reportBug(new TypeError('bug'))).not.toThrow();
  });
});

describe('scrubEvent', () => {
  it('keeps method and path of the request; drops body, cookies, query, credentials and the user', () => {
    registerSecret('configured-secret-4242');
    const event = {
      event_id: 'e1',
      exception: { values: [{ type: 'TypeError', value: 'failed for grace@example.com, card 5500-0000-0000-0004, key configured-secret-4242' }] },
      request: {
        method: 'POST',
        url: 'http://actions:5055/webhook?token=query-token-77',
        query_string: 'token=query-token-77',
        data: '{"tracker":{"slots":{"email":"grace@example.com"}}}',
        cookies: { sid: 'cookie-value-88' },
        headers: { Authorization: 'Bearer header-token-99', 'X-Action-Token': 'header-token-99', 'X-Rasa-Secret': 'custom-header-11', 'Content-Type': 'application/json' },
        env: { ACTION_SERVER_TOKEN: 'env-token' },
      },
      user: { ip_address: '203.0.113.9', email: 'grace@example.com' },
      extra: { nested: { deeper: { note: 'call +44 20 7946 0958', password: 'pw-123456' } } },
      tags: { request_id: 'r1' },
    } as unknown as ErrorEvent;
    const clean = scrubEvent(event);
    expect(clean.request).toEqual({ method: 'POST', url: 'http://actions:5055/webhook', headers: { 'Content-Type': 'application/json' } });
    expect(clean.user).toBeUndefined();
    expect(clean.exception!.values![0]!.value).toBe('failed for [email], card [card], key [secret]');
    expect(clean.extra).toEqual({ nested: { deeper: { note: 'call [phone]', password: '[secret]' } } });
    expect(clean.tags).toEqual({ request_id: 'r1' });
    const text = JSON.stringify(clean);
    for (const s of ['query-token-77', 'cookie-value-88', 'header-token-99', 'custom-header-11', 'env-token', 'grace@', '203.0.113.9', '5500-0000']) expect(text).not.toContain(s);
  });

  it('replaces what is nested too deep instead of passing it through', () => {
    let deep: Record<string, unknown> = { email: 'deep@example.com' };
    for (let i = 0; i < 30; i++) deep = { next: deep };
    const clean = scrubEvent({ extra: deep } as unknown as ErrorEvent);
    expect(JSON.stringify(clean)).not.toContain('deep@example.com');
    expect(JSON.stringify(clean)).toContain('[too deep]');
  });
});

describe('scrubBreadcrumb', () => {
  it('scrubs the message and drops the query of a URL', () => {
    const clean = scrubBreadcrumb({ category: 'http', message: 'GET for ada@example.org', data: { url: 'https://crm.example/api?email=ada@example.org&token=t-1', 'http.query': 'email=ada@example.org' } });
    expect(clean).toEqual({ category: 'http', message: 'GET for [email]', data: { url: 'https://crm.example/api' } });
  });
});

describe('card numbers in the shared redaction', () => {
  it.each([
    ['4111111111111111', '[card]'],
    ['card 4111 1111 1111 1111 ok', 'card [card] ok'],
    ['5500-0000-0000-0004', '[card]'],
    // 16 digits that fail the Luhn check are an id, not a card, and stay readable.
    ['ref 4111111111111112', 'ref 4111111111111112'],
  ])('%s', (input, expected) => {
    expect(redactString(input)).toBe(expected);
  });
});
