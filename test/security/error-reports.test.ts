/**
 * Error reporting (#13): with SENTRY_DSN set, a bug on /webhook reaches Sentry, redacted like the
 * logs: no email, card number, token or cookie of the failing request leaves the process, while
 * the report still says what broke, where and for which request. Vendor faults and bad requests
 * are not reported. Sentry is a local fake ingest server here; the server is started as
 * `actionbridge serve` starts it (settings, composition root, server).
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { startServer, type Started } from '../../src/main/serve';
import { startFakeSentry, type FakeSentry } from '../support/fakes/sentry';
import { request } from '../support/http';

const TOKEN = 'rasa-token-5c9e1f0a7b';
const EMAIL = 'ada.lovelace@example.com';
const CARD = '4111111111111111';
const CARD_TYPED = '4111 1111 1111 1111';
const COOKIE = 'session-cookie-9f8e7d6c';
const ERRORS = path.resolve(__dirname, '../../src/errors');

/** One action with a bug that quotes what the user said, one whose vendor is down. */
const actionsFile = `const { AppError } = require(${JSON.stringify(ERRORS)});
module.exports = [
  {
    name: 'action_charge_card',
    kind: 'action',
    slotNames: [],
    async run({ tracker }) {
      throw new TypeError('cannot charge ' + JSON.stringify(tracker.slots) + ' (' + tracker.latestText + ')');
    },
  },
  {
    name: 'action_vendor_down',
    kind: 'action',
    slotNames: [],
    async run() {
      throw new AppError('upstream_unavailable', 'The payment provider is not answering.');
    },
  },
];
`;

function postWebhook(url: string, path: string, body: unknown, headers: Record<string, string>) {
  const raw = JSON.stringify(body);
  return request(url, { method: 'POST', path, headers: { 'Content-Type': 'application/json', 'Content-Length': Buffer.byteLength(raw), ...headers }, body: raw });
}

const call = (next: string) => ({
  next_action: next,
  tracker: {
    sender_id: 'conv-41',
    slots: { email: EMAIL, card: CARD },
    latest_message: { text: `my card is ${CARD_TYPED}, receipt to ${EMAIL}`, intent: { name: 'pay' } },
    events: [],
  },
  domain: {},
});

describe('bug reports to Sentry', () => {
  let sentry: FakeSentry;
  let started: Started;
  let dir: string;

  beforeAll(async () => {
    sentry = await startFakeSentry();
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'ab-error-reports-'));
    fs.mkdirSync(path.join(dir, 'actions'));
    fs.writeFileSync(path.join(dir, 'actions', 'payments.js'), actionsFile);
    started = await startServer({
      PATH: process.env.PATH,
      HOST: '127.0.0.1',
      PORT: '0',
      LOG_LEVEL: 'error',
      ACTIONS_DIR: path.join(dir, 'actions'),
      DATA_DIR: path.join(dir, 'data'),
      ACTION_SERVER_TOKEN: TOKEN,
      SENTRY_DSN: sentry.dsn,
    });
  });

  afterAll(async () => {
    await sentry.close();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it('reports the bug once, redacted, and nothing for a vendor fault or a bad request', async () => {
    const url = `http://127.0.0.1:${started.address.port}`;
    const headers = { Authorization: `Bearer ${TOKEN}`, Cookie: `sid=${COOKIE}`, 'X-Request-Id': 'req-bug-1' };
    // The token both in the query string (as endpoints.yml sends it) and as a bearer token.
    const post = (body: unknown) => postWebhook(url, `/webhook?token=${TOKEN}`, body, headers);

    expect((await post(call('action_charge_card'))).status).toBe(500);
    expect((await post(call('action_vendor_down'))).status).toBe(503);
    expect((await post({ next_action: 'action_charge_card', tracker: 'not a tracker' })).status).toBe(400);
    // Shutting down flushes what is still being sent.
    await started.server.shutdown();

    const events = sentry.envelopes.flatMap((e) => e.events);
    expect(events).toHaveLength(1);
    const event = events[0] as { exception: { values: { type: string; value: string }[] }; tags: Record<string, string>; request?: unknown };
    expect(event.exception.values[0]!.type).toBe('TypeError');
    expect(event.exception.values[0]!.value).toContain('cannot charge');
    expect(event.exception.values[0]!.value).toContain('[email]');
    expect(event.exception.values[0]!.value).toContain('[card]');
    expect(event.tags).toMatchObject({ request_id: 'req-bug-1', action: 'action_charge_card' });

    const raw = sentry.envelopes.map((e) => e.raw).join('\n');
    for (const secret of [EMAIL, CARD, CARD_TYPED, TOKEN, COOKIE]) expect(raw).not.toContain(secret);
    expect(raw).not.toMatch(/payment provider/);
  });
});
