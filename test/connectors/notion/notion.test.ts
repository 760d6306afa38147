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

describe('Notion limits, with nothing the user wrote lost (#16)', () => {
  let notion: FakeNotion;
  let h: Harness;
  let agent: Record<string, unknown>;
  beforeAll(async () => {
    agent = await tokenMetadata();
  });
  beforeEach(async () => {
    notion = await new FakeNotion().start();
    h = await startHarness({ KB_PROVIDER: 'notion', NOTION_TOKEN: 'notion-token', NOTION_DATABASE_ID: notion.databaseId, NOTION_BASE_URL: notion.url });
  });
  afterEach(async () => {
    await h.close();
    await notion.stop();
  });

  /** A page's paragraphs as text, in order. */
  const pageText = (page: { children: unknown[] }) =>
    page.children
      .map((b) => b as { type: string; paragraph?: { rich_text: { text: { content: string } }[] } })
      .filter((b) => b.type === 'paragraph')
      .map((b) => b.paragraph!.rich_text.map((r) => r.text.content).join(''))
      .join('\n\n');

  it('fits a 150-paragraph solution with emoji into one request of at most 100 blocks, every paragraph kept in order', async () => {
    const paragraphs = Array.from({ length: 150 }, (_, i) => `Step ${i + 1}: restart the 🚀 service and check the 👩‍👩‍👧 logs.`);
    const out = await h.call('action_document_solution', { metadata: agent, slots: { ...SLOTS, solution_text: paragraphs.join('\r\n\r\n') } });
    expect(out.texts[0]).toContain("I've written the solution for SUP-7 to Notion");
    expect(notion.received('POST', '/v1/pages')).toHaveLength(1);
    const page = notion.pages[0]!;
    expect(page.children.length).toBeLessThanOrEqual(100);
    const text = pageText(page);
    expect(text.includes('\r')).toBe(false);
    let at = 0;
    for (const p of paragraphs) {
      const found = text.indexOf(p, at);
      expect(found).toBeGreaterThanOrEqual(at);
      at = found + p.length;
    }
  });

  it('splits a 250,000-character paragraph over text objects of at most 2,000 and arrays of at most 100, never inside an emoji', async () => {
    const huge = `${'the cache 🚀 must be cleared '.repeat(8_700)}end`;
    expect(huge.length).toBeGreaterThan(250_000);
    const out = await h.call('action_document_solution', { metadata: agent, slots: { ...SLOTS, solution_text: huge } });
    expect(out.texts[0]).toContain("I've written the solution for SUP-7 to Notion");
    const page = notion.pages[0]!;
    const blocks = page.children as { type: string; paragraph?: { rich_text: { text: { content: string } }[] } }[];
    expect(blocks.every((b) => !b.paragraph || b.paragraph.rich_text.length <= 100)).toBe(true);
    // Accepted by the fake, which refuses lone surrogates and texts over 2,000: the words are all there.
    const solution = blocks.slice(blocks.findIndex((b) => b.type === 'heading_2' && JSON.stringify(b).includes('Solution')) + 1);
    expect(solution.map((b) => b.paragraph!.rich_text.map((r) => r.text.content).join('')).join('') === huge).toBe(true);
  });

  it('the fake refuses what Notion refuses: more than 100 children, a text over 2,000, a lone surrogate', async () => {
    const post = (body: unknown) =>
      fetch(`${notion.url}/v1/pages`, {
        method: 'POST',
        headers: { authorization: 'Bearer notion-token', 'notion-version': '2025-09-03', 'content-type': 'application/json' },
        body: JSON.stringify(body),
      });
    const parent = { data_source_id: notion.dataSourceId };
    const para = (content: string) => ({ object: 'block', type: 'paragraph', paragraph: { rich_text: [{ type: 'text', text: { content } }] } });
    expect((await post({ parent, properties: {}, children: Array.from({ length: 101 }, () => para('x')) })).status).toBe(400);
    expect((await post({ parent, properties: {}, children: [para('x'.repeat(2_001))] })).status).toBe(400);
    expect((await post({ parent, properties: {}, children: [para('\uD83D')] })).status).toBe(400);
    expect((await post({ parent, properties: {}, children: [para('fine 🚀')] })).status).toBe(200);
  });
});
