/**
 * Issue #14 for Notion: one solution is one page however its create's answer is lost. Notion has
 * no idempotency key and does not promise that a data source query sees a page created a moment
 * ago (lagging 3 s here), but reading a page by its id does. So a later attempt reads the page
 * whose id it knows, and otherwise believes a query's miss only after the window.
 */
import { NotionKnowledgeBase } from '../../../src/connectors/notion';
import { FakeNotion } from '../../support/fakes/notion';
import { startVendorDelivery, type VendorDeliveryHarness } from '../../support/vendor-delivery';

const CREATE = (r: { method: string; path: string }) => r.method === 'POST' && r.path === '/v1/pages';
const QUERY = (r: { method: string; path: string }) => r.method === 'POST' && /\/query$/.test(r.path);
const articleJob = (reference: string) => ({
  type: 'kb.create',
  idempotencyKey: `kb:${reference}`,
  payload: { article: { title: `Fix for ${reference}`, problem: 'Export fails.', solution: 'Clear the cache.', reference } },
});
const CONFIG = (notion: FakeNotion) => ({ token: 'notion-token', databaseId: notion.databaseId, baseUrl: notion.url, properties: { title: 'Name', reference: 'Reference', tags: 'Tags' } });

describe('Notion articles, exactly once under lost answers (PostgreSQL outbox)', () => {
  let notion: FakeNotion;
  let h: VendorDeliveryHarness<{ knowledgeBase: NotionKnowledgeBase }>;
  beforeEach(async () => {
    notion = await new FakeNotion().start();
    notion.queryLagMs = 3_000;
    h = await startVendorDelivery((gateway) => ({ knowledgeBase: new NotionKnowledgeBase(CONFIG(notion), gateway, { searchConsistencyMs: 3_500 }) }), {
      policy: { attemptTimeoutMs: 300 },
    });
  });
  afterEach(async () => {
    await h.close();
    await notion.stop();
  });

  it('after a create whose connection was cut, waits out the window instead of believing a query that cannot see the page, then finds it', async () => {
    notion.dropAfterActing({ match: CREATE });
    const { job } = await h.runtime.outbox.enqueue(h.store, articleJob('SUP-1'));
    expect((await h.runtime.runner.runNow(job.reference)).status).toBe('retrying');
    expect(notion.pages).toHaveLength(1);

    // Within the window the query misses the page: the attempt waits, it does not create again.
    const early = await h.runtime.runner.runNow(job.reference, { onlyDue: false });
    expect(early.status).toBe('retrying');
    const waiting = await h.runtime.outbox.get(job.reference);
    expect(waiting!.lastError).toContain('may not be visible');
    expect(waiting!.nextAttemptAt.getTime() - Date.now()).toBeGreaterThan(2_000);
    expect(notion.received('POST', '/v1/pages')).toHaveLength(1);

    // Once the window has passed, the query sees it: the job is done with that page.
    await new Promise((r) => setTimeout(r, waiting!.nextAttemptAt.getTime() - Date.now() + 50));
    expect((await h.runtime.runner.runNow(job.reference)).status).toBe('done');
    expect(notion.received('POST', '/v1/pages')).toHaveLength(1);
    expect(notion.pages).toHaveLength(1);
    expect(await h.runtime.outbox.get(job.reference)).toMatchObject({ status: 'done', result: { id: notion.pages[0]!.id, existed: false } });
  }, 15_000);

  it('reads the page whose id the create answered with, at once, though the query lags', async () => {
    const { job } = await h.runtime.outbox.enqueue(h.store, articleJob('SUP-2'));
    // An attempt whose create was answered (its id kept) but whose outcome was never recorded.
    const made = await h.ports.knowledgeBase.createArticle((job.payload as { article: { title: string; problem: string; solution: string; reference: string } }).article);
    await h.store.query(`UPDATE outbox_jobs SET create_attempted_at = now(), created_id = $2 WHERE reference = $1`, [job.reference, made.id]);

    expect((await h.runtime.runner.runNow(job.reference)).status).toBe('done');
    expect(notion.received('GET', `/v1/pages/${made.id}`)).toHaveLength(1);
    expect(notion.requests.filter(QUERY)).toHaveLength(0);
    expect(notion.received('POST', '/v1/pages')).toHaveLength(1);
    expect(await h.runtime.outbox.get(job.reference)).toMatchObject({ status: 'done', result: { id: made.id, existed: false } });
  });

  it('a first attempt still finds an article another request wrote for the same reference (once the query sees it)', async () => {
    notion.queryLagMs = 0;
    const first = await h.runtime.outbox.enqueue(h.store, articleJob('SUP-3'));
    expect((await h.runtime.runner.runNow(first.job.reference)).status).toBe('done');
    const second = await h.runtime.outbox.enqueue(h.store, { ...articleJob('SUP-3'), idempotencyKey: 'kb:SUP-3:again' });
    expect((await h.runtime.runner.runNow(second.job.reference)).status).toBe('done');
    expect(notion.pages).toHaveLength(1);
    expect(await h.runtime.outbox.get(second.job.reference)).toMatchObject({ result: { existed: true } });
  });
});
