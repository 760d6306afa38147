/**
 * Issue #16, notifications end to end: the ticket and lead actions through a real /webhook, the
 * PostgreSQL outbox and its worker, the systems built from an environment as the server builds
 * them, and the Slack or Teams fake on 127.0.0.1 receiving the message.
 */
import request from 'supertest';
import { createLead } from '../../actions/create-lead';
import { fileTicket } from '../../actions/file-ticket';
import { loadConnectorsConfig } from '../../src/connectors/config';
import { Gateway } from '../../src/connectors/kit/gateway';
import { createSystems, type Systems } from '../../src/connectors/registry';
import { actionPorts } from '../../src/delivery/action-ports';
import type { DeliveryConfig } from '../../src/delivery/config';
import { JOB_TYPES } from '../../src/delivery/handlers';
import { followUpKey } from '../../src/delivery/job-runner';
import { jobReferenceFor } from '../../src/delivery/job-reference';
import { createDeliveryRuntime, type DeliveryRuntime } from '../../src/delivery/runtime';
import { silentLogger } from '../../src/observability/logger';
import type { TrackerSpec } from '../../src/sdk/testkit';
import { createActionServer, type ActionServer } from '../../src/server/app';
import { migrate, type PgStore } from '../../src/store';
import { CREATE, eventually, JIRA_AUTH, testDeliveryConfig, TEST_POLICY } from '../support/delivery';
import { FakeJira } from '../support/fakes/jira';
import { FakeSlack } from '../support/fakes/slack';
import { FakeTeams } from '../support/fakes/teams';
import { registryOf } from '../support/server';
import { createPgSchema, type PgSchema } from '../support/stores';
import { replyOf, webhookBody } from '../support/webhook-body';

const TOKEN = 'xoxb-test-token';
const CHANNEL = 'C0NOTIFY01';

interface Stack {
  systems: Systems;
  runtime: DeliveryRuntime;
  store: PgStore;
  call(action: string, spec: TrackerSpec): Promise<{ text: string; slots: Record<string, unknown> }>;
  close(): Promise<void>;
}

async function startStack(env: Record<string, string>, config: Partial<DeliveryConfig> = {}): Promise<Stack> {
  const schema: PgSchema = await createPgSchema();
  const store = schema.store(6);
  await migrate(store);
  // The first fetch of the process loads undici, slower than TEST_POLICY's 400 ms attempt on a busy machine.
  const gateway = new Gateway({ defaults: { ...TEST_POLICY, attemptTimeoutMs: 3_000 } });
  const systems = createSystems(loadConnectorsConfig(env), { store, gateway });
  const runtime = createDeliveryRuntime({ store, ports: systems, config: testDeliveryConfig({ budgetMs: 2_000, ...config }), logger: silentLogger() });
  const server: ActionServer = createActionServer({
    config: { BODY_LIMIT: 1024 * 1024, SHUTDOWN_TIMEOUT_MS: 2_000 },
    registry: registryOf(fileTicket, createLead),
    logger: silentLogger(),
    services: actionPorts(systems, runtime.delivery),
  });
  const url = `http://127.0.0.1:${(await server.listen(0, '127.0.0.1')).port}`;
  return {
    systems,
    runtime,
    store,
    async call(action, spec) {
      const res = await request(url).post('/webhook').send(webhookBody(action, spec));
      expect(res.status).toBe(200);
      const { texts, slots } = replyOf(res.body);
      return { text: texts[0] ?? '', slots };
    },
    async close() {
      await server.shutdown();
      await runtime.stop();
      await store.close();
      await schema.drop();
    },
  };
}

const ticket = (severity: string, sender = 'user-1'): TrackerSpec => ({
  senderId: sender,
  events: [{ event: 'user', text: 'checkout is down', timestamp: 100 }],
  slots: { ticket_summary: 'Checkout is down <!channel> for *everyone*', ticket_description: 'Nobody can pay since 9:00.', ticket_severity: severity },
});

const lead = (over: Record<string, string | null> = {}): TrackerSpec => ({
  senderId: 'visitor-9',
  events: [{ event: 'user', text: 'I would like a demo', timestamp: 100 }],
  slots: { lead_name: 'Ada Lovelace', lead_email: 'ada@example.com', lead_company: 'Analytical Engines', lead_interest: 'the enterprise plan', ...over },
});

async function notifyJobs(store: PgStore): Promise<{ reference: string; status: string; idempotency_key: string }[]> {
  const { rows } = await store.query<{ reference: string; status: string; idempotency_key: string }>(`SELECT reference, status, idempotency_key FROM outbox_jobs WHERE type = $1`, [JOB_TYPES.notify]);
  return rows;
}

