/**
 * Proactive messages end to end (#16): a ticket filed from a conversation, then Jira's signed
 * webhook about it → /hooks/jira → the outbox → the Rasa fake's trigger_intent for that
 * conversation, exactly once (also for a webhook delivered twice, and while Rasa is down for a
 * while); HubSpot's v3-signed webhooks about a contact a lead job created; and enrolment in a
 * HubSpot workflow through the outbox. Real outbox, runner, gateway and adapters on PostgreSQL.
 */
import { createHmac, randomBytes } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import request from 'supertest';
import YAML from 'yaml';
import { InboundHooks } from '../../src/channels/hooks/inbound-hooks';
import { decodeHubspotUri } from '../../src/channels/hooks/proactive-hooks';
import { HubspotCrm } from '../../src/connectors/hubspot';
import { HubspotWorkflows } from '../../src/connectors/hubspot/workflows';
import { Gateway } from '../../src/connectors/kit/gateway';
import { LocalKnowledgeBase } from '../../src/connectors/local/knowledge-base';
import { LocalTicketing } from '../../src/connectors/local/ticketing';
import { RasaAssistant } from '../../src/connectors/rasa';
import { actionPorts } from '../../src/delivery/action-ports';
import { proactivePorts } from '../../src/delivery/proactive';
import { createDeliveryRuntime, type DeliveryRuntime } from '../../src/delivery/runtime';
import { silentLogger } from '../../src/observability/logger';
import type { Enrolment } from '../../src/ports/enrolment';
import { ticketFiler } from '../../src/ports/ticketing';
import { createActionServer, type ActionServer } from '../../src/server/app';
import { FieldCipher, migrate, parseDataKeys, type PgStore } from '../../src/store';
import { companyActionsRegistry } from '../support/connectors';
import { testDeliveryConfig, TEST_POLICY } from '../support/delivery';
import { FakeHubspot } from '../support/fakes/hubspot';
import { FakeRasa } from '../support/fakes/rasa';
import { createPgSchema, type PgSchema } from '../support/stores';
import { replyOf, webhookBody } from '../support/webhook-body';

const JIRA_SECRET = 'jira-webhook-secret-proactive';
const HUBSPOT_SECRET = 'hubspot-client-secret-0123';
const RASA_TOKEN = 'rasa-token-proactive';
const WORKFLOW_ID = '4242';
const domain = YAML.parse(fs.readFileSync(path.join(__dirname, '../../rasa-project/domain.yml'), 'utf8')) as { intents: string[] };

