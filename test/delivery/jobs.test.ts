import { AppError } from '../../src/errors';
import { ConnectorError } from '../../src/connectors/kit/connector-error';
import { AwaitingConsistency, isPermanent, retryDelay } from '../../src/delivery/jobs';
import { jobReferenceFor, parseJobReference } from '../../src/delivery/job-reference';
import { signature, signedHeaders, verifyHubSignature, verifySignature } from '../../src/http/signature';
import { createHmac } from 'node:crypto';

describe('retry schedule between job attempts', () => {
  const schedule = (r: number) => ({ baseMs: 1_000, maxMs: 60_000, random: () => r });

  it('doubles per attempt with jitter over the upper half of the step, capped', () => {
    expect(retryDelay(1, new Error('x'), schedule(0))).toBe(500);
    expect(retryDelay(1, new Error('x'), schedule(1))).toBe(1_000);
    expect(retryDelay(3, new Error('x'), schedule(0))).toBe(2_000);
    expect(retryDelay(3, new Error('x'), schedule(1))).toBe(4_000);
    expect(retryDelay(30, new Error('x'), schedule(1))).toBe(60_000);
  });

  it("never comes back sooner than the vendor's Retry-After (up to the cap)", () => {
    const limited = new AppError('rate_limited', 'slow down', { retryAfterSeconds: 20 });
    expect(retryDelay(1, limited, schedule(0))).toBe(20_000);
    const huge = new AppError('rate_limited', 'slow down', { retryAfterSeconds: 3_600 });
    expect(retryDelay(1, huge, schedule(0))).toBe(60_000);
  });

  it('gives up at once on failures a retry cannot fix, and retries transient ones', () => {
    for (const kind of ['validation', 'auth', 'forbidden', 'not_found'] as const) {
      expect(retryDelay(1, new ConnectorError(kind, 'no', { connector: 'jira', retry: 'never' }), schedule(0))).toBeNull();
      expect(isPermanent(new AppError(kind, 'no'))).toBe(true);
    }
    // An open breaker says "never" to the gateway's retry, but the job tries again later.
    const open = new ConnectorError('upstream_unavailable', 'paused', { connector: 'jira', retry: 'never', retryAfterSeconds: 30 });
    expect(retryDelay(1, open, schedule(0))).toBe(30_000);
  });

  it("waits exactly until a vendor's search can be believed, neither doubled by attempts nor capped", () => {
    expect(retryDelay(1, new AwaitingConsistency(7_300.2, 'not yet'), schedule(1))).toBe(7_301);
    expect(retryDelay(12, new AwaitingConsistency(7_300, 'not yet'), schedule(1))).toBe(7_300);
    expect(retryDelay(1, new AwaitingConsistency(90_000, 'not yet'), { baseMs: 20, maxMs: 200 })).toBe(90_000);
  });
});

describe('job references', () => {
  it('are stable per idempotency key, distinct across keys, and read back in any case', () => {
    const a = jobReferenceFor('action_file_ticket:abc');
    expect(a).toMatch(/^REF-[0-9A-HJKMNP-TV-Z]{10}$/);
    expect(jobReferenceFor('action_file_ticket:abc')).toBe(a);
    expect(jobReferenceFor('action_file_ticket:abd')).not.toBe(a);
    expect(parseJobReference(` ${a.toLowerCase()} `)).toBe(a);
    expect(parseJobReference('SUP-12')).toBeNull();
    expect(parseJobReference(42)).toBeNull();
  });
});

describe('webhook signatures', () => {
  const body = Buffer.from('{"event":"demo.requested"}');
  const now = 1_764_000_000_000;

  it('signs timestamp + "." + body with HMAC-SHA256', () => {
    const expected = createHmac('sha256', 's3cret').update(`1764000000.${body.toString()}`).digest('hex');
    expect(signature('s3cret', 1_764_000_000, body)).toBe(`v1=${expected}`);
    expect(signedHeaders('s3cret', body.toString(), now)).toEqual({ 'X-ActionBridge-Timestamp': '1764000000', 'X-ActionBridge-Signature': `v1=${expected}` });
  });

  it('verifies, and names why a request is refused', () => {
    const headers = { timestamp: '1764000000', signature: signature('s3cret', 1_764_000_000, body) };
    const opts = { toleranceSeconds: 300, nowMs: now };
    expect(verifySignature('s3cret', headers, body, opts)).toEqual({ ok: true, timestamp: 1_764_000_000, signature: headers.signature });
    expect(verifySignature('other', headers, body, opts)).toEqual({ ok: false, reason: 'bad_signature' });
    expect(verifySignature('s3cret', headers, Buffer.from('{"event":"x"}'), opts)).toEqual({ ok: false, reason: 'bad_signature' });
    expect(verifySignature('s3cret', headers, body, { ...opts, nowMs: now + 301_000 })).toEqual({ ok: false, reason: 'stale_timestamp' });
    expect(verifySignature('s3cret', { ...headers, timestamp: 'yesterday' }, body, opts)).toEqual({ ok: false, reason: 'bad_timestamp' });
    expect(verifySignature('s3cret', { timestamp: headers.timestamp }, body, opts)).toEqual({ ok: false, reason: 'missing_signature' });
    // Rotation: any one of several signatures may match.
    expect(verifySignature('s3cret', { ...headers, signature: `${signature('old-secret', 1_764_000_000, body)}, ${headers.signature}` }, body, opts).ok).toBe(true);
    // Only well-formed values: padding a valid header with junk is refused, not taken as new.
    expect(verifySignature('s3cret', { ...headers, signature: `v1=00ff, ${headers.signature}` }, body, opts)).toEqual({ ok: false, reason: 'malformed_signature' });
  });

  it("checks Jira's X-Hub-Signature over the raw body", () => {
    const hub = `sha256=${createHmac('sha256', 'jira').update(body).digest('hex')}`;
    expect(verifyHubSignature('jira', hub, body)).toBe(true);
    expect(verifyHubSignature('jira', hub, Buffer.from('{}'))).toBe(false);
    expect(verifyHubSignature('jira', undefined, body)).toBe(false);
  });
});
