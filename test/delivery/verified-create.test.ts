/**
 * Issue #14, duplicates 2 and 3: a create whose answer was lost is recorded before it is sent,
 * and every later attempt verifies at Jira first — after `jobs retry` too — without believing
 * a search that cannot see the issue yet.
 */
import { referenceLabel } from '../../src/connectors/jira';
import { main, type Io } from '../../src/main/cli/main';
import { CREATE, eventually, SEARCH, startJiraDelivery, ticketJob, type JiraDeliveryHarness } from '../support/delivery';
import { databaseUrl } from '../support/stores';

const quiet: Io = { out: () => undefined, err: () => undefined };

function cliEnv(h: JiraDeliveryHarness): NodeJS.ProcessEnv {
  const url = new URL(databaseUrl());
  url.searchParams.set('options', `-c search_path=${h.schema.name}`);
  return { DATABASE_URL: url.toString() };
}

/** Each issue's reference label, so a duplicate shows as a label seen twice. */
function referenceLabels(h: JiraDeliveryHarness): string[] {
  return [...h.jira.issues.values()].map((i) => i.fields.labels.find((l) => l.startsWith('ab-ref')) ?? '');
}

describe('a create that may have happened is verified before creating again (PostgreSQL)', () => {
  let h: JiraDeliveryHarness;
  afterEach(async () => {
    await h?.close();
  });

  it('`jobs retry` of a dead job whose issue exists finds that issue instead of filing a second', async () => {
    h = await startJiraDelivery({ config: { maxAttempts: 1 } });
    // Jira makes the issue but answers after the attempt timeout; the search that follows fails.
    h.jira.delay({ ms: 1_500, match: CREATE });
    let searchDown = true;
    h.jira.fail({ status: 500, times: Infinity, body: { errorMessages: ['search broke'] }, match: (r) => SEARCH(r) && searchDown });
    const out = await h.runtime.delivery.submit(ticketJob('dead'));
    expect(await h.runtime.outbox.get(out.reference)).toMatchObject({ status: 'dead', attempts: 1 });
    await eventually('the late create landed', () => h.jira.issues.size === 1);

    searchDown = false;
    expect(await main(['jobs', 'retry', out.reference], quiet, cliEnv(h))).toBe(0);
    expect(await h.runtime.outbox.get(out.reference)).toMatchObject({ status: 'pending', attempts: 0 });

    const run = await h.runtime.runner.runNow(out.reference);
    expect(run.status).toBe('done');
    expect(h.jira.issues.size).toBe(1);
    expect(h.jira.requests.filter(CREATE)).toHaveLength(1);
    expect(await h.runtime.outbox.get(out.reference)).toMatchObject({ status: 'done', result: { key: 'SUP-1', found: true } });
  });

  it('finds an issue whose id a create answered at once, through reconcileIssues, though search lags', async () => {
    h = await startJiraDelivery({ jira: { searchConsistencyMs: 3_500 } });
    h.jira.searchLagMs = 3_000;
    const job = (await h.runtime.outbox.enqueue(h.store, ticketJob('known'))).job;
    // An attempt whose create was answered, and kept the id, but whose outcome was never recorded.
    const made = await h.ticketing.createTicket({ ...(job.payload as { summary: string; description: string; severity: 'high'; reference: string }) });
    await h.store.query(`UPDATE outbox_jobs SET create_attempted_at = now(), created_id = $2 WHERE reference = $1`, [job.reference, made.id]);

    const run = await h.runtime.runner.runNow(job.reference);
    expect(run.status).toBe('done');
    expect(h.jira.issues.size).toBe(1);
    expect(await h.runtime.outbox.get(job.reference)).toMatchObject({ status: 'done', result: { key: made.key, found: true } });
    const searches = h.jira.requests.filter(SEARCH);
    expect(searches).toHaveLength(1);
    expect((searches[0]!.body as { reconcileIssues?: unknown }).reconcileIssues).toEqual([Number(made.id)]);
  });

  it('waits out the window instead of believing a search that cannot see the issue yet', async () => {
    h = await startJiraDelivery({ jira: { searchConsistencyMs: 3_500 } });
    h.jira.searchLagMs = 3_000;
    const job = (await h.runtime.outbox.enqueue(h.store, ticketJob('unseen'))).job;
    await h.ticketing.createTicket({ ...(job.payload as { summary: string; description: string; severity: 'high'; reference: string }) });
    // A create was sent a moment ago and its answer lost: no id is known.
    await h.store.query(`UPDATE outbox_jobs SET create_attempted_at = now() WHERE reference = $1`, [job.reference]);

    const first = await h.runtime.runner.runNow(job.reference);
    expect(first.status).toBe('retrying');
    expect(h.jira.issues.size).toBe(1);
    const waiting = await h.runtime.outbox.get(job.reference);
    // Due again once the window has passed since the create, not after the usual short backoff.
    expect(waiting!.nextAttemptAt.getTime() - Date.now()).toBeGreaterThan(2_500);
    expect(waiting!.lastError).toContain('may not be visible');
  });

  it('with search lagging 3 s behind creates whose answers are lost, files exactly one issue per ticket', async () => {
    h = await startJiraDelivery({ config: { budgetMs: 2_000 }, jira: { searchConsistencyMs: 3_500 } });
    await h.runtime.start('server');
    h.jira.searchLagMs = 3_000;
    const N = 20;
    // Every first create is made: for even tickets the connection is then cut, odd ones are answered too late.
    const even = (summary: unknown) => /[02468]$/.test(String(summary));
    h.jira.dropCreates(N / 2, (fields) => even(fields.summary));
    h.jira.delay({ ms: 1_500, times: N / 2, match: (r) => CREATE(r) && !even((r.body as { fields?: { summary?: unknown } }).fields?.summary) });
    const submitted = await Promise.all(Array.from({ length: N }, (_, i) => h.runtime.delivery.submit(ticketJob(`lag-${i}`))));

    await eventually('every job done', async () => (await h.runtime.outbox.counts()).done === N, 30_000);
    const labels = referenceLabels(h);
    expect(labels).toHaveLength(N);
    expect(new Set(labels).size).toBe(N);
    for (const s of submitted) {
      const job = await h.runtime.outbox.get(s.reference);
      const key = (job!.result as { key: string }).key;
      expect(h.jira.issues.get(key)!.fields.labels).toContain(referenceLabel(`reflag-${submitted.indexOf(s)}`));
    }
    // Each ticket's create went out once: the later attempts found it once search could see it.
    expect(h.jira.requests.filter(CREATE)).toHaveLength(N);
    for (const s of submitted) expect((await h.runtime.outbox.get(s.reference))!.result).toMatchObject({ found: true });
  }, 40_000);
});