describe('proactive messages through the outbox', () => {
  let schema: PgSchema;
  let store: PgStore;
  let rasa: FakeRasa;
  let hubspot: FakeHubspot;
  let runtime: DeliveryRuntime;
  let server: ActionServer;
  let url: string;
  let ports: ReturnType<typeof actionPorts> & { enrolment?: Enrolment };
  const cipher = new FieldCipher(parseDataKeys(`k1:${randomBytes(32).toString('base64')}`));

  beforeAll(async () => {
    schema = await createPgSchema();
    store = schema.store(6);
    await migrate(store);
    rasa = await new FakeRasa(domain.intents, RASA_TOKEN).start();
    hubspot = await new FakeHubspot().start();
    hubspot.workflows.add(WORKFLOW_ID);
    const gateway = new Gateway({ defaults: { ...TEST_POLICY, attemptTimeoutMs: 2_000 } });
    const hubspotSettings = { accessToken: 'hubspot-token', baseUrl: hubspot.url };
    const systems = {
      ticketing: new LocalTicketing(store, 'SUP'),
      knowledgeBase: new LocalKnowledgeBase(store),
      crm: new HubspotCrm(hubspotSettings, gateway),
      assistant: new RasaAssistant({ url: rasa.url, token: RASA_TOKEN }, gateway),
      enrolment: new HubspotWorkflows({ ...hubspotSettings, workflowId: WORKFLOW_ID }, gateway),
    };
    runtime = createDeliveryRuntime({ store, cipher, ports: systems, config: testDeliveryConfig({ budgetMs: 0 }), logger: silentLogger() });
    ports = proactivePorts(actionPorts(systems, runtime.delivery), systems, runtime.delivery);
    await runtime.start('server');
    const hooks = new InboundHooks(runtime.outbox, { secrets: { jira: JIRA_SECRET }, toleranceSeconds: 300, hubspot: { clientSecret: HUBSPOT_SECRET } }, { triggers: true });
    server = createActionServer({ config: { BODY_LIMIT: 1024 * 1024, SHUTDOWN_TIMEOUT_MS: 2_000 }, registry: companyActionsRegistry(), logger: silentLogger(), hooks, services: ports });
    const { port } = await server.listen(0, '127.0.0.1');
    url = `http://127.0.0.1:${port}`;
  });
  afterAll(async () => {
    await server.shutdown();
    await runtime.stop();
    await rasa.stop();
    await hubspot.stop();
    await store.close();
    await schema.drop();
  });

  /** Files a ticket from `sender` as action_file_ticket does; resolves with its key and filer mark. */
  async function fileTicket(sender: string, summary: string): Promise<{ key: string; mark: string }> {
    const filedBy = ticketFiler(sender);
    const reference = `ref-${summary.replace(/\W+/g, '-')}`;
    const input = { summary, description: 'It broke.', severity: 'high' as const, reference, filedBy };
    await ports.ticketing!.fileTicket(input, `action_file_ticket:${reference}`, { conversationId: sender });
    const job = await until(async () => (await runtime.outbox.list()).find((j) => j.status === 'done' && (j.payload as { reference?: string }).reference === reference));
    return { key: (job.result as { key: string }).key, mark: filedBy.conversation };
  }

  function jiraIssueEvent(key: string, mark: string, event: Record<string, unknown>, resolved = true): string {
    const state = resolved ? { resolution: { name: 'Fixed' }, status: { name: 'Done', statusCategory: { key: 'done' } } } : { resolution: null, status: { name: 'In Progress', statusCategory: { key: 'indeterminate' } } };
    return JSON.stringify({ timestamp: Date.now(), issue: { key, fields: { summary: 'Printer on fire', labels: ['chatbot', `ab-conversation-${mark}`], ...state } }, ...event });
  }

  /** The trigger job written for a conversation (the webhook's answer names the first job it wrote). */
  const triggerJobOf = async (sender: string) =>
    (await runtime.outbox.list({ limit: 1000 })).find((j) => j.type === 'rasa.trigger' && (j.payload as { conversationId?: string }).conversationId === sender);

  const jiraHeaders = (body: string, identifier: string) => ({
    'Content-Type': 'application/json',
    'X-Hub-Signature': `sha256=${createHmac('sha256', JIRA_SECRET).update(body).digest('hex')}`,
    'X-Atlassian-Webhook-Identifier': identifier,
  });

  const postJira = (body: string, identifier: string) => request(url).post('/hooks/jira').set(jiraHeaders(body, identifier)).send(body);

  it('tells the conversation that filed a ticket once it is resolved, once, also when Jira delivers the webhook twice', async () => {
    const sender = 'conv-resolved-1';
    const { key, mark } = await fileTicket(sender, 'Printer on fire');
    // What the vendor sees is the hash; the sender id is kept here only, sealed.
    const { rows } = await store.query<{ sender_id: string }>('SELECT sender_id FROM conversation_refs WHERE hash = $1', [mark]);
    expect(rows[0]!.sender_id).toMatch(/^enc:v1:k1:/);

    const body = jiraIssueEvent(key, mark, { webhookEvent: 'jira:issue_updated', changelog: { items: [{ field: 'resolution' }, { field: 'status' }] } });
    const first = await postJira(body, 'wh-resolved-1');
    expect(first.status).toBe(202);
    expect(first.body.triggers).toBe(1);
    const again = await postJira(body, 'wh-resolved-1');
    expect(again.status).toBe(401);

    await until(() => rasa.triggersFor(sender).length > 0 || undefined);
    await settled();
    expect(rasa.triggersFor(sender)).toEqual([
      { conversationId: sender, intent: 'EXTERNAL_ticket_resolved', entities: { ticket_key: key, ticket_resolution: 'Fixed' }, outputChannel: 'latest' },
    ]);
  });

  it('action_file_ticket names its conversation: the ticket it files is reported back there', async () => {
    const sender = 'conv-through-action';
    const res = await request(url)
      .post('/webhook')
      .send(webhookBody('action_file_ticket', { senderId: sender, text: 'file it', intent: 'report_problem', slots: { ticket_summary: 'Fax jammed', ticket_description: 'It beeps all day.' } }));
    expect(replyOf(res.body).slots.ticket_key).toMatch(/^REF-/);
    const mark = ticketFiler(sender).conversation;
    const job = await until(async () =>
      (await runtime.outbox.list({ limit: 1000 })).find((j) => j.type === 'ticket.create' && j.status === 'done' && (j.payload as { filedBy?: { conversation?: string } }).filedBy?.conversation === mark),
    );
    const key = (job.result as { key: string }).key;
    const body = jiraIssueEvent(key, mark, { webhookEvent: 'jira:issue_updated', changelog: { items: [{ field: 'resolution' }] } });
    expect((await postJira(body, 'wh-action-1')).body.triggers).toBe(1);
    await until(() => rasa.triggersFor(sender).length > 0 || undefined);
    await settled();
    expect(rasa.triggersFor(sender).map((t) => [t.intent, t.entities])).toEqual([['EXTERNAL_ticket_resolved', { ticket_key: key, ticket_resolution: 'Fixed' }]]);
  });

  it('keeps trying while Rasa is down (refusing, no model loaded) and delivers the message exactly once when it is back', async () => {
    const sender = 'conv-rasa-down';
    const { key, mark } = await fileTicket(sender, 'Screen flickers');
    rasa.fail({ status: 503, times: 2, body: { version: '3.6.20', status: 'failure', message: 'Service Unavailable', reason: 'ServiceUnavailable', code: 503 } });
    rasa.modelLoaded = false;
    const body = jiraIssueEvent(key, mark, { webhookEvent: 'comment_created', comment: { body: 'We replaced the cable.' } }, false);
    const res = await postJira(body, 'wh-comment-down');
    expect(res.status).toBe(202);
    try {
      await until(async () => ((await triggerJobOf(sender))?.attempts ?? 0) >= 4 || undefined);
      expect(rasa.triggersFor(sender)).toEqual([]);
    } finally {
      rasa.modelLoaded = true;
    }
    await until(async () => (await triggerJobOf(sender))?.status === 'done' || undefined);
    await settled();
    expect(rasa.triggersFor(sender)).toEqual([{ conversationId: sender, intent: 'EXTERNAL_ticket_commented', entities: { ticket_key: key, ticket_comment: 'We replaced the cable.' }, outputChannel: 'latest' }]);
  });

  it('tells nobody about internal comments, later edits of a resolved issue, or tickets no recorded conversation filed', async () => {
    const { key, mark } = await fileTicket('conv-quiet', 'Mouse squeaks');
    const internal = await postJira(jiraIssueEvent(key, mark, { webhookEvent: 'comment_created', comment: { body: 'Customer is annoying', jsdPublic: false } }), 'wh-internal');
    const edit = await postJira(jiraIssueEvent(key, mark, { webhookEvent: 'jira:issue_updated', changelog: { items: [{ field: 'description' }] } }), 'wh-edit');
    const stranger = await postJira(jiraIssueEvent('SUP-999', ticketFiler('never-recorded').conversation, { webhookEvent: 'comment_created', comment: { body: 'hello' } }), 'wh-stranger');
    // The resolved issue's knowledge-base job stays what it was; no trigger comes with it.
    for (const res of [internal, edit, stranger]) expect(res.body.triggers).toBeUndefined();
    await settled();
    expect(rasa.triggersFor('conv-quiet')).toEqual([]);
  });

  describe('HubSpot', () => {
    const hubspotHeaders = (uri: string, body: string, at = Date.now(), secret = HUBSPOT_SECRET) => ({
      'Content-Type': 'application/json',
      'X-HubSpot-Request-Timestamp': String(at),
      'X-HubSpot-Signature-v3': createHmac('sha256', secret).update(`POST${decodeHubspotUri(uri)}${body}${at}`).digest('base64'),
    });
    const postHubspot = (pathAndQuery: string, body: string, headers: Record<string, string>) => request(url).post(pathAndQuery).set(headers).send(body);

    async function leadFrom(sender: string, email: string): Promise<string> {
      await ports.crm!.saveLead({ name: 'Ada Lovelace', email, source: 'Chatbot' }, undefined, `action_create_lead:${email}`, { conversationId: sender });
      return until(() => [...hubspot.contacts.values()].find((c) => c.properties.email === email)?.id);
    }

    it('checks the v3 signature over the URL HubSpot called (with its decoding), refuses a bad signature, an old timestamp and a replay', async () => {
      const body = JSON.stringify([{ eventId: 1, subscriptionType: 'contact.creation', objectId: 1, occurredAt: Date.now() }]);
      const target = '/hooks/hubspot?portal=a%3Ab%40c';
      const headers = hubspotHeaders(`${url}${target}`, body);
      expect((await postHubspot(target, body, headers)).status).toBe(200);
      expect((await postHubspot(target, body, headers)).body).toMatchObject({ code: 'invalid_signature' });
      const wrong = await postHubspot(target, body, hubspotHeaders(`${url}${target}`, body, Date.now(), 'not-the-secret'));
      expect(wrong.status).toBe(401);
      const old = await postHubspot(target, body, hubspotHeaders(`${url}${target}`, body, Date.now() - 6 * 60_000));
      expect(old.status).toBe(401);
      // Signed over the URL still encoded: not what HubSpot signs, so not HubSpot.
      const at = Date.now();
      const encoded = createHmac('sha256', HUBSPOT_SECRET).update(`POST${url}${target}${body}${at}`).digest('base64');
      const res = await postHubspot(target, body, { 'Content-Type': 'application/json', 'X-HubSpot-Request-Timestamp': String(at), 'X-HubSpot-Signature-v3': encoded });
      expect(res.status).toBe(401);
      expect(res.body.code).toBe('invalid_signature');
    });

    it('tells the conversation that gave a lead when its contact moves to another lifecycle stage, once per event', async () => {
      const sender = 'conv-lead-1';
      const contactId = await leadFrom(sender, 'ada@example.com');
      const events = [
        { eventId: 501, subscriptionType: 'contact.propertyChange', objectId: Number(contactId), propertyName: 'lifecyclestage', propertyValue: 'salesqualifiedlead', occurredAt: Date.now() },
        { eventId: 502, subscriptionType: 'contact.propertyChange', objectId: 999_999, propertyName: 'lifecyclestage', propertyValue: 'customer', occurredAt: Date.now() },
      ];
      const body = JSON.stringify(events);
      const first = await postHubspot('/hooks/hubspot', body, hubspotHeaders(`${url}/hooks/hubspot`, body));
      expect(first.status).toBe(202);
      expect(first.body.triggers).toBe(1);
      // HubSpot re-sends a batch it got no 2xx for with a new timestamp: a new signature, the same events.
      const resent = await postHubspot('/hooks/hubspot', body, hubspotHeaders(`${url}/hooks/hubspot`, body, Date.now() + 1));
      expect(resent.status).toBe(202);
      expect(resent.body.duplicate).toBe(true);
      await until(() => rasa.triggersFor(sender).length > 0 || undefined);
      await settled();
      expect(rasa.triggersFor(sender)).toEqual([{ conversationId: sender, intent: 'EXTERNAL_lead_stage_changed', entities: { lead_stage: 'salesqualifiedlead' }, outputChannel: 'latest' }]);
    });
  });

  it('enrols a lead in the configured HubSpot workflow through the outbox, waiting for its contact to exist', async () => {
    const email = 'grace@example.com';
    // Asked before the lead is saved: the enrolment waits instead of dying on HubSpot's 404.
    const enrolled = await ports.enrolment!.enrollContact(email, 'enrol:grace');
    expect(enrolled.state).toBe('queued');
    await new Promise((r) => setTimeout(r, 300));
    expect(hubspot.enrollments).toEqual([]);
    await ports.crm!.saveLead({ name: 'Grace Hopper', email, source: 'Chatbot' }, undefined, `action_create_lead:${email}`, { conversationId: 'conv-grace' });
    await until(() => (hubspot.enrollments.length > 0 ? true : undefined));
    await settled();
    expect(hubspot.enrollments).toEqual([{ workflowId: WORKFLOW_ID, email }]);
    expect(hubspot.received('POST', `/automation/v2/workflows/${WORKFLOW_ID}/enrollments/contacts/${encodeURIComponent(email)}`).length).toBe(1);
  });

  /** Until every job is done or dead, so "exactly once" is checked after everything ran. */
  async function settled(): Promise<void> {
    await until(async () => ((await runtime.outbox.list({ limit: 1000 })).every((j) => j.status === 'done' || j.status === 'dead') ? true : undefined));
  }
});

async function until<T>(probe: () => T | undefined | Promise<T | undefined>, timeoutMs = 15_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value !== undefined && value !== false) return value;
    if (Date.now() > deadline) throw new Error('condition not met in time');
    await new Promise((r) => setTimeout(r, 25));
  }
}
