import { eventually } from '../../support/delivery';
import { FakeNotion } from '../../support/fakes/notion';
import { startHarness, tokenMetadata, type Harness } from '../../support/connectors';

const SLOTS = { ticket_key: 'SUP-7', ticket_summary: 'Export button fails', solution_text: 'Clear the browser cache.\n\nThen sign in again.' };

describe('Notion knowledge base through /webhook', () => {
  let notion: FakeNotion;
  let h: Harness;
  // Documenting solutions is for support agents.
  let agent: Record<string, unknown>;
  beforeAll(async () => {
    agent = await tokenMetadata();
  });
  beforeEach(async () => {
    notion = await new FakeNotion().start();
    h = await startHarness({ KB_PROVIDER: 'notion', NOTION_TOKEN: 'notion-token', NOTION_DATABASE_ID: notion.databaseId, NOTION_BASE_URL: notion.url }, { maxAttempts: 2 });
  });
  afterEach(async () => {
    await h.close();
    await notion.stop();
  });

  it('creates a page in the database data source with title, reference, tags and the solution as paragraphs', async () => {
    const out = await h.call('action_document_solution', { metadata: agent, slots: SLOTS });
    expect(out.status).toBe(200);
    const [db] = notion.received('GET', `/v1/databases/${notion.databaseId}`);
    expect(db!.headers['notion-version']).toBe('2025-09-03');
    expect(db!.headers.authorization).toBe('Bearer notion-token');
    const [create] = notion.received('POST', '/v1/pages');
    const body = create!.body as { parent: unknown; properties: Record<string, unknown>; children: { type: string; [k: string]: unknown }[] };
    expect(body.parent).toEqual({ type: 'data_source_id', data_source_id: notion.dataSourceId });
    expect(body.properties.Name).toEqual({ title: [{ type: 'text', text: { content: 'Export button fails (SUP-7)' } }] });
    expect(body.properties.Reference).toEqual({ rich_text: [{ type: 'text', text: { content: 'SUP-7' } }] });
    expect(body.properties.Tags).toEqual({ multi_select: [{ name: 'chatbot' }, { name: 'solved' }] });
    const paragraphs = body.children.filter((c) => c.type === 'paragraph').map((c) => (c.paragraph as { rich_text: { text: { content: string } }[] }).rich_text[0]!.text.content);
    expect(paragraphs).toEqual(['Export button fails', 'Clear the browser cache.', 'Then sign in again.']);
    expect(body.children.filter((c) => c.type === 'heading_2')).toHaveLength(2);
    expect(out.texts[0]).toMatch(/^Thanks! I've written the solution for SUP-7 to Notion: https:\/\/www\.notion\.so\//);
  });

  it('does not document the same ticket twice', async () => {
    await h.call('action_document_solution', { metadata: agent, slots: SLOTS });
    const again = await h.call('action_document_solution', { metadata: agent, slots: SLOTS });
    expect(notion.pages).toHaveLength(1);
    const [, secondQuery] = notion.received('POST', `/v1/data_sources/${notion.dataSourceId}/query`);
    expect(secondQuery!.body).toEqual({ filter: { property: 'Reference', rich_text: { equals: 'SUP-7' } }, page_size: 1 });
    expect(again.texts[0]).toContain('already in Notion');
    // The data source is looked up once and remembered.
    expect(notion.received('GET', `/v1/databases/${notion.databaseId}`)).toHaveLength(1);
  });

  it('turns a Notion validation_error into a helpful message', async () => {
    notion.fail({ status: 400, body: { object: 'error', status: 400, code: 'validation_error', message: 'Tags is not a property that exists.' }, match: (r) => r.path === '/v1/pages' });
    const out = await h.call('action_document_solution', { metadata: agent, slots: SLOTS });
    expect(out.texts[0]).toBe("Notion didn't accept the details, so I couldn't save the solution. It said: Tags is not a property that exists. Could you check them and try again?");
  });

  it('honours Retry-After on a 429 from Notion and creates one page', async () => {
    notion.fail({ status: 429, body: { object: 'error', status: 429, code: 'rate_limited', message: 'Rate limited' }, headers: { 'retry-after': '0' }, match: (r) => r.path === '/v1/pages' });
    const out = await h.call('action_document_solution', { metadata: agent, slots: SLOTS });
    expect(notion.received('POST', '/v1/pages')).toHaveLength(2);
    expect(notion.pages).toHaveLength(1);
    expect(out.texts[0]).toContain('Thanks!');
  });

  it('tells the user plainly when Notion is down', async () => {
    notion.fail({ status: 503, body: { object: 'error', status: 503, code: 'service_unavailable', message: 'Notion is unavailable' }, times: Infinity });
    const out = await h.call('action_document_solution', { metadata: agent, slots: SLOTS });
    expect(out.status).toBe(200);
    expect(out.texts[0]).toBe("Sorry, Notion isn't answering right now, so I couldn't save the solution. Please try again in a few minutes.");
  });

  it('does not send a timed-out create again within the call (Notion has no idempotency key); asked again, it finds that page', async () => {
    await h.close();
    h = await startHarness({ KB_PROVIDER: 'notion', NOTION_TOKEN: 'notion-token', NOTION_DATABASE_ID: notion.databaseId, NOTION_BASE_URL: notion.url }, { attemptTimeoutMs: 150 });
    notion.delay({ ms: 400, match: (r) => r.path === '/v1/pages' });
    const out = await h.call('action_document_solution', { metadata: agent, slots: SLOTS });
    expect(notion.received('POST', '/v1/pages')).toHaveLength(1);
    expect(out.texts[0]).toContain("Notion isn't answering");
    await eventually('the late create landed', () => notion.pages.length === 1);
    const again = await h.call('action_document_solution', { metadata: agent, slots: SLOTS });
    expect(notion.received('POST', '/v1/pages')).toHaveLength(1);
    expect(notion.pages).toHaveLength(1);
    expect(again.texts[0]).toContain('SUP-7');
  });
});
