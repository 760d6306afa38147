/**
 * Issue #16: "what's in my pipeline" through a real /webhook, for the local CRM's demo deals,
 * Salesforce (aggregate SOQL) and HubSpot (owners, pipelines, paged deals search) behind their
 * fakes. Only a signed-in sales user gets figures; everyone else gets one refusal and the CRM is
 * not asked. A hostile email in a valid token stays a quoted SOQL literal.
 */
import { REFUSAL } from '../../actions/pipeline-summary';
import type { Queryable } from '../../src/store';
import { startHarness, type Harness } from '../support/connectors';
import { FakeHubspot } from '../support/fakes/hubspot';
import { FakeSalesforce } from '../support/fakes/salesforce';
import { hsToken } from '../support/tokens';

const ASK = { text: "what's in my pipeline?", intent: 'ask_pipeline' };

async function asker(claims: Record<string, unknown>, sub = 'user-1') {
  return { ...ASK, metadata: { identity_token: await hsToken({ sub, claims }) } };
}
const sales = (email: string) => asker({ roles: ['sales'], email });

describe('action_pipeline_summary on the local CRM (demo deals, migration 0015)', () => {
  let h: Harness;
  beforeAll(async () => {
    h = await startHarness({});
    // Opening and migrating the embedded store is slow on a busy machine; done before the tests.
    await (h.ports.crm as unknown as { db: Queryable }).db.query('SELECT 1');
  }, 120_000);
  afterAll(() => h.close());

  it("tells a sales user their open deals by stage, soonest close first, closed ones left out", async () => {
    const out = await h.call('action_pipeline_summary', await sales('sam.seller@example.com'));
    expect(out.status).toBe(200);
    const [text] = out.texts;
    const lines = text!.split('\n');
    expect(lines[0]).toBe('Your open pipeline: 4 deals worth USD 55,700.00.');
    expect(lines.slice(1).map((l) => l.replace(/, next close \d{4}-\d{2}-\d{2}$/, ''))).toEqual([
      '- Negotiation: 1 deal, USD 31,000.00',
      '- Proposal: 2 deals, USD 12,700.00',
      '- Qualification: 1 deal, USD 12,000.00',
    ]);
    expect(text).not.toContain('Closed Won');
  });

  it("matches the owner's email whatever its case, and says so when someone owns nothing open", async () => {
    expect((await h.call('action_pipeline_summary', await sales('Robin.Rep@Example.com'))).texts[0]).toMatch(/^Your open pipeline: 1 deal worth USD 3,000\.00\.\n- Qualification: 1 deal/);
    expect((await h.call('action_pipeline_summary', await sales('nobody@example.com'))).texts[0]).toMatch(/couldn't find you as a deal owner/);
  });

  it.each([
    ['no token', async () => ASK],
    ['a customer token with the same email', () => asker({ email: 'sam.seller@example.com' })],
    ['a support agent', () => asker({ roles: ['agent'], email: 'sam.seller@example.com' })],
    ['a sales token without an email', () => asker({ roles: ['sales'] })],
    ['a sales token whose email is marked unverified', () => asker({ roles: ['sales'], email: 'sam.seller@example.com', email_verified: false })],
    ['a forged token', async () => ({ ...ASK, metadata: { identity_token: await hsToken({ sub: 'x', secret: 'another-secret-that-is-32-characters-long!', claims: { roles: ['sales'], email: 'sam.seller@example.com' } }) } })],
  ])('refuses %s politely, with the same words', async (_, spec) => {
    const out = await h.call('action_pipeline_summary', await spec());
    expect(out.status).toBe(200);
    expect(out.texts).toEqual([REFUSAL]);
  });
});

describe('action_pipeline_summary on Salesforce (aggregate SOQL on Opportunity)', () => {
  let sf: FakeSalesforce;
  let h: Harness;
  let alice: string;
  beforeAll(async () => {
    sf = await new FakeSalesforce({ clientId: 'c', clientSecret: 's' }, ['AT-static']).start();
    alice = sf.sales.addUser('alice@corp.example');
    const bob = sf.sales.addUser('bob@corp.example');
    sf.sales.addOpportunity({ ownerId: alice, name: 'A1', stage: 'Prospecting', amount: 1000, closeDate: '2027-03-01' });
    sf.sales.addOpportunity({ ownerId: alice, name: 'A2', stage: 'Prospecting', amount: 2500.5, closeDate: '2027-02-01' });
    sf.sales.addOpportunity({ ownerId: alice, name: 'A3', stage: 'Negotiation/Review', amount: null, closeDate: '2027-01-15' });
    sf.sales.addOpportunity({ ownerId: alice, name: 'A4', stage: 'Closed Won', amount: 9999, closeDate: '2026-11-01', closed: true });
    sf.sales.addOpportunity({ ownerId: bob, name: 'B1', stage: 'Prospecting', amount: 77777, closeDate: '2027-01-01' });
    h = await startHarness({ CRM_PROVIDER: 'salesforce', SALESFORCE_INSTANCE_URL: sf.url, SALESFORCE_LOGIN_URL: sf.url, SALESFORCE_ACCESS_TOKEN: 'AT-static' });
  });
  afterAll(async () => {
    await h.close();
    await sf.stop();
  });
  beforeEach(() => sf.requests.splice(0));

  // Each distinct query once: a read the machine was slow to answer may be retried by the gateway.
  const queries = () => [...new Set(sf.received('GET', '/services/data/v59.0/query').map((r) => r.query.q ?? ''))];

  it("answers from the owner's User and one aggregate query grouped by stage", async () => {
    const out = await h.call('action_pipeline_summary', await sales('alice@corp.example'));
    expect(out.texts[0]).toBe(
      ['Your open pipeline: 3 deals worth 3,500.50.', '- Negotiation/Review: 1 deal, 0.00, next close 2027-01-15', '- Prospecting: 2 deals, 3,500.50, next close 2027-02-01'].join('\n'),
    );
    expect(queries()).toEqual([
      "SELECT Id FROM User WHERE Email = 'alice@corp.example' AND IsActive = true LIMIT 20",
      `SELECT StageName, COUNT(Id) n, SUM(Amount) total, MIN(CloseDate) next FROM Opportunity WHERE IsClosed = false AND OwnerId IN ('${alice}') GROUP BY StageName`,
    ]);
  });

  it('keeps a hostile email in a valid token one quoted literal: no owner, no one else\'s deals', async () => {
    const hostile = "x\\'OR'1'='1@corp.example";
    const out = await h.call('action_pipeline_summary', await sales(hostile));
    expect(out.texts[0]).toMatch(/couldn't find you as a deal owner in Salesforce/);
    expect(out.texts[0]).not.toMatch(/77,777/);
    expect(queries()).toEqual(["SELECT Id FROM User WHERE Email = 'x\\\\\\'OR\\'1\\'=\\'1@corp.example' AND IsActive = true LIMIT 20"]);
  });

  it('sends nothing to Salesforce for someone who may not see a pipeline', async () => {
    expect((await h.call('action_pipeline_summary', await asker({ email: 'alice@corp.example' }))).texts).toEqual([REFUSAL]);
    expect(sf.requests).toHaveLength(0);
  });

  it("explains Salesforce's refusal of the query in the error taxonomy's words", async () => {
    sf.fail({ status: 503, body: [{ errorCode: 'SERVER_UNAVAILABLE', message: 'down' }], times: Infinity, match: (r) => r.path.endsWith('/query') });
    const out = await h.call('action_pipeline_summary', await sales('alice@corp.example'));
    expect(out.texts[0]).toMatch(/^Sorry, Salesforce isn't answering right now, so I couldn't read your pipeline/);
  });
});

describe('action_pipeline_summary on HubSpot (owners, pipelines, deals search)', () => {
  let hs: FakeHubspot;
  let h: Harness;
  beforeAll(async () => {
    hs = await new FakeHubspot().start();
    const carol = hs.sales.addOwner('carol@corp.example');
    const dave = hs.sales.addOwner('dave@corp.example');
    // More than two pages of 200: the summary must page through all of them.
    for (let i = 0; i < 450; i++) hs.sales.addDeal({ ownerId: carol, name: `D${i}`, stage: i % 3 === 0 ? 'contractsent' : 'qualifiedtobuy', amount: '100', closeDate: `2027-0${(i % 9) + 1}-10T00:00:00Z`, currency: 'EUR' });
    hs.sales.addDeal({ ownerId: carol, name: 'won', stage: 'closedwon', amount: '5000', closeDate: '2026-10-01T00:00:00Z', currency: 'EUR' });
    hs.sales.addDeal({ ownerId: dave, name: 'other', stage: 'contractsent', amount: '999', currency: 'EUR' });
    h = await startHarness({ CRM_PROVIDER: 'hubspot', HUBSPOT_ACCESS_TOKEN: 'hubspot-token', HUBSPOT_BASE_URL: hs.url });
  });
  afterAll(async () => {
    await h.close();
    await hs.stop();
  });
  beforeEach(() => hs.requests.splice(0));

  it('counts every open deal of the owner across pages, by stage label, closed stages left out', async () => {
    const out = await h.call('action_pipeline_summary', await sales('carol@corp.example'));
    expect(out.texts[0]).toBe(
      ['Your open pipeline: 450 deals worth EUR 45,000.00.', '- Contract Sent: 150 deals, EUR 15,000.00, next close 2027-01-10', '- Qualified To Buy: 300 deals, EUR 30,000.00, next close 2027-02-10'].join('\n'),
    );
    const searches = hs.received('POST', '/crm/v3/objects/deals/search').map((r) => r.body as { limit: number; after?: string; filterGroups: unknown });
    expect(searches.map((s) => [s.limit, s.after])).toEqual([
      [200, undefined],
      [200, '200'],
      [200, '400'],
    ]);
    expect(searches[0]!.filterGroups).toEqual([
      {
        filters: [
          { propertyName: 'hubspot_owner_id', operator: 'EQ', value: [...hs.sales.owners.values()].find((o) => o.email === 'carol@corp.example')!.id },
          { propertyName: 'dealstage', operator: 'NOT_IN', values: ['closedwon', 'closedlost'] },
        ],
      },
    ]);
    expect(hs.received('GET', '/crm/v3/owners/')[0]!.query.email).toBe('carol@corp.example');
  });

  it('says so when no HubSpot owner has the email', async () => {
    expect((await h.call('action_pipeline_summary', await sales('eve@corp.example'))).texts[0]).toMatch(/couldn't find you as a deal owner in HubSpot/);
    expect(hs.received('POST', '/crm/v3/objects/deals/search')).toHaveLength(0);
  });

  it('sends nothing to HubSpot for someone who may not see a pipeline', async () => {
    expect((await h.call('action_pipeline_summary', ASK)).texts).toEqual([REFUSAL]);
    expect(hs.requests).toHaveLength(0);
  });
});

describe("action_pipeline_summary on HubSpot beyond the search's 10,000", () => {
  let hs: FakeHubspot;
  let h: Harness;
  beforeAll(async () => {
    hs = await new FakeHubspot().start();
    const owner = hs.sales.addOwner('big@corp.example');
    for (let i = 0; i < 10_050; i++) hs.sales.addDeal({ ownerId: owner, name: `D${i}`, stage: 'qualifiedtobuy', amount: '1', closeDate: '2027-05-01T00:00:00Z' });
    h = await startHarness({ CRM_PROVIDER: 'hubspot', HUBSPOT_ACCESS_TOKEN: 'hubspot-token', HUBSPOT_BASE_URL: hs.url });
  });
  afterAll(async () => {
    await h.close();
    await hs.stop();
  });

  it('stops at the 10,000th deal (the search refuses to page further) and says the list is partial', async () => {
    const out = await h.call('action_pipeline_summary', await sales('big@corp.example'));
    expect(out.texts[0]).toBe('Your open pipeline: 10000 deals worth 10,000.00 (HubSpot listed only the first 10,000; there are more).\n- Qualified To Buy: 10000 deals, 10,000.00, next close 2027-05-01');
    // A page may be asked twice (a slow answer is retried: a search is a read); the pages are these.
    const pages = new Set(hs.received('POST', '/crm/v3/objects/deals/search').map((r) => (r.body as { after?: string }).after ?? '0'));
    expect([...pages]).toEqual(Array.from({ length: 50 }, (_, i) => String(i * 200)));
  });
});
