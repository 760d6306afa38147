import { referenceLabel } from '../../src/connectors/jira';
import { CREATE, eventually, SEARCH, startJiraDelivery, ticketJob, type JiraDeliveryHarness } from '../support/delivery';

describe('durable delivery of tickets to the Jira fake (PostgreSQL)', () => {
  let h: JiraDeliveryHarness;
  afterEach(async () => {
    await h?.close();
  });

  it('delivers within the budget and answers a re-sent request with the same ticket', async () => {
    h = await startJiraDelivery();
    const first = await h.runtime.delivery.submit(ticketJob(1));
    expect(first).toMatchObject({ state: 'done', result: { key: 'SUP-1' } });
    const again = await h.runtime.delivery.submit(ticketJob(1));
    expect(again).toEqual(first);
    expect(h.jira.issues.size).toBe(1);
    expect(h.jira.requests.filter(CREATE)).toHaveLength(1);
    expect(h.jira.issues.get('SUP-1')!.fields.labels).toContain(referenceLabel('ref1'));
  });

  it('honours Retry-After on a 429 and then files the ticket once', async () => {
    h = await startJiraDelivery();
    const arrivals: number[] = [];
    // Never fails anything: notes when each create arrives (failures are looked up in order).
    h.jira.fail({ status: 599, times: Infinity, match: (r) => (CREATE(r) && arrivals.push(Date.now()), false) });
    h.jira.fail({ status: 429, headers: { 'Retry-After': '1' }, body: { errorMessages: ['Rate limit exceeded.'] }, match: CREATE });
    const out = await h.runtime.delivery.submit(ticketJob(2));
    expect(out.state).toBe('done');
    expect(h.jira.requests.filter(CREATE)).toHaveLength(2);
    expect(h.jira.issues.size).toBe(1);
    expect(arrivals).toHaveLength(2);
    // The backoff alone would have retried within 20 ms; Retry-After asked for a second.
    expect(arrivals[1]! - arrivals[0]!).toBeGreaterThanOrEqual(950);
  });

  it('retries a burst of 503s (with Retry-After) on the create and succeeds with one ticket', async () => {
    h = await startJiraDelivery({ policy: { maxAttempts: 4 } });
    h.jira.fail({ status: 503, times: 3, headers: { 'Retry-After': '0' }, body: { errorMessages: ['Service unavailable'] }, match: CREATE });
    const out = await h.runtime.delivery.submit(ticketJob(3));
    expect(out).toMatchObject({ state: 'done', result: { key: 'SUP-1' } });
    expect(h.jira.requests.filter(CREATE)).toHaveLength(4);
    expect(h.jira.issues.size).toBe(1);
  });

  it('opens the breaker after repeated failures, fails fast, half-opens and closes on a good probe', async () => {
    h = await startJiraDelivery({ policy: { breakerThreshold: 3, halfOpenAfterMs: 500, maxAttempts: 1 } });
    let down = true;
    h.jira.fail({ status: 500, times: Infinity, body: { errorMessages: ['boom'] }, match: () => down });
    for (let i = 0; i < 3; i++) await expect(h.ticketing.getStatus('SUP-1')).rejects.toMatchObject({ kind: 'upstream_unavailable' });
    expect(h.gateway.breakerState('jira')).toBe('open');
    const seen = h.jira.requests.length;
    await expect(h.ticketing.getStatus('SUP-1')).rejects.toMatchObject({ vendorCode: 'circuit_open' });
    expect(h.jira.requests.length).toBe(seen);
    down = false;
    await new Promise((r) => setTimeout(r, 600));
    const out = await h.runtime.delivery.submit(ticketJob(4));
    expect(out.state).toBe('done');
    expect(h.gateway.breakerState('jira')).toBe('closed');
  });

  it('queues requests while the vendor is down and delivers every one exactly once after it recovers', async () => {
    h = await startJiraDelivery({ config: { budgetMs: 300 } });
    await h.runtime.start('server');
    let down = true;
    h.jira.fail({ status: 503, times: Infinity, body: { errorMessages: ['Jira is down'] }, match: () => down });
    const N = 25;
    const submitted = await Promise.all(Array.from({ length: N }, (_, i) => h.runtime.delivery.submit(ticketJob(`down-${i}`))));
    expect(submitted.every((s) => s.state === 'queued')).toBe(true);
    // Rasa re-sends some calls while the vendor is still down: no new jobs.
    await Promise.all([0, 1, 2].map((i) => h.runtime.delivery.submit(ticketJob(`down-${i}`))));
    expect(h.jira.issues.size).toBe(0);
    await new Promise((r) => setTimeout(r, 500));
    down = false;
    await eventually('all jobs done', async () => (await h.runtime.outbox.counts()).done === N);
    expect(h.jira.issues.size).toBe(N);
    const labels = [...h.jira.issues.values()].map((i) => i.fields.labels.find((l) => l.startsWith('ab-')));
    expect(new Set(labels).size).toBe(N);
    for (const s of submitted) {
      const job = await h.runtime.outbox.get(s.reference);
      const key = (job!.result as { key: string }).key;
      expect(h.jira.issues.get(key)!.fields.labels).toContain(referenceLabel((job!.payload as { reference: string }).reference));
    }
  });

  it('finds the issue a timed-out create made instead of filing a second one (same attempt)', async () => {
    h = await startJiraDelivery();
    // Jira creates the issue but answers after the attempt timeout.
    h.jira.delay({ ms: 1_500, match: CREATE });
    const out = await h.runtime.delivery.submit(ticketJob(5));
    expect(out).toMatchObject({ state: 'done', result: { key: 'SUP-1' } });
    expect(h.jira.requests.filter(CREATE)).toHaveLength(1);
    expect(h.jira.issues.size).toBe(1);
  });

  it('finds it on a later attempt when the lookup also failed at first (across attempts)', async () => {
    h = await startJiraDelivery({ policy: { maxAttempts: 2 } });
    await h.runtime.start('server');
    h.jira.delay({ ms: 1_500, match: CREATE });
    h.jira.fail({ status: 500, times: 2, body: { errorMessages: ['search broke'] }, match: SEARCH });
    const out = await h.runtime.delivery.submit(ticketJob(6));
    expect(out.state).toBe('queued');
    await eventually('job done', async () => (await h.runtime.outbox.get(out.reference))?.status === 'done');
    const job = await h.runtime.outbox.get(out.reference);
    expect(job!.attempts).toBeGreaterThanOrEqual(2);
    expect(job!.result).toMatchObject({ key: 'SUP-1', found: true });
    expect(h.jira.requests.filter(CREATE)).toHaveLength(1);
    expect(h.jira.issues.size).toBe(1);
  });

  it('lets an attempt that outlived its budget finish before shutting down', async () => {
    h = await startJiraDelivery({ config: { budgetMs: 100 }, policy: { attemptTimeoutMs: 3_000 } });
    h.jira.delay({ ms: 600, match: CREATE });
    const out = await h.runtime.delivery.submit(ticketJob(8));
    expect(out.state).toBe('queued');
    await h.runtime.stop();
    expect(await h.runtime.outbox.get(out.reference)).toMatchObject({ status: 'done', result: { key: 'SUP-1' } });
  });

  it('dead-letters a request the vendor refuses for good and tells the caller', async () => {
    h = await startJiraDelivery();
    h.jira.fail({ status: 400, body: { errorMessages: [], errors: { customfield_10010: 'Team is required.' } }, match: CREATE });
    const out = await h.runtime.delivery.submit(ticketJob(7));
    expect(out.state).toBe('failed');
    if (out.state === 'failed') expect(out.error.kind).toBe('validation');
    expect(await h.runtime.outbox.get(out.reference)).toMatchObject({ status: 'dead', attempts: 1 });
  });
});
