/**
 * Issue #16: what a signed-in user asked for is noted on their own CRM record, HubSpot contact
 * properties or Salesforce Lead fields, by the token's email (a typed one proves nothing), through
 * /webhook and through the PostgreSQL outbox (job `lead.properties`), where a repeat changes
 * nothing and the gateway may retry the write.
 */
import { HubspotCrm } from '../../src/connectors/hubspot';
import { actionPorts } from '../../src/delivery/action-ports';
import type { Queryable } from '../../src/store';
import { startHarness, type Harness } from '../support/connectors';
import { FakeHubspot } from '../support/fakes/hubspot';
import { FakeSalesforce } from '../support/fakes/salesforce';
import { hsToken } from '../support/tokens';
import { startVendorDelivery, type VendorDeliveryHarness } from '../support/vendor-delivery';

const INTEREST = { product_interest: 'the reporting API', preferred_contact_time: 'weekday mornings' };

async function said(email: string | undefined, slots: Record<string, unknown> = INTEREST) {
  const metadata = email ? { identity_token: await hsToken({ sub: 'c-1', claims: { email } }) } : {};
  return { text: "I'm interested in the reporting API, call me weekday mornings", intent: 'state_interest', slots, metadata };
}

const CONTACT_PATCH = (r: { method: string; path: string }) => r.method === 'PATCH' && r.path.startsWith('/crm/v3/objects/contacts/');