describe('Slack notifications through actions, the outbox and the Slack fake', () => {
  let slack: FakeSlack;
  let s: Stack;
  beforeEach(async () => {
    slack = await new FakeSlack(TOKEN, [CHANNEL]).start();
    s = await startStack({ NOTIFY_PROVIDER: 'slack', SLACK_BOT_TOKEN: TOKEN, SLACK_CHANNEL: CHANNEL, SLACK_API_URL: `${slack.url}/api` });
  });
  afterEach(async () => {
    await s.close();
    await slack.stop();
  });

  it('a critical ticket is posted to the channel once, escaped, with its key and the job reference as metadata; Rasa re-sending the call adds nothing', async () => {
    const first = await s.call('action_file_ticket', ticket('critical'));
    const key = first.slots.ticket_key as string;
    expect(key).toMatch(/^LOCAL-\d+$/);
    await s.runtime.start('server');
    await eventually('the Slack message', () => slack.messages.length === 1);
    await s.call('action_file_ticket', ticket('critical'));
    const [job] = await notifyJobs(s.store);
    await eventually('the notify job done', async () => (await s.runtime.outbox.get(job!.reference))?.status === 'done');

    expect(slack.messages).toHaveLength(1);
    const msg = slack.messages[0]!;
    expect(msg.channel).toBe(CHANNEL);
    expect(msg.text).toBe(`P1 ticket ${key}: Checkout is down &lt;!channel&gt; for *everyone*`);
    expect(msg.metadata).toEqual({ event_type: 'actionbridge_notification', event_payload: { reference: job!.reference, event: 'ticket.p1' } });
    expect(JSON.stringify(msg.blocks)).not.toContain('<!channel>');
    // As the SDK sends it: form-encoded, the token in the header only.
    const sent = slack.postsReceived()[0]!;
    expect(sent.headers.authorization).toBe(`Bearer ${TOKEN}`);
    expect(String(sent.headers['content-type'])).toContain('application/x-www-form-urlencoded');
    expect(sent.body).not.toHaveProperty('token');
    const ticketJob = (await s.runtime.outbox.list()).find((j) => j.type === JOB_TYPES.ticket)!;
    expect(job!.idempotency_key).toBe(followUpKey(ticketJob.reference, JOB_TYPES.notify));
    expect(job!.reference).toBe(jobReferenceFor(followUpKey(ticketJob.reference, JOB_TYPES.notify)));
  });

  it('a high ticket notifies nobody', async () => {
    await s.call('action_file_ticket', ticket('high'));
    expect((await s.runtime.outbox.list()).map((j) => [j.type, j.status])).toEqual([[JOB_TYPES.ticket, 'done']]);
    expect(await notifyJobs(s.store)).toEqual([]);
    expect(slack.postsReceived()).toHaveLength(0);
  });

  it('a new lead with company and interest is announced (without the email); one without an interest is not', async () => {
    await s.call('action_create_lead', lead());
    await s.call('action_create_lead', lead({ lead_email: 'bob@example.com', lead_name: 'Bob', lead_interest: null }));
    await s.runtime.start('server');
    await eventually('the Slack message', () => slack.messages.length === 1);
    const [job] = await notifyJobs(s.store);
    await eventually('the notify job done', async () => (await s.runtime.outbox.get(job!.reference))?.status === 'done');
    expect(await notifyJobs(s.store)).toHaveLength(1);
    expect(slack.messages[0]!.text).toBe('New qualified lead: Ada Lovelace: Ada Lovelace from Analytical Engines is interested in the enterprise plan.');
    expect(JSON.stringify(slack.messages[0])).not.toContain('ada@example.com');
  });

  it('a ticket job that dies after enqueuing its notification but before recording done runs again without a second notification', async () => {
    await s.call('action_file_ticket', ticket('critical'));
    const ticketJob = (await s.runtime.outbox.list()).find((j) => j.type === JOB_TYPES.ticket)!;
    expect(await notifyJobs(s.store)).toHaveLength(1);
    // As the row of a holder that crashed after enqueuing the follow-up: still running, its lease over.
    await s.store.query(`UPDATE outbox_jobs SET status = 'running', result = NULL, completed_at = NULL, locked_until = now() - interval '1 second' WHERE reference = $1`, [ticketJob.reference]);
    expect((await s.runtime.runner.runNow(ticketJob.reference)).status).toBe('done');
    // The same ticket (the local system keeps one per reference), announced by the same follow-up.
    expect((await s.runtime.outbox.get(ticketJob.reference))!.result).toMatchObject({ key: 'LOCAL-1' });
    const [job, ...others] = await notifyJobs(s.store);
    expect(others).toEqual([]);
    expect((await s.runtime.runner.runNow(job!.reference)).status).toBe('done');
    expect(slack.messages).toHaveLength(1);
  });

  it('a rate limit is waited out (Retry-After) and the message posted once', async () => {
    slack.rateLimit(1, 1);
    await s.call('action_file_ticket', ticket('critical'));
    await s.runtime.start('server');
    await eventually('the Slack message', () => slack.messages.length === 1);
    const [job] = await notifyJobs(s.store);
    await eventually('the notify job done', async () => (await s.runtime.outbox.get(job!.reference))?.status === 'done');
    expect(slack.postsReceived()).toHaveLength(2);
    expect(await s.runtime.outbox.get(job!.reference)).toMatchObject({ status: 'done', result: { provider: 'slack', id: slack.messages[0]!.ts } });
  });
});

