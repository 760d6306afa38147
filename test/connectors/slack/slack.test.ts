/**
 * The Slack adapter over the real @slack/web-api against the Slack fake on 127.0.0.1: what it
 * posts, how each refusal is named, that only the gateway retries, and the history read back.
 */
import { ConnectorError } from '../../../src/connectors/kit/connector-error';
import { Gateway } from '../../../src/connectors/kit/gateway';
import { SlackNotifier, SLACK_TEXT_MAX } from '../../../src/connectors/slack';
import type { Notification } from '../../../src/ports/notifier';
import { FakeSlack } from '../../support/fakes/slack';
import { TEST_POLICY } from '../../support/policy';

const TOKEN = 'xoxb-test-token';
const CHANNEL = 'C0NOTIFY01';
/** The process's first fetch loads undici: more than TEST_POLICY's 400 ms on a busy machine. */
const COLD_START = { attemptTimeoutMs: 3_000 };
const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;

const note = (over: Partial<Notification> = {}): Notification => ({
  reference: 'REF-0000000001',
  event: 'ticket.p1',
  title: 'P1 ticket SUP-7',
  text: 'Checkout is down',
  facts: [{ name: 'Ticket', value: 'SUP-7' }],
  url: 'https://acme.atlassian.net/browse/SUP-7',
  ...over,
});

async function failureOf(p: Promise<unknown>): Promise<ConnectorError> {
  const err = await p.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(err).toBeInstanceOf(ConnectorError);
  return err as ConnectorError;
}

describe('Slack notifier (@slack/web-api against the fake)', () => {
  let slack: FakeSlack;
  const notifier = (over: { token?: string; channel?: string } = {}, policy = {}) =>
    new SlackNotifier({ token: over.token ?? TOKEN, channel: over.channel ?? CHANNEL, apiUrl: `${slack.url}/api` }, new Gateway({ defaults: { ...TEST_POLICY, ...COLD_START, ...policy } }));
  beforeEach(async () => {
    slack = await new FakeSlack(TOKEN, [CHANNEL]).start();
  });
  afterEach(async () => {
    await slack.stop();
  });

  it('posts text, blocks and the reference as metadata, and answers with the message ts', async () => {
    const sent = await notifier().send(note());
    expect(sent.id).toBe(slack.messages[0]!.ts);
    const m = slack.messages[0]!;
    expect(m.blocks).toEqual([
      { type: 'header', text: { type: 'plain_text', text: 'P1 ticket SUP-7', emoji: false } },
      { type: 'section', text: { type: 'mrkdwn', text: 'Checkout is down' } },
      { type: 'section', fields: [{ type: 'mrkdwn', text: '*Ticket*\nSUP-7' }] },
      { type: 'section', text: { type: 'mrkdwn', text: '<https://acme.atlassian.net/browse/SUP-7|Open>' } },
    ]);
    expect(m.metadata).toEqual({ event_type: 'actionbridge_notification', event_payload: { reference: 'REF-0000000001', event: 'ticket.p1' } });
    expect(slack.postsReceived()[0]!.body).toMatchObject({ unfurl_links: 'false', channel: CHANNEL });
  });

  it('keeps text under the recommended 4,000 characters and blocks under their limits without splitting an emoji', async () => {
    const long = `${'a'.repeat(3_990)}${'🚀'.repeat(20_000)}`;
    await notifier().send(note({ title: `${'T'.repeat(149)}🚀 title`, text: long, facts: Array.from({ length: 12 }, (_, i) => ({ name: `F${i}`, value: '🚀'.repeat(3_000) })) }));
    const m = slack.messages[0]!;
    expect(m.text.length).toBeLessThanOrEqual(SLACK_TEXT_MAX);
    expect(m.text.endsWith('…')).toBe(true);
    expect(LONE_SURROGATE.test(JSON.stringify(m))).toBe(false);
    expect(((m.blocks![2] as { fields: unknown[] }).fields)).toHaveLength(10);
  });

  it('names a refused token, an unknown channel and a channel the app is not in; none is retried', async () => {
    const auth = await failureOf(notifier({ token: 'xoxb-wrong' }).send(note()));
    expect([auth.kind, auth.vendorCode, auth.message]).toEqual(['auth', 'invalid_auth', 'Slack refused the bot token (invalid_auth): check SLACK_BOT_TOKEN.']);
    const unknown = await failureOf(notifier({ channel: 'C0NOWHERE1' }).send(note()));
    expect([unknown.kind, unknown.vendorCode]).toEqual(['not_found', 'channel_not_found']);
    slack.channels.set('C0PRIVATE1', { member: false });
    const outside = await failureOf(notifier({ channel: 'C0PRIVATE1' }).send(note()));
    expect([outside.kind, outside.vendorCode]).toEqual(['not_found', 'not_in_channel']);
    expect(outside.message).toContain('invite the app');
    expect(slack.postsReceived()).toHaveLength(3);
  });

  it('a 429 is retried by the gateway after Retry-After (the SDK does not wait or retry on its own)', async () => {
    slack.rateLimit(1, 1);
    await notifier().send(note());
    const posts = slack.postsReceived();
    expect(posts).toHaveLength(2);
    expect(slack.messages).toHaveLength(1);
  });

  it('a Retry-After longer than the gateway waits fails the call as rate_limited with the wait, after one request', async () => {
    slack.rateLimit(30, 1);
    const err = await failureOf(notifier().send(note()));
    expect([err.kind, err.retryAfterSeconds]).toEqual(['rate_limited', 30]);
    expect(slack.postsReceived()).toHaveLength(1);
  });

  it('a post that hangs past the attempt timeout is abandoned (the SDK request aborted) and not repeated within the call', async () => {
    slack.delay({ ms: 1_000, match: (r) => r.path === '/api/chat.postMessage' });
    const err = await failureOf(notifier({}, { attemptTimeoutMs: 150 }).send(note()));
    expect([err.kind, err.vendorCode]).toEqual(['upstream_unavailable', 'timeout']);
    expect(slack.postsReceived()).toHaveLength(1);
  });

  it('findSent reads the channel history with metadata, page by page, and finds only its own reference', async () => {
    const n = notifier();
    await n.send(note({ reference: 'REF-AAAAAAAAAA' }));
    for (let i = 0; i < 250; i++) slack.messages.push({ channel: CHANNEL, ts: `${2_000_000_000 + i}.000100`, text: `noise ${i}` });
    const found = await n.findSent('REF-AAAAAAAAAA', new Date(Date.now() - 1_000));
    expect(found).toEqual({ id: slack.messages[0]!.ts });
    expect(slack.received('POST', '/api/conversations.history')).toHaveLength(2);
    expect(await n.findSent('REF-BBBBBBBBBB', new Date(Date.now() - 1_000))).toBeNull();
  });
});