describe('action_record_interest on the local CRM', () => {
  let h: Harness;
  // The harness keeps its store inside the local CRM.
  const store = () => (h.ports.crm as unknown as { db: Queryable }).db;
  beforeAll(async () => {
    h = await startHarness({});
    // Opening and migrating the embedded store is slow on a busy machine; done before the test.
    await store().query('SELECT 1');
  }, 120_000);
  afterAll(() => h.close());

  it("merges the properties into the token email's own lead, and a repeat leaves them as they are", async () => {
    const lead = { lead_name: 'Erin Example', lead_email: 'erin@corp.example', lead_company: 'Corp' };
    expect((await h.call('action_create_lead', { slots: lead, text: 'done' })).status).toBe(200);
    for (let i = 0; i < 2; i++) expect((await h.call('action_record_interest', await said('Erin@Corp.example'))).texts[0]).toMatch(/^Thanks! I've noted your interest/);
    const { rows } = await store().query<{ properties: unknown }>('SELECT properties FROM local_leads WHERE email = $1', ['erin@corp.example']);
    expect(rows).toEqual([{ properties: { productInterest: 'the reporting API', preferredContactTime: 'weekday mornings' } }]);
  });
});

describe('action_record_interest on HubSpot through /webhook', () => {
  let hs: FakeHubspot;
  let h: Harness;
  let contactId: string;
  beforeEach(async () => {
    hs = await new FakeHubspot().start();
    const made = await fetch(`${hs.url}/crm/v3/objects/contacts`, {
      method: 'POST',
      headers: { authorization: 'Bearer hubspot-token', 'content-type': 'application/json' },
      body: JSON.stringify({ properties: { email: 'carol@corp.example', firstname: 'Carol' } }),
    });
    contactId = ((await made.json()) as { id: string }).id;
    hs.requests.splice(0);
    h = await startHarness({ CRM_PROVIDER: 'hubspot', HUBSPOT_ACCESS_TOKEN: 'hubspot-token', HUBSPOT_BASE_URL: hs.url });
  });
  afterEach(async () => {
    await h.close();
    await hs.stop();
  });

  it("sets the properties on the token email's contact, read by its unique email", async () => {
    const out = await h.call('action_record_interest', await said('carol@corp.example'));
    expect(out.texts).toEqual(["Thanks! I've noted your interest in the reporting API and that you prefer to be contacted weekday mornings on your record."]);
    const [patch] = hs.requests.filter(CONTACT_PATCH);
    expect(patch!.path).toBe('/crm/v3/objects/contacts/carol%40corp.example');
    expect(patch!.query.idProperty).toBe('email');
    expect(hs.contacts.get(contactId)!.properties).toMatchObject({ product_interest: 'the reporting API', preferred_contact_time: 'weekday mornings', firstname: 'Carol' });
  });

  it('never uses a typed email: without a token nothing is sent', async () => {
    const out = await h.call('action_record_interest', await said(undefined, { ...INTEREST, lead_email: 'carol@corp.example' }));
    expect(out.texts[0]).toMatch(/once you're signed in/);
    expect(hs.requests).toHaveLength(0);
  });

  it('creates nothing for a signed-in user HubSpot has no contact for', async () => {
    const out = await h.call('action_record_interest', await said('newcomer@corp.example'));
    expect(out.texts[0]).toMatch(/couldn't find a record for you in HubSpot/);
    expect(hs.contacts.size).toBe(1);
  });

  it("names the property when the portal lacks it (HubSpot's 400 PROPERTY_DOESNT_EXIST), and writes nothing", async () => {
    hs.sales.customContactProperties = ['product_interest'];
    const out = await h.call('action_record_interest', await said('carol@corp.example'));
    expect(out.texts[0]).toBe("HubSpot didn't accept the details, so I couldn't note that on your record. It had a problem with: preferred_contact_time. Could you check them and try again?");
    expect(hs.contacts.get(contactId)!.properties.product_interest).toBeUndefined();
  });

  it('asks what to note when neither slot is set', async () => {
    const out = await h.call('action_record_interest', await said('carol@corp.example', {}));
    expect(out.texts[0]).toMatch(/^What would you like me to note/);
    expect(hs.requests).toHaveLength(0);
  });
});

describe('action_record_interest on Salesforce through /webhook', () => {
  let sf: FakeSalesforce;
  let h: Harness;
  const env = (sfUrl: string, extra: Record<string, string> = {}) => ({
    CRM_PROVIDER: 'salesforce',
    SALESFORCE_INSTANCE_URL: sfUrl,
    SALESFORCE_LOGIN_URL: sfUrl,
    SALESFORCE_ACCESS_TOKEN: 'AT-static',
    ...extra,
  });
  beforeEach(async () => {
    sf = await new FakeSalesforce({ clientId: 'c', clientSecret: 's' }, ['AT-static']).start();
    sf.leads.set('00Q000000000001AAA', { Id: '00Q000000000001AAA', Email: 'dana@corp.example', LastName: 'Dana', Company: 'Corp' });
  });
  afterEach(async () => {
    await h.close();
    await sf.stop();
  });

  it('writes the custom Lead fields, a hostile interest kept as text and a hostile token email as one SOQL literal', async () => {
    h = await startHarness(env(sf.url));
    const hostile = "x' OR Email != 'y";
    const out = await h.call('action_record_interest', await said('dana@corp.example', { product_interest: hostile }));
    expect(out.texts[0]).toMatch(/^Thanks! I've noted your interest in x' OR Email != 'y on your record\.$/);
    expect(sf.leads.get('00Q000000000001AAA')).toMatchObject({ Product_Interest__c: hostile });
    expect(sf.received('PATCH', '/services/data/v59.0/sobjects/Lead/00Q000000000001AAA')[0]!.body).toEqual({ Product_Interest__c: hostile });

    const sneaky = "dana'or'1'='1@corp.example";
    const other = await h.call('action_record_interest', await said(sneaky));
    expect(other.texts[0]).toMatch(/couldn't find a record for you in Salesforce/);
    const soql = sf.received('GET', '/services/data/v59.0/query').map((r) => r.query.q).at(-1);
    expect(soql).toContain("WHERE Email = 'dana\\'or\\'1\\'=\\'1@corp.example'");
    expect(sf.leads.get('00Q000000000001AAA')).not.toHaveProperty('Preferred_Contact_Time__c');
  });

  it('names a configured field the Lead lacks (INVALID_FIELD) instead of writing elsewhere', async () => {
    h = await startHarness(env(sf.url, { SALESFORCE_LEAD_CONTACT_TIME_FIELD: 'Best_Time__c' }));
    const out = await h.call('action_record_interest', await said('dana@corp.example'));
    expect(out.texts[0]).toMatch(/^Salesforce didn't accept the details, so I couldn't note that on your record\. It had a problem with: Best_Time__c\./);
    expect(sf.leads.get('00Q000000000001AAA')).not.toHaveProperty('Product_Interest__c');
  });
});

describe('lead.properties through the PostgreSQL outbox (HubSpot)', () => {
  let hs: FakeHubspot;
  let h: VendorDeliveryHarness<{ crm: HubspotCrm }>;
  beforeEach(async () => {
    hs = await new FakeHubspot().start();
    await fetch(`${hs.url}/crm/v3/objects/contacts`, {
      method: 'POST',
      headers: { authorization: 'Bearer hubspot-token', 'content-type': 'application/json' },
      body: JSON.stringify({ properties: { email: 'carol@corp.example' } }),
    });
    hs.requests.splice(0);
    h = await startVendorDelivery((gateway) => ({ crm: new HubspotCrm({ accessToken: 'hubspot-token', baseUrl: hs.url }, gateway) }));
  });
  afterEach(async () => {
    await h.close();
    await hs.stop();
  });

  const props = { productInterest: 'the reporting API', preferredContactTime: 'weekday mornings' };

  it('is a job done within the budget; the same request again is the same job and sends nothing more', async () => {
    const crm = actionPorts(h.ports, h.runtime.delivery).crm!;
    const first = await crm.recordContactProperties!('carol@corp.example', props, 'req-1');
    expect(first).toMatchObject({ state: 'done', value: { found: true } });
    const job = await h.runtime.outbox.get(first.reference!);
    expect(job).toMatchObject({ type: 'lead.properties', status: 'done' });
    const sent = hs.requests.filter(CONTACT_PATCH).length;
    const again = await crm.recordContactProperties!('carol@corp.example', props, 'req-1');
    expect(again.reference).toBe(first.reference);
    expect(hs.requests.filter(CONTACT_PATCH)).toHaveLength(sent);
  });

  it('a write whose answer was lost is retried by the gateway within the attempt (idempotent), and leaves the contact as one write would', async () => {
    hs.dropAfterActing({ match: CONTACT_PATCH });
    const crm = actionPorts(h.ports, h.runtime.delivery).crm!;
    const out = await crm.recordContactProperties!('carol@corp.example', props, 'req-2');
    expect(out).toMatchObject({ state: 'done', value: { found: true } });
    // The lost answer and at least one retry (a slow machine may need another).
    expect(hs.requests.filter(CONTACT_PATCH).length).toBeGreaterThanOrEqual(2);
    const contact = [...hs.contacts.values()][0]!;
    expect(contact.properties).toEqual({ email: 'carol@corp.example', product_interest: 'the reporting API', preferred_contact_time: 'weekday mornings' });
  });

  it('a refused job payload (no property) is not accepted', async () => {
    const { job } = await h.runtime.outbox.enqueue(h.store, { type: 'lead.properties', idempotencyKey: 'bad', payload: { email: 'carol@corp.example', properties: {} } });
    expect((await h.runtime.runner.runNow(job.reference)).status).toBe('dead');
    expect(hs.requests).toHaveLength(0);
  });
});
