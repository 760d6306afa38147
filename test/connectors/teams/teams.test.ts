/** The Teams adapter against the Workflows webhook fake on 127.0.0.1. */
import type { ConnectorError } from '../../../src/connectors/kit/connector-error';
import { Gateway } from '../../../src/connectors/kit/gateway';
import { TeamsNotifier, TEAMS_PAYLOAD_MAX_BYTES } from '../../../src/connectors/teams';
import type { Notification } from '../../../src/ports/notifier';
import { FakeTeams, TEAMS_MAX_BYTES } from '../../support/fakes/teams';
import { TEST_POLICY } from '../../support/policy';

const note = (over: Partial<Notification> = {}): Notification => ({
  reference: 'REF-0000000002',
  event: 'lead.qualified',
  title: 'New qualified lead: Ada',
  text: 'Ada from Analytical Engines is interested in [free stuff](https://evil.example) **now**',
  facts: [{ name: 'Company', value: 'Analytical Engines' }],
  ...over,
});

describe('Teams notifier (Workflows webhook fake)', () => {
  let teams: FakeTeams;
  const notifier = (url = teams.webhookUrl) => new TeamsNotifier({ webhookUrl: url }, new Gateway({ defaults: { ...TEST_POLICY, attemptTimeoutMs: 3_000 } }));
  beforeEach(async () => {
    teams = await new FakeTeams().start();
  });
  afterEach(async () => {
    await teams.stop();
  });

  it('posts one Adaptive Card (202) whose text cannot link or format, with the reference and an Open button', async () => {
    await notifier().send(note({ url: 'https://crm.example/lead/1' }));
    const card = teams.cards[0]!;
    expect(card.body[1]!.text).toBe('Ada from Analytical Engines is interested in \\[free stuff\\]\\(https://evil.example\\) \\*\\*now\\*\\*');
    expect(card.body[2]).toEqual({ type: 'FactSet', facts: [{ title: 'Company', value: 'Analytical Engines' }] });
    expect(card.actions).toEqual([{ type: 'Action.OpenUrl', title: 'Open', url: 'https://crm.example/lead/1' }]);
    expect(teams.postsReceived()[0]!.headers['content-type']).toBe('application/json');
  });

  it('escapes list markers at the start of a line only, and leaves other punctuation alone', async () => {
    await notifier().send(note({ text: '- one\n  2. two\nA-1. v2.0 + #tag > quote' }));
    expect(teams.cards[0]!.body[1]!.text).toBe('\\- one\n  2\\. two\nA-1. v2.0 + #tag > quote');
  });

  it('stays under 28 KB however long the text, without splitting an emoji', async () => {
    await notifier().send(note({ text: '🚀*'.repeat(20_000), facts: Array.from({ length: 15 }, (_, i) => ({ name: `Fact ${i}`, value: '🚀_'.repeat(2_000) })) }));
    expect(Buffer.byteLength(teams.postsReceived()[0]!.rawBody)).toBeLessThan(TEAMS_PAYLOAD_MAX_BYTES);
    expect(teams.cards).toHaveLength(1);
  });

  it('names each refusal: 400 validation (not retried), 404 for a wrong URL, 429 retried after Retry-After', async () => {
    teams.fail({ status: 400, body: { error: { code: 'InvalidRequestContent', message: 'bad card' } } });
    const refused = (await notifier().send(note()).catch((e: unknown) => e)) as ConnectorError;
    expect([refused.kind, refused.retry, refused.status]).toEqual(['validation', 'never', 400]);
    const gone = (await notifier(`${teams.url}/workflows/nope/triggers/manual/paths/invoke?sig=x`).send(note()).catch((e: unknown) => e)) as ConnectorError;
    expect([gone.kind, gone.status]).toEqual(['not_found', 404]);
    teams.rateLimit(1, 1);
    await notifier().send(note());
    expect(teams.cards).toHaveLength(1);
    // The refused card, the rate-limited one and its retry (the wrong URL is another path).
    expect(teams.postsReceived()).toHaveLength(3);
  });
});

describe('Teams fake strictness', () => {
  let teams: FakeTeams;
  beforeEach(async () => {
    teams = await new FakeTeams().start();
  });
  afterEach(async () => {
    await teams.stop();
  });
  const post = (body: string) => fetch(teams.webhookUrl, { method: 'POST', headers: { 'Content-Type': 'application/json' }, body });
  const card = (content: unknown) => JSON.stringify({ type: 'message', attachments: [{ contentType: 'application/vnd.microsoft.card.adaptive', content }] });

  it('refuses a body over 28 KB (413), malformed JSON or cards (400), and takes a good card with 202', async () => {
    const big = card({ type: 'AdaptiveCard', version: '1.4', body: [{ type: 'TextBlock', text: 'x'.repeat(TEAMS_MAX_BYTES) }] });
    expect((await post(big)).status).toBe(413);
    expect((await post('{not json')).status).toBe(400);
    expect((await post(card({ type: 'AdaptiveCard', version: '1.4', body: [] }))).status).toBe(400);
    expect((await post(card({ type: 'AdaptiveCard', version: '1.4', body: [{ type: 'Marquee', text: 'hi' }] }))).status).toBe(400);
    expect((await post(JSON.stringify({ text: 'plain' }))).status).toBe(400);
    const ok = await post(card({ type: 'AdaptiveCard', version: '1.4', body: [{ type: 'TextBlock', text: 'hi' }] }));
    expect([ok.status, await ok.text()]).toEqual([202, '']);
    expect(teams.cards).toHaveLength(1);
  });
});
