/**
 * Issue #14 for Salesforce: a lead is created once however its create's answer is lost, because a
 * create is an upsert on the Lead's external-id field holding the job's reference — Salesforce's
 * own idempotency — and without that field, by a SOQL lookup (read-after-write) before a repeat.
 */
import { SalesforceCrm } from '../../../src/connectors/salesforce';
import { FakeSalesforce } from '../../support/fakes/salesforce';
import { startVendorDelivery, type VendorDeliveryHarness } from '../../support/vendor-delivery';

const APP = { clientId: 'sf-client', clientSecret: 'sf-secret' };
const UPSERT = /^\/services\/data\/v59\.0\/sobjects\/Lead\/ActionBridge_Reference__c\/REF-/;
const leadJob = (n: number) => ({
  type: 'lead.upsert',
  idempotencyKey: `lead:${n}`,
  payload: { lead: { name: 'Grace Hopper', email: `grace${n}@example.com`, company: 'Navy' }, activity: { subject: 'Chatbot conversation', body: `User: lead ${n}` } },
});

describe('Salesforce leads, exactly once under lost answers (PostgreSQL outbox)', () => {
  let sf: FakeSalesforce;
  let h: VendorDeliveryHarness<{ crm: SalesforceCrm }>;
  const start = async (referenceField: string | undefined, policy = {}) => {
    h = await startVendorDelivery(
      (gateway) => ({
        crm: new SalesforceCrm({ loginUrl: sf.url, instanceUrl: sf.url, accessToken: 'AT', apiVersion: '59.0', leadSource: 'Chatbot', referenceField }, gateway),
      }),
      { policy },
    );
  };
  beforeEach(async () => {
    sf = await new FakeSalesforce(APP, ['AT']).start();
  });
  afterEach(async () => {
    await h?.close();
    await sf.stop();
  });

  it('upserts on the reference field, so a create whose connection was cut is sent again and is still one lead', async () => {
    await start('ActionBridge_Reference__c');
    sf.dropAfterActing({ match: (r) => r.method === 'PATCH' && UPSERT.test(r.path) });
    const { job } = await h.runtime.outbox.enqueue(h.store, leadJob(1));
    const run = await h.runtime.runner.runNow(job.reference);
    expect(run.status).toBe('done');
    // The gateway retried the upsert within the attempt: the same lead, found by its reference.
    const upserts = sf.received('PATCH', UPSERT);
    expect(upserts).toHaveLength(2);
    expect(upserts[0]!.path).toBe(`/services/data/v59.0/sobjects/Lead/ActionBridge_Reference__c/${job.reference}`);
    expect(sf.leads.size).toBe(1);
    expect([...sf.leads.values()][0]).toMatchObject({ ActionBridge_Reference__c: job.reference, Email: 'grace1@example.com', LastName: 'Hopper' });
    expect(sf.received('POST', '/services/data/v59.0/sobjects/Lead')).toHaveLength(0);
    // The conversation went on the lead once, as the activity of a new lead.
    expect([...sf.tasks.values()].map((t) => t.Subject)).toEqual(['Chatbot conversation']);
  });

  it('a later attempt whose SOQL cannot see the lead yet upserts again and still makes one lead', async () => {
    await start('ActionBridge_Reference__c', { maxAttempts: 1 });
    sf.queryLagMs = 3_000;
    // Made, but answered after the attempt timeout: the attempt fails and the job is retried.
    sf.delay({ ms: 800, match: (r) => r.method === 'PATCH' && UPSERT.test(r.path) });
    const { job } = await h.runtime.outbox.enqueue(h.store, leadJob(2));
    expect((await h.runtime.runner.runNow(job.reference)).status).toBe('retrying');
    expect(sf.leads.size).toBe(1);
    const again = await h.runtime.runner.runNow(job.reference, { onlyDue: false });
    expect(again.status).toBe('done');
    expect(sf.received('PATCH', UPSERT)).toHaveLength(2);
    expect(sf.leads.size).toBe(1);
    expect(await h.runtime.outbox.get(job.reference)).toMatchObject({ status: 'done', result: { id: [...sf.leads.keys()][0], created: true } });
  });

  it('a record found by a later attempt is this job\'s lead when its reference is the job\'s, and someone else\'s otherwise', async () => {
    await start('ActionBridge_Reference__c', { maxAttempts: 1 });
    sf.dropAfterActing({ match: (r) => r.method === 'PATCH' && UPSERT.test(r.path) });
    const { job } = await h.runtime.outbox.enqueue(h.store, leadJob(3));
    expect((await h.runtime.runner.runNow(job.reference)).status).toBe('retrying');
    expect((await h.runtime.runner.runNow(job.reference, { onlyDue: false })).status).toBe('done');
    // Found by email with the job's reference on it: the job's own lead, given its activity.
    expect(sf.received('PATCH', UPSERT)).toHaveLength(1);
    expect([...sf.tasks.values()].map((t) => t.Subject)).toEqual(['Chatbot conversation']);

    // A second request with the same email finds a lead with another reference: it gets the details note.
    const other = await h.runtime.outbox.enqueue(h.store, { ...leadJob(3), idempotencyKey: 'lead:3-again' });
    expect((await h.runtime.runner.runNow(other.job.reference)).status).toBe('done');
    expect(sf.leads.size).toBe(1);
    expect([...sf.tasks.values()].map((t) => t.Subject)).toEqual(['Chatbot conversation', 'Chatbot: details given for a known email']);
  });

  it('without a reference field, a create whose answer was lost is not sent again: the next attempt finds it by email', async () => {
    await start(undefined, { maxAttempts: 3 });
    sf.dropAfterActing({ match: (r) => r.method === 'POST' && r.path === '/services/data/v59.0/sobjects/Lead' });
    const { job } = await h.runtime.outbox.enqueue(h.store, leadJob(4));
    // A plain create is not retried within the attempt: only a lookup can tell whether it happened.
    expect((await h.runtime.runner.runNow(job.reference)).status).toBe('retrying');
    expect((await h.runtime.runner.runNow(job.reference, { onlyDue: false })).status).toBe('done');
    expect(sf.received('POST', '/services/data/v59.0/sobjects/Lead')).toHaveLength(1);
    expect(sf.leads.size).toBe(1);
    // The lead the lost create made is this job's: it gets the conversation, not a "known email" note.
    expect([...sf.tasks.values()].map((t) => t.Subject)).toEqual(['Chatbot conversation']);
    const soql = sf.received('GET', '/services/data/v59.0/query').map((r) => r.query.q);
    expect(soql.every((q) => !q!.includes('ActionBridge_Reference__c'))).toBe(true);
  });

  it('an org without the reference field refuses the upsert, and the job says which field is missing', async () => {
    await start('ActionBridge_Reference__c');
    sf.externalIdFields = [];
    const { job } = await h.runtime.outbox.enqueue(h.store, leadJob(5));
    const run = await h.runtime.runner.runNow(job.reference);
    expect(run.status).toBe('dead');
    expect((await h.runtime.outbox.get(job.reference))!.lastError).toContain('ActionBridge_Reference__c');
    expect(sf.leads.size).toBe(0);
  });
});
