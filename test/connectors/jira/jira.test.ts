import { FakeJira } from '../../support/fakes/jira';
import { startHarness, CONVERSATION, type Harness } from '../../support/connectors';

const ENV = { TICKETING_PROVIDER: 'jira', JIRA_EMAIL: 'bot@example.com', JIRA_API_TOKEN: 'jira-token', JIRA_PROJECT_KEY: 'SUP' };

describe('Jira ticketing through /webhook', () => {
  let jira: FakeJira;
  let h: Harness;
  beforeEach(async () => {
    jira = await new FakeJira().start();
    h = await startHarness({ ...ENV, JIRA_HOST: jira.url }, { maxAttempts: 2 });
  });
  afterEach(async () => {
    await h.close();
    await jira.stop();
  });

  it('files an issue with summary, ADF description quoting the conversation, priority and labels, and replies with the key', async () => {
    const out = await h.call('action_file_ticket', {
      events: CONVERSATION,
      slots: { ticket_summary: 'Export button fails', ticket_description: 'Clicking Export shows an error.\nIt started today.' },
    });
    expect(out.status).toBe(200);
    const [req] = jira.received('POST', '/rest/api/3/issue');
    expect(req).toBeDefined();
    expect(req!.headers.authorization).toBe(`Basic ${Buffer.from('bot@example.com:jira-token').toString('base64')}`);
    const fields = (req!.body as { fields: Record<string, unknown> }).fields;
    expect(fields.summary).toBe('Export button fails');
    expect(fields.project).toEqual({ key: 'SUP' });
    expect(fields.issuetype).toEqual({ name: 'Task' });
    // "fails"/"error" triage to high when the user gave no severity.
    expect(fields.priority).toEqual({ name: 'High' });
    expect(fields.labels).toEqual(expect.arrayContaining(['chatbot', expect.stringMatching(/^ab-conversation-[0-9a-f]{32}$/)]));
    // No token on the message: nothing says which customer filed it.
    expect((fields.labels as string[]).filter((l) => l.startsWith('ab-customer-'))).toEqual([]);
    const description = fields.description as { type: string; version: number; content: { type: string; content?: unknown[] }[] };
    expect(description.type).toBe('doc');
    expect(description.version).toBe(1);
    expect(description.content[0]).toEqual({
      type: 'paragraph',
      content: [{ type: 'text', text: 'Clicking Export shows an error.' }, { type: 'hardBreak' }, { type: 'text', text: 'It started today.' }],
    });
    const quote = description.content.find((n) => n.type === 'blockquote');
    expect(JSON.stringify(quote)).toContain('User: hi, the export button gives me an error');
    expect(out.texts[0]).toContain('SUP-1');
    expect(out.texts[0]).toContain('high priority');
    expect(out.slots.ticket_key).toBe('SUP-1');
  });

  it('uses the severity the user gave', async () => {
    await h.call('action_file_ticket', { slots: { ticket_summary: 'Typo on pricing page', ticket_description: 'Minor typo', ticket_severity: 'critical' } });
    const fields = (jira.received('POST', '/rest/api/3/issue')[0]!.body as { fields: { priority: unknown } }).fields;
    expect(fields.priority).toEqual({ name: 'Highest' });
  });

  it('reports the status of an issue to the conversation that filed it, and says so when the key does not exist', async () => {
    await h.call('action_file_ticket', { slots: { ticket_summary: 'Login broken', ticket_description: 'cannot log in' } });
    jira.issues.get('SUP-1')!.fields.status.name = 'In Progress';
    const out = await h.call('action_ticket_status', { slots: { ticket_key: 'sup-1' } });
    const [get] = jira.received('GET', '/rest/api/3/issue/SUP-1');
    expect(get!.query.fields).toBe('summary,status,labels');
    expect(out.texts[0]).toBe('Ticket SUP-1 ("Login broken") is currently: In Progress.');

    const missing = await h.call('action_ticket_status', { slots: { ticket_key: 'SUP-99' } });
    expect(missing.texts[0]).toContain("couldn't find a ticket SUP-99");
    const stranger = await h.call('action_ticket_status', { senderId: 'someone-else', slots: { ticket_key: 'SUP-1' } });
    expect(stranger.texts[0]).toBe("I couldn't find a ticket SUP-1. Could you check the key?");
  });

  it('turns a Jira 400 into a message naming the field', async () => {
    jira.fail({ status: 400, body: { errorMessages: [], errors: { priority: 'Specify the Priority (id or name) in the string format' } } });
    const out = await h.call('action_file_ticket', { slots: { ticket_summary: 'Export fails', ticket_description: 'x' } });
    expect(out.status).toBe(200);
    expect(out.texts[0]).toContain("Jira didn't accept the details");
    expect(out.texts[0]).toContain('priority');
    expect(jira.received('POST', '/rest/api/3/issue')).toHaveLength(1);
  });

  it('tells the user plainly when Jira is down, without retrying a create that may have happened', async () => {
    jira.fail({ status: 503, body: { errorMessages: ['Service unavailable'], errors: {} }, times: Infinity });
    const out = await h.call('action_file_ticket', { slots: { ticket_summary: 'Export fails', ticket_description: 'x' } });
    expect(out.status).toBe(200);
    expect(out.texts[0]).toBe("Sorry, Jira isn't answering right now, so I couldn't file your ticket. Please try again in a few minutes.");
    expect(jira.received('POST', '/rest/api/3/issue')).toHaveLength(1);
  });

  it('retries a 429 with Retry-After and files exactly one issue', async () => {
    jira.fail({ status: 429, body: { errorMessages: ['Rate limit exceeded.'], errors: {} }, headers: { 'retry-after': '0' } });
    const out = await h.call('action_file_ticket', { slots: { ticket_summary: 'Export fails', ticket_description: 'x' } });
    expect(out.texts[0]).toContain('SUP-1');
    expect(jira.received('POST', '/rest/api/3/issue')).toHaveLength(2);
    expect(jira.issues.size).toBe(1);
  });

  it('tells the user when Jira cannot be reached at all', async () => {
    await jira.stop();
    const out = await h.call('action_ticket_status', { slots: { ticket_key: 'SUP-1' } });
    expect(out.texts[0]).toContain("Jira isn't answering right now");
    jira = await new FakeJira().start();
  });

  it('treats a malformed success body as an upstream failure, not a ticket', async () => {
    jira.fail({ status: 201, raw: '{"id": "1", "key": ', headers: { 'content-type': 'application/json' } });
    const out = await h.call('action_file_ticket', { slots: { ticket_summary: 'Export fails', ticket_description: 'x' } });
    expect(out.texts[0]).toContain("Jira isn't answering right now");
    expect(out.slots.ticket_key).toBeUndefined();
  });

  it('finds the issue a timed-out create made instead of filing a second one', async () => {
    await h.close();
    h = await startHarness({ ...ENV, JIRA_HOST: jira.url }, { attemptTimeoutMs: 150 });
    jira.delay({ ms: 400, match: (r) => r.method === 'POST' && r.path === '/rest/api/3/issue' });
    const out = await h.call('action_file_ticket', { slots: { ticket_summary: 'Export fails', ticket_description: 'x' } });
    expect(jira.issues.size).toBe(1);
    expect(jira.received('POST', '/rest/api/3/issue')).toHaveLength(1);
    const [search] = jira.received('POST', '/rest/api/3/search/jql');
    expect((search!.body as { jql: string }).jql).toMatch(/^project = "SUP" AND labels = "ab-[0-9a-f]{20}"/);
    expect(out.texts[0]).toContain('SUP-1');
  });
});
