/** The ticket actions through /webhook with durable delivery on PostgreSQL and the Jira fake. */
import request from 'supertest';
import { fileTicket } from '../../actions/file-ticket';
import { ticketStatus } from '../../actions/ticket-status';
import { silentLogger } from '../../src/observability/logger';
import type { TrackerSpec } from '../../src/sdk/testkit';
import { createActionServer, type ActionServer } from '../../src/server/app';
import { eventually, startJiraDelivery, type JiraDeliveryHarness } from '../support/delivery';
import { registryOf } from '../support/server';
import { replyOf, webhookBody } from '../support/webhook-body';

describe('ticket actions through the outbox', () => {
  let h: JiraDeliveryHarness;
  let server: ActionServer;
  let url: string;
  let down = false;

  beforeEach(async () => {
    down = false;
    h = await startJiraDelivery({ config: { budgetMs: 500 } });
    h.jira.fail({ status: 503, times: Infinity, body: { errorMessages: ['Jira is down'] }, match: () => down });
    server = createActionServer({
      config: { BODY_LIMIT: 1024 * 1024, SHUTDOWN_TIMEOUT_MS: 2_000 },
      registry: registryOf(fileTicket, ticketStatus),
      logger: silentLogger(),
      services: h.services,
    });
    url = `http://127.0.0.1:${(await server.listen(0, '127.0.0.1')).port}`;
  });
  afterEach(async () => {
    await server.shutdown();
    await h.close();
  });

  async function call(action: string, spec: TrackerSpec) {
    const res = await request(url).post('/webhook').send(webhookBody(action, spec));
    expect(res.status).toBe(200);
    const { texts, slots } = replyOf(res.body);
    return { text: texts[0] ?? '', slots };
  }

  const problem: TrackerSpec = {
    senderId: 'user-7',
    events: [{ event: 'user', text: 'the export button fails', timestamp: 100 }],
    slots: { ticket_summary: 'Export fails', ticket_description: 'Clicking export shows an error.' },
  };

  it('files the ticket at once when Jira answers, and once only when Rasa re-sends the call', async () => {
    const first = await call('action_file_ticket', problem);
    expect(first.slots.ticket_key).toBe('SUP-1');
    expect(first.text).toContain("I've filed ticket SUP-1");
    const again = await call('action_file_ticket', problem);
    expect(again.slots.ticket_key).toBe('SUP-1');
    expect(h.jira.issues.size).toBe(1);
  });

  it('gives a reference while Jira is down, reports the queued request by it, and the ticket once filed', async () => {
    down = true;
    const queued = await call('action_file_ticket', problem);
    const reference = queued.slots.ticket_key as string;
    expect(reference).toMatch(/^REF-[0-9A-Z]{10}$/);
    expect(queued.text).toContain(`under reference ${reference}`);
    expect(queued.text).toContain('it will be filed shortly');

    const waiting = await call('action_ticket_status', { senderId: 'user-7', slots: { ticket_key: reference.toLowerCase() } });
    expect(waiting.text).toMatch(new RegExp(`^Your request ${reference} is queued: it will be filed in Jira shortly`));

    down = false;
    await h.runtime.start('server');
    await eventually('ticket filed', async () => (await h.runtime.outbox.get(reference))?.status === 'done');
    const filed = await call('action_ticket_status', { senderId: 'user-7', slots: { ticket_key: reference } });
    expect(filed.text).toBe(`Your request ${reference} was filed as SUP-1. Ticket SUP-1 ("Export fails") is currently: To Do.`);
    expect(filed.slots.ticket_key).toBe('SUP-1');
    expect(h.jira.issues.size).toBe(1);
    // Who filed it went with the job through the outbox to Jira: another conversation learns nothing.
    const stranger = await call('action_ticket_status', { senderId: 'user-8', slots: { ticket_key: reference } });
    expect(stranger.text).toBe(`I couldn't find a ticket request ${reference}. Could you check the reference?`);
    const strangerByKey = await call('action_ticket_status', { senderId: 'user-8', slots: { ticket_key: 'SUP-1' } });
    expect(strangerByKey.text).toBe("I couldn't find a ticket SUP-1. Could you check the key?");
  });

  it('says so when a queued request was given up, and when a reference is unknown', async () => {
    const spec: TrackerSpec = { ...problem, slots: { ...problem.slots, ticket_summary: 'Broken' } };
    down = true;
    const queued = await call('action_file_ticket', spec);
    const reference = queued.slots.ticket_key as string;
    await h.store.query(`UPDATE outbox_jobs SET status = 'dead', last_error = 'upstream_unavailable: down' WHERE reference = $1`, [reference]);
    const dead = await call('action_ticket_status', { senderId: 'user-7', slots: { ticket_key: reference } });
    expect(dead.text).toContain(`your request ${reference} could not be filed in Jira`);
    const unknown = await call('action_ticket_status', { slots: { ticket_key: 'REF-0000000000' } });
    expect(unknown.text).toBe("I couldn't find a ticket request REF-0000000000. Could you check the reference?");
  });
});
