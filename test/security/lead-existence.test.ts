/**
 * Issue #13, finding 13: a second `action_create_lead` with a known email answered "Welcome back,
 * Eve!" and overwrote the name. Replayed through /webhook against the local CRM (behind the outbox,
 * on the embedded store and on PostgreSQL) and against the HubSpot and Salesforce fakes: the
 * answer to a known email is the answer to an unknown one, and the CRM keeps what Eve gave, with
 * what the stranger typed as a note beside it.
 */
import request from 'supertest';
import { createLead } from '../../actions/create-lead';
import { LocalCrm } from '../../src/connectors/local/crm';
import { actionPorts } from '../../src/delivery/action-ports';
import { createDeliveryRuntime, type DeliveryRuntime } from '../../src/delivery/runtime';
import { silentLogger } from '../../src/observability/logger';
import type { TrackerSpec } from '../../src/sdk/testkit';
import { createActionServer, type ActionServer } from '../../src/server/app';
import { migrate, type Store } from '../../src/store';
import { startHarness, type Harness } from '../support/connectors';
import { testDeliveryConfig } from '../support/delivery';
import { FakeHubspot } from '../support/fakes/hubspot';
import { FakeSalesforce } from '../support/fakes/salesforce';
import { registryOf } from '../support/server';
import { STORE_TARGETS } from '../support/stores';
import { replyOf, webhookBody } from '../support/webhook-body';

const EVE = { lead_name: 'Eve Adams', lead_email: 'eve@example.com', lead_company: 'Acme' };
/** The stranger's form: Eve's email, a name of their choosing. */
const STRANGER = { lead_name: 'Eve Mallory', lead_company: 'Evil Corp', lead_interest: 'a refund' };

interface Reply {
  texts: string[];
  slots: Record<string, unknown>;
  raw: string;
}

/** Eve signs up, then a stranger sends her email and then a fresh one from another conversation. */
async function replay(call: (spec: TrackerSpec) => Promise<Reply>) {
  await call({ senderId: 'eve-conversation', slots: EVE });
  const known = await call({ senderId: 'stranger', slots: { ...STRANGER, lead_email: 'eve@example.com' } });
  const unknown = await call({ senderId: 'stranger', slots: { ...STRANGER, lead_email: 'nobody@example.com' } });
  return { known, unknown };
}

function expectSameAnswer(known: Reply, unknown: Reply): void {
  expect(known.texts).toEqual(["Thanks, Eve! I've passed your details to our team; someone will contact you at eve@example.com about a refund."]);
  expect(known.raw.replaceAll('eve@example.com', 'nobody@example.com')).toBe(unknown.raw);
  expect(known.raw).not.toMatch(/welcome back|Adams|Acme/i);
}

describe.each(STORE_TARGETS)('a known email in the lead form, local CRM through the outbox ($name store)', (target) => {
  let store: Store;
  let cleanup: () => Promise<void>;
  let runtime: DeliveryRuntime;
  let server: ActionServer;
  let url: string;

  beforeAll(async () => {
    ({ store, cleanup } = await target.open());
    await migrate(store);
    const crm = new LocalCrm(store);
    runtime = createDeliveryRuntime({ store, ports: { crm }, config: testDeliveryConfig(), logger: silentLogger() });
    server = createActionServer({
      config: { BODY_LIMIT: 1024 * 1024, SHUTDOWN_TIMEOUT_MS: 2_000 },
      registry: registryOf(createLead),
      logger: silentLogger(),
      services: actionPorts({ crm }, runtime.delivery),
    });
    url = `http://127.0.0.1:${(await server.listen(0, '127.0.0.1')).port}`;
  }, 60_000);
  afterAll(async () => {
    await server?.shutdown();
    await runtime?.stop();
    await cleanup?.();
  });

  it('answers as for a new email, and keeps Eve’s record with the stranger’s details in a note', async () => {
    const { known, unknown } = await replay(async (spec) => {
      const res = await request(url).post('/webhook').send(webhookBody('action_create_lead', spec));
      expect(res.status).toBe(200);
      return { ...replyOf(res.body), raw: JSON.stringify(res.body) };
    });
    expectSameAnswer(known, unknown);
    const { rows } = await store.query<{ name: string; company: string; interest: string | null; notes: string[] }>(
      `SELECT l.name, l.company, l.interest, array_agg(a.body ORDER BY a.at) AS notes
         FROM local_leads l JOIN local_activities a ON a.lead_id = l.id
        WHERE lower(l.email) = 'eve@example.com' GROUP BY l.id`,
    );
    expect(rows).toHaveLength(1);
    expect(rows[0]).toMatchObject({ name: 'Eve Adams', company: 'Acme', interest: null });
    const note = rows[0]!.notes.find((n) => n.includes('Name: Eve Mallory'));
    expect(note).toContain('Company: Evil Corp');
    expect(note).toContain('were not verified');
  });
});

