/**
 * Finding 1 of the security audit (#13): a `sender_id` of "a"*40000 + "@" + "a"*40000 froze the
 * process for ~9 s after answering, because redacting the log line backtracked quadratically;
 * "eyJ-"*10000 did the same to the JWT pattern. Redaction is now linear, and a long sender id is
 * bounded before anything logs, counts or stores it.
 */
import { performance } from 'node:perf_hooks';
import { boundedId, MAX_ID_CHARS } from '../../src/observability/bounded-id';
import { MAX_LOGGED_CHARS, redactString } from '../../src/observability/redact';
import { replaceEmails, replaceJwts } from '../../src/observability/redact-scan';
import { echoAction, throwingAction } from '../support/actions';
import { prng, pick } from '../support/fuzz';
import { request, postWebhook } from '../support/http';
import { captureLogs } from '../support/log-capture';
import { registryOf, startTestServer } from '../support/server';
import { webhookBody } from '../support/webhook-body';

/** The patterns the scans replace, kept here as the reference they must agree with. */
const EMAIL = /[A-Za-z0-9._%+-]+@[A-Za-z0-9.-]+\.[A-Za-z]{2,}/g;
const JWT = /\beyJ[A-Za-z0-9_-]{5,}\.[A-Za-z0-9_-]{5,}\.[A-Za-z0-9_-]*/g;

function randomText(rnd: () => number, pieces: readonly string[], max: number): string {
  let s = '';
  const n = Math.floor(rnd() * max);
  for (let i = 0; i < n; i++) s += pick(rnd, pieces);
  return s;
}

describe('linear scans agree with the patterns they replace', () => {
  it('emails: 20,000 seeded random strings', () => {
    const rnd = prng(1301);
    const pieces = ['a', 'b', 'Z', '9', '.', '-', '_', '%', '+', '@', ' ', 'com', 'x.y', '@a.b', '..', ',', 'é'];
    for (let i = 0; i < 20_000; i++) {
      const s = randomText(rnd, pieces, 24);
      expect([s, replaceEmails(s, '[email]')]).toEqual([s, s.replace(EMAIL, '[email]')]);
    }
  });

  it('JWTs: 20,000 seeded random strings', () => {
    const rnd = prng(1302);
    const pieces = ['eyJ', 'a', 'B', '7', '_', '-', '.', ' ', 'x', 'abcde', 'eyJhbGciOi', ':', '/'];
    for (let i = 0; i < 20_000; i++) {
      const s = randomText(rnd, pieces, 20);
      expect([s, replaceJwts(s, '[token]')]).toEqual([s, s.replace(JWT, '[token]')]);
    }
  });

  it('still redacts what it should', () => {
    expect(redactString('mail ada@example.com and eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxIn0.c2lnbmF0dXJl now')).toBe('mail [email] and [token] now');
  });
});

describe('hostile sender ids', () => {
  const hostile = ['a'.repeat(40_000) + '@' + 'a'.repeat(40_000), 'eyJ-'.repeat(10_000), ('a'.repeat(2_000) + '@').repeat(40) + 'x.yz'];

  it('are redacted exactly as the patterns would (the answer the slow patterns took seconds to give)', () => {
    expect(redactString(hostile[0]!)).toBe(hostile[0]);
    expect(redactString(hostile[1]!)).toBe(hostile[1]);
    // Only the last `@` has a domain with a dot: its run of 2,000 a's is the address.
    expect(redactString(hostile[2]!)).toBe(('a'.repeat(2_000) + '@').repeat(39) + '[email]');
  });

  it('are bounded before they are logged or keyed on, the same way every time', () => {
    const long = 'x'.repeat(1_000_000);
    expect(boundedId(long).length).toBeLessThan(MAX_ID_CHARS);
    expect(boundedId(long)).toBe(boundedId('x'.repeat(1_000_000)));
    expect(boundedId(long)).not.toBe(boundedId('x'.repeat(999_999)));
    expect(boundedId('user-42')).toBe('user-42');
  });

  it('leave /health answering within 500 ms while such a call is served and logged', async () => {
    const logs = captureLogs();
    const server = await startTestServer(registryOf(echoAction, throwingAction), { logger: logs.logger });
    try {
      // The sender id is logged with each call; the crash's message (which quotes the slots) with
      // the error: both are hostile, and both go through redaction.
      const senderId = hostile[0]!;
      const call = postWebhook(server.url, webhookBody('action_throw', { senderId, slots: { note: hostile[0] } }));
      const latencies: number[] = [];
      const started = performance.now();
      let answered = false;
      void call.then(() => (answered = true));
      while (!answered || performance.now() - started < 1_500) {
        const t0 = performance.now();
        expect((await request(server.url, { path: '/health' })).status).toBe(200);
        latencies.push(performance.now() - t0);
        await new Promise((r) => setTimeout(r, 20));
      }
      expect((await call).status).toBe(500);
      expect(Math.max(...latencies)).toBeLessThan(500);
      const line = await logs.waitFor((l) => l.message === 'action call');
      // Logged bounded, never raw.
      expect(String(line.senderId).length).toBeLessThan(MAX_ID_CHARS);
      // The crash's message quotes the 80 KB slot: logged clipped, not whole.
      const crash = await logs.waitFor((l) => l.message === 'action failed');
      expect(JSON.stringify(crash).length).toBeLessThan(3 * MAX_LOGGED_CHARS);
      expect(logs.text().length).toBeLessThan(10 * MAX_LOGGED_CHARS);
    } finally {
      await server.close();
    }
  });
});