describe('Slack fake strictness', () => {
  let slack: FakeSlack;
  beforeEach(async () => {
    slack = await new FakeSlack(TOKEN, [CHANNEL]).start();
  });
  afterEach(async () => {
    await slack.stop();
  });
  const post = (body: unknown, headers: Record<string, string>) =>
    fetch(`${slack.url}/api/chat.postMessage`, { method: 'POST', headers, body: typeof body === 'string' ? body : JSON.stringify(body) }).then(async (r) => ({ status: r.status, body: (await r.json()) as Record<string, unknown> }));

  it('answers as Slack does: not_authed without a token, JSON bodies only with a Bearer header, msg_too_long, no_text, invalid_blocks, invalid_metadata_format', async () => {
    const json = { 'Content-Type': 'application/json' };
    expect((await post({ channel: CHANNEL, text: 'hi' }, json)).body).toEqual({ ok: false, error: 'not_authed' });
    expect((await post({ channel: CHANNEL, text: 'hi', token: TOKEN }, json)).body).toEqual({ ok: false, error: 'not_authed' });
    const bearer = { ...json, Authorization: `Bearer ${TOKEN}` };
    expect((await post({ channel: CHANNEL, text: 'x'.repeat(40_001) }, bearer)).body).toEqual({ ok: false, error: 'msg_too_long' });
    expect((await post({ channel: CHANNEL }, bearer)).body).toEqual({ ok: false, error: 'no_text' });
    const tooMany = Array.from({ length: 51 }, () => ({ type: 'section', text: { type: 'mrkdwn', text: 'x' } }));
    expect((await post({ channel: CHANNEL, blocks: tooMany }, bearer)).body).toMatchObject({ ok: false, error: 'invalid_blocks' });
    expect((await post({ channel: CHANNEL, text: 'x', metadata: { event_type: 'Bad Type', event_payload: {} } }, bearer)).body).toEqual({ ok: false, error: 'invalid_metadata_format' });
    const ok = await post({ channel: CHANNEL, text: 'hello' }, bearer);
    expect(ok).toMatchObject({ status: 200, body: { ok: true, channel: CHANNEL, message: { text: 'hello' } } });
    expect(slack.messages).toHaveLength(1);
  });
});