describe('Slack notifications follow only a ticket Jira filed', () => {
  let slack: FakeSlack;
  let jira: FakeJira;
  let s: Stack;
  beforeEach(async () => {
    slack = await new FakeSlack(TOKEN, [CHANNEL]).start();
    jira = await new FakeJira(JIRA_AUTH).start();
    s = await startStack(
      {
        NOTIFY_PROVIDER: 'slack',
        SLACK_BOT_TOKEN: TOKEN,
        SLACK_CHANNEL: CHANNEL,
        SLACK_API_URL: `${slack.url}/api`,
        TICKETING_PROVIDER: 'jira',
        JIRA_HOST: jira.url,
        JIRA_EMAIL: JIRA_AUTH.email,
        JIRA_API_TOKEN: JIRA_AUTH.apiToken,
        JIRA_PROJECT_KEY: 'SUP',
      },
      { budgetMs: 300 },
    );
  });
  afterEach(async () => {
    await s.close();
    await jira.stop();
    await slack.stop();
  });

  it('while Jira is down nothing is posted; once the queued ticket is filed, one message names its key', async () => {
    let down = true;
    jira.fail({ status: 503, times: Infinity, body: { errorMessages: ['Jira is down'] }, match: () => down });
    const queued = await s.call('action_file_ticket', ticket('critical'));
    expect(queued.slots.ticket_key).toMatch(/^REF-/);
    expect(await notifyJobs(s.store)).toEqual([]);
    down = false;
    await s.runtime.start('server');
    await eventually('the Slack message', () => slack.messages.length === 1);
    expect(slack.messages[0]!.text).toMatch(/^P1 ticket SUP-1: /);
    expect(jira.issues.size).toBe(1);
    expect(await notifyJobs(s.store)).toHaveLength(1);
  });

  it('a ticket Jira refuses for good is dead-lettered and never announced', async () => {
    jira.fail({ status: 400, times: Infinity, body: { errorMessages: [], errors: { summary: 'Field is required.' } }, match: CREATE });
    const refused = await s.call('action_file_ticket', ticket('critical'));
    expect(refused.slots.ticket_key ?? null).toBeNull();
    expect((await s.runtime.outbox.list()).map((j) => [j.type, j.status])).toEqual([[JOB_TYPES.ticket, 'dead']]);
    expect(await notifyJobs(s.store)).toEqual([]);
    expect(slack.postsReceived()).toHaveLength(0);
  });
});

