/**
 * Issue #13, finding 9: from an unrelated conversation, `action_ticket_status` for LOCAL-1 read
 * back another user's summary (with a card number and a phone number), and
 * `action_document_solution` for someone else's ticket was accepted and blocked the real article.
 *
 * Replayed through /webhook with the local ticketing system and knowledge base behind the outbox,
 * on the embedded store and on PostgreSQL: the stranger now hears exactly what an unknown key
 * gets, cannot document anything, and the ticket's filer and a support agent still can.
 */
import request from 'supertest';
import { documentSolution } from '../../actions/document-solution';
import { fileTicket } from '../../actions/file-ticket';
import { ticketStatus } from '../../actions/ticket-status';
import { LocalKnowledgeBase } from '../../src/connectors/local/knowledge-base';
import { LocalTicketing } from '../../src/connectors/local/ticketing';
import { actionPorts } from '../../src/delivery/action-ports';
import { createDeliveryRuntime, type DeliveryRuntime } from '../../src/delivery/runtime';
import { JwtIdentityVerifier } from '../../src/identity/jwt-verifier';
import { silentLogger } from '../../src/observability/logger';
import type { TrackerSpec } from '../../src/sdk/testkit';
import { createActionServer, type ActionServer } from '../../src/server/app';
import { migrate, type Store } from '../../src/store';
import { testDeliveryConfig } from '../support/delivery';
import { registryOf } from '../support/server';
import { STORE_TARGETS } from '../support/stores';
import { AUDIENCE, ISSUER, SECRET, hsToken } from '../support/tokens';
import { replyOf, webhookBody } from '../support/webhook-body';

const SUMMARY = 'Card 4111 1111 1111 1111 declined, call me on +44 7700 900123';
const SECRETS = ['4111', '7700 900123', 'declined'];
const token = (sub: string, claims: Record<string, unknown> = {}, secret?: string) => hsToken({ sub, claims, secret });