describe.each([
  [
    'HubSpot',
    async () => {
      const hs = await new FakeHubspot().start();
      const h = await startHarness({ CRM_PROVIDER: 'hubspot', HUBSPOT_ACCESS_TOKEN: 'hubspot-token', HUBSPOT_BASE_URL: hs.url });
      const record = () => {
        const contact = [...hs.contacts.values()].find((c) => c.properties.email === 'eve@example.com')!;
        const notes = [...hs.notes.values()].filter((n) => JSON.stringify(n.associations).includes(`"${contact.id}"`)).map((n) => n.properties.hs_note_body ?? '');
        return { name: `${contact.properties.firstname} ${contact.properties.lastname}`, company: contact.properties.company, notes, writes: hs.received('PATCH', /contacts/).length };
      };
      return { h, record, stop: () => hs.stop() };
    },
  ],
  [
    'Salesforce',
    async () => {
      const sf = await new FakeSalesforce(undefined, ['AT-static']).start();
      const h = await startHarness({ CRM_PROVIDER: 'salesforce', SALESFORCE_INSTANCE_URL: sf.url, SALESFORCE_ACCESS_TOKEN: 'AT-static', SALESFORCE_API_VERSION: '59.0' });
      const record = () => {
        const lead = [...sf.leads.values()].find((l) => l.Email === 'eve@example.com')!;
        const notes = [...sf.tasks.values()].filter((t) => t.WhoId === lead.Id).map((t) => String(t.Description));
        // Eve's lead was made by an upsert on its own reference; any other PATCH reaching it is a write.
        const reaching = sf.received('PATCH', /\/sobjects\/Lead\//).filter((r) => r.path.endsWith(`/${String(lead.Id)}`) || r.path.endsWith(`/${String(lead.ActionBridge_Reference__c)}`));
        return { name: `${String(lead.FirstName)} ${String(lead.LastName)}`, company: lead.Company, notes, writes: reaching.length - 1 };
      };
      return { h, record, stop: () => sf.stop() };
    },
  ],
] as const)('a known email in the lead form, %s', (_vendor, start) => {
  let h: Harness;
  let record: () => { name: string; company: unknown; notes: string[]; writes: number };
  let stop: () => Promise<void>;
  beforeAll(async () => {
    ({ h, record, stop } = await start());
  });
  afterAll(async () => {
    await h?.close();
    await stop?.();
  });

  it('answers as for a new email, changes nothing on Eve’s record, and notes the stranger’s details on it', async () => {
    const { known, unknown } = await replay(async (spec) => {
      const out = await h.call('action_create_lead', spec);
      expect(out.status).toBe(200);
      return { texts: out.texts, slots: out.slots, raw: JSON.stringify(out.body) };
    });
    expectSameAnswer(known, unknown);
    const eve = record();
    expect(eve).toMatchObject({ name: 'Eve Adams', company: 'Acme', writes: 0 });
    expect(eve.notes.find((n) => n.includes('Name: Eve Mallory'))).toContain('Evil Corp');
  });
});