describe('Slack failures in the outbox', () => {
  let slack: FakeSlack;
  let s: Stack;
  afterEach(async () => {
    await s.close();
    await slack.stop();
  });
  const start = async (token: string) => {
    slack = await new FakeSlack(TOKEN, [CHANNEL]).start();
    s = await startStack({ NOTIFY_PROVIDER: 'slack', SLACK_BOT_TOKEN: token, SLACK_CHANNEL: CHANNEL, SLACK_API_URL: `${slack.url}/api` });
  };

  it('invalid_auth dead-letters the notification at once with a message naming SLACK_BOT_TOKEN; the ticket stays filed', async () => {
    await start('xoxb-wrong');
    const filed = await s.call('action_file_ticket', ticket('critical'));
    expect(filed.slots.ticket_key).toMatch(/^LOCAL-\d+$/);
    const [job] = await notifyJobs(s.store);
    const outcome = await s.runtime.runner.runNow(job!.reference);
    expect(outcome.status).toBe('dead');
    const dead = await s.runtime.outbox.get(job!.reference);
    expect(dead).toMatchObject({ status: 'dead', attempts: 1 });
    expect(dead!.lastError).toBe('auth: Slack refused the bot token (invalid_auth): check SLACK_BOT_TOKEN.');
    expect(slack.messages).toHaveLength(0);
  });

  it('a post whose answer was lost is found in the channel history by its metadata on the next attempt, not posted again', async () => {
    await start(TOKEN);
    slack.dropAfterActing({ match: (r) => r.path === '/api/chat.postMessage' });
    await s.call('action_file_ticket', ticket('critical'));
    const [job] = await notifyJobs(s.store);
    expect((await s.runtime.runner.runNow(job!.reference)).status).toBe('retrying');
    expect(slack.messages).toHaveLength(1);
    // Another message in the channel meanwhile, with metadata of its own: not taken for ours.
    slack.messages.push({ channel: CHANNEL, ts: '9999999999.000001', text: 'someone else', metadata: { event_type: 'actionbridge_notification', event_payload: { reference: 'REF-OTHER' } } });
    await eventually('the consistency window to pass', async () => (await s.runtime.runner.runNow(job!.reference)).status === 'done', 10_000);
    expect(slack.postsReceived()).toHaveLength(1);
    const history = slack.received('POST', '/api/conversations.history');
    expect(history.length).toBeGreaterThanOrEqual(1);
    expect(history[0]!.body).toMatchObject({ channel: CHANNEL, include_all_metadata: 'true' });
    expect(await s.runtime.outbox.get(job!.reference)).toMatchObject({ status: 'done', result: { id: slack.messages[0]!.ts, found: true } });
  });

  it('a post answered 500 is posted again only after the history, read once the window has passed, shows nothing of it', async () => {
    await start(TOKEN);
    slack.fail({ status: 500, raw: 'upstream connect error', match: (r) => r.path === '/api/chat.postMessage' });
    await s.call('action_file_ticket', ticket('critical'));
    const [job] = await notifyJobs(s.store);
    expect((await s.runtime.runner.runNow(job!.reference)).status).toBe('retrying');
    await s.runtime.start('server');
    await eventually('the notify job done', async () => (await s.runtime.outbox.get(job!.reference))?.status === 'done', 15_000);
    expect(slack.messages).toHaveLength(1);
    // A 500 may have come after Slack acted: the history was read first and held nothing of ours.
    expect(slack.received('POST', '/api/conversations.history').length).toBeGreaterThanOrEqual(1);
    expect(slack.postsReceived()).toHaveLength(2);
  });
});

describe('Teams notifications through actions, the outbox and the Teams fake', () => {
  let teams: FakeTeams;
  let s: Stack;
  beforeEach(async () => {
    teams = await new FakeTeams().start();
    s = await startStack({ NOTIFY_PROVIDER: 'teams', TEAMS_WEBHOOK_URL: teams.webhookUrl });
  });
  afterEach(async () => {
    await s.close();
    await teams.stop();
  });

  it('a critical ticket becomes one Adaptive Card (202), its markdown escaped and its reference shown', async () => {
    const filed = await s.call('action_file_ticket', ticket('critical'));
    await s.runtime.start('server');
    await eventually('the Teams card', () => teams.cards.length === 1);
    const [job] = await notifyJobs(s.store);
    await eventually('the notify job done', async () => (await s.runtime.outbox.get(job!.reference))?.status === 'done');
    const card = teams.cards[0]!;
    expect(card.version).toBe('1.4');
    expect(card.body[0]!.text).toBe(`P1 ticket ${String(filed.slots.ticket_key)}`);
    expect(card.body[1]!.text).toBe('Checkout is down <!channel> for \\*everyone\\*');
    expect(card.body.at(-1)!.text).toBe(`Reference ${job!.reference}`);
    expect(teams.postsReceived()).toHaveLength(1);
  });

  it('a 429 is retried after its Retry-After; a refused card (400) is dead-lettered with Teams\' reason', async () => {
    teams.rateLimit(1, 1);
    await s.call('action_file_ticket', ticket('critical'));
    await s.runtime.start('server');
    await eventually('the Teams card', () => teams.cards.length === 1);
    expect(teams.postsReceived()).toHaveLength(2);

    teams.fail({ status: 400, body: { error: { code: 'InvalidRequestContent', message: 'The card is not valid.' } } });
    await s.call('action_file_ticket', ticket('critical', 'user-3'));
    await eventually('the second notification dead', async () => (await notifyJobs(s.store)).some((j) => j.status === 'dead'));
    const dead = (await notifyJobs(s.store)).find((j) => j.status === 'dead')!;
    expect((await s.runtime.outbox.get(dead.reference))!.lastError).toMatch(/^validation: The Teams webhook answered 400: .*The card is not valid/);
  });

  it('a post whose answer was lost is posted again (at least once: Teams cannot be asked what it has)', async () => {
    teams.dropAfterActing();
    await s.call('action_file_ticket', ticket('critical'));
    const [job] = await notifyJobs(s.store);
    expect((await s.runtime.runner.runNow(job!.reference)).status).toBe('retrying');
    expect((await s.runtime.runner.runNow(job!.reference, { onlyDue: false })).status).toBe('done');
    expect(teams.cards).toHaveLength(2);
    expect(new Set(teams.cards.map((c) => c.body.at(-1)!.text))).toEqual(new Set([`Reference ${job!.reference}`]));
  });
});