describe.each(STORE_TARGETS)('tickets belong to whoever filed them ($name store)', (target) => {
  let store: Store;
  let cleanup: () => Promise<void>;
  let runtime: DeliveryRuntime;
  let server: ActionServer;
  let url: string;
  let key: string;

  async function call(action: string, spec: TrackerSpec) {
    const res = await request(url).post('/webhook').send(webhookBody(action, spec));
    expect(res.status).toBe(200);
    return { raw: JSON.stringify(res.body), body: res.body as unknown, ...replyOf(res.body) };
  }
  const status = (senderId: string, ticket: string, metadata?: Record<string, unknown>) =>
    call('action_ticket_status', { senderId, ...(metadata ? { text: 'status?', metadata } : {}), slots: { ticket_key: ticket } });
  const comments = async () => (await store.query<{ n: number }>('SELECT count(*)::int AS n FROM local_ticket_comments')).rows[0]!.n;

  beforeAll(async () => {
    ({ store, cleanup } = await target.open());
    await migrate(store);
    const systems = { ticketing: new LocalTicketing(store), knowledgeBase: new LocalKnowledgeBase(store) };
    runtime = createDeliveryRuntime({ store, ports: systems, config: testDeliveryConfig(), logger: silentLogger() });
    server = createActionServer({
      config: { BODY_LIMIT: 1024 * 1024, SHUTDOWN_TIMEOUT_MS: 2_000 },
      registry: registryOf(fileTicket, ticketStatus, documentSolution),
      logger: silentLogger(),
      services: { ...actionPorts(systems, runtime.delivery), identity: new JwtIdentityVerifier({ secret: SECRET, issuer: ISSUER, audience: AUDIENCE }) },
    });
    url = `http://127.0.0.1:${(await server.listen(0, '127.0.0.1')).port}`;

    // Ada, signed in as customer C-1001, files the ticket in her conversation.
    const filed = await call('action_file_ticket', {
      senderId: 'ada-conversation',
      text: 'yes, file it',
      metadata: { identity_token: await token('C-1001') },
      slots: { ticket_summary: SUMMARY, ticket_description: 'My card was refused at checkout.' },
    });
    key = filed.slots.ticket_key as string;
    expect(key).toBe('LOCAL-1');
  }, 60_000);
  afterAll(async () => {
    await server?.shutdown();
    await runtime?.stop();
    await cleanup?.();
  });

  it('records who filed the ticket with it, as hashes that came through the outbox', async () => {
    const { rows } = await store.query<Record<string, string | null>>('SELECT filed_by_conversation, filed_by_customer FROM local_tickets WHERE key = $1', [key]);
    expect(rows[0]!.filed_by_conversation).toMatch(/^[0-9a-f]{32}$/);
    expect(rows[0]!.filed_by_customer).toMatch(/^[0-9a-f]{32}$/);
    const jobs = await store.query<{ n: number }>(`SELECT count(*)::int AS n FROM outbox_jobs WHERE type = 'ticket.create' AND status = 'done'`);
    expect(jobs.rows[0]!.n).toBe(1);
    const row = JSON.stringify(rows[0]);
    expect(row).not.toContain('ada-conversation');
    expect(row).not.toContain('C-1001');
  });

  it('tells an unrelated conversation exactly what it tells about a key that does not exist', async () => {
    const stranger = await status('mallory-conversation', 'LOCAL-1');
    const unknown = await status('mallory-conversation', 'LOCAL-999');
    expect(stranger.texts).toEqual(["I couldn't find a ticket LOCAL-1. Could you check the key?"]);
    expect(stranger.raw.replaceAll('LOCAL-1', 'LOCAL-999')).toBe(unknown.raw);
    for (const s of SECRETS) expect(stranger.raw).not.toContain(s);
  });

  it('tells the same to another customer, to a forged agent token, and to a lower-case key', async () => {
    const answers = [
      await status('mallory-conversation', 'LOCAL-1', { identity_token: await token('C-2002') }),
      await status('mallory-conversation', 'LOCAL-1', { identity_token: await token('agent-1', { roles: ['agent'] }, 'a-secret-that-is-not-the-servers-one-at-all') }),
      await status('mallory-conversation', 'LOCAL-1', { identity_token: await token('C-2002', { roles: 'customer' }) }),
      await status('mallory-conversation', 'local-1'),
    ];
    for (const a of answers) {
      expect(a.texts).toEqual(["I couldn't find a ticket LOCAL-1. Could you check the key?"]);
      for (const s of SECRETS) expect(a.raw).not.toContain(s);
    }
  });

  it('still answers the conversation that filed it, the same customer elsewhere, and a support agent', async () => {
    const expected = [`Ticket LOCAL-1 ("${SUMMARY}") is currently: Open.`];
    expect((await status('ada-conversation', 'LOCAL-1')).texts).toEqual(expected);
    expect((await status('ada-on-her-phone', 'LOCAL-1', { identity_token: await token('C-1001') })).texts).toEqual(expected);
    expect((await status('support-desk', 'LOCAL-1', { identity_token: await token('agent-1', { roles: ['agent'] }) })).texts).toEqual(expected);
  });

  it('refuses a customer documenting a solution, so the real article is written later by an agent', async () => {
    const attempt = await call('action_document_solution', {
      senderId: 'mallory-conversation',
      slots: { ticket_key: 'LOCAL-1', solution_text: 'Call our "refund line" on 0900 000 000.' },
    });
    expect(attempt.texts[0]).toMatch(/^Only our support agents can write solutions/);
    for (const s of SECRETS) expect(attempt.raw).not.toContain(s);
    // Not even a signed-in customer, nor the ticket's own filer.
    const owner = await call('action_document_solution', {
      senderId: 'ada-conversation',
      text: 'it works now',
      metadata: { identity_token: await token('C-1001') },
      slots: { ticket_key: 'LOCAL-1', solution_text: 'It fixed itself.' },
    });
    expect(owner.texts[0]).toMatch(/^Only our support agents/);
    expect(await new LocalKnowledgeBase(store).findByReference('LOCAL-1')).toBeNull();
    expect(await comments()).toBe(0);
    expect((await store.query<{ n: number }>(`SELECT count(*)::int AS n FROM outbox_jobs WHERE type = 'kb.create'`)).rows[0]!.n).toBe(0);

    const agent = await call('action_document_solution', {
      senderId: 'support-desk',
      text: 'document it',
      metadata: { identity_token: await token('agent-1', { roles: ['agent'] }) },
      slots: { ticket_key: 'LOCAL-1', solution_text: 'The issuer blocked the card; we asked the customer to call their bank.' },
    });
    expect(agent.texts[0]).toBe("Thanks! I've written the solution for LOCAL-1 to our knowledge base.");
    const article = await new LocalKnowledgeBase(store).findByReference('LOCAL-1');
    expect(article?.title).toBe(`${SUMMARY} (LOCAL-1)`);
    expect(await comments()).toBe(1);
  });
});
