/** With no provider configured, every action that acts in company systems works on the local adapters (store in memory). */
import { startHarness, tokenMetadata, CONVERSATION, type Harness } from '../../support/connectors';

describe('local adapters (no provider configured)', () => {
  let h: Harness;
  beforeAll(async () => {
    h = await startHarness({});
  });
  afterAll(async () => {
    await h.close();
  });

  it('chooses the local adapters by default', () => {
    expect([h.ports.crm.provider, h.ports.ticketing.provider, h.ports.knowledgeBase.provider]).toEqual(['local', 'local', 'local']);
  });

  it('creates a lead, then notes a second one for the same email (any case) on it, neither duplicating nor overwriting', async () => {
    const first = await h.call('action_create_lead', { events: CONVERSATION, slots: { lead_name: 'Ada Lovelace', lead_email: 'ada@local.test', lead_company: 'AE' } });
    expect(first.texts[0]).toBe("Thanks, Ada! I've passed your details to our team; someone will contact you at ada@local.test.");
    const second = await h.call('action_create_lead', { slots: { lead_name: 'Ada King', lead_email: 'ADA@local.test', lead_interest: 'pricing' } });
    expect(second.texts[0]).toBe("Thanks, Ada! I've passed your details to our team; someone will contact you at ADA@local.test about pricing.");
    expect(second.slots).toEqual(first.slots);
    const found = await h.ports.crm.findByEmail('ada@LOCAL.test');
    expect(found).toMatchObject({ name: 'Ada Lovelace', company: 'AE' });
  });

  it('files a ticket, reports its status, and documents the solution once', async () => {
    const filed = await h.call('action_file_ticket', { events: CONVERSATION, slots: { ticket_summary: 'The site is down', ticket_description: 'Nobody can open the home page.' } });
    const key = filed.slots.ticket_key as string;
    expect(key).toMatch(/^LOCAL-\d+$/);
    expect(filed.texts[0]).toBe(`I've filed ticket ${key} with critical priority (judged from your description). You can ask me about its status any time with that key.`);

    const status = await h.call('action_ticket_status', { slots: { ticket_key: key.toLowerCase() } });
    expect(status.texts[0]).toBe(`Ticket ${key} ("The site is down") is currently: Open.`);

    const agent = await tokenMetadata();
    const documented = await h.call('action_document_solution', { metadata: agent, slots: { ticket_key: key, solution_text: 'Restarted the load balancer.' } });
    expect(documented.texts[0]).toBe(`Thanks! I've written the solution for ${key} to our knowledge base.`);
    const article = await h.ports.knowledgeBase.findByReference(key);
    expect(article?.title).toBe(`The site is down (${key})`);
    const again = await h.call('action_document_solution', { metadata: agent, slots: { ticket_key: key, solution_text: 'Restarted it again.' } });
    expect(again.texts[0]).toContain('already in our knowledge base');
  });

  it('files one ticket when Rasa repeats the same action call', async () => {
    const spec = { events: [{ event: 'user', text: 'printer on fire', timestamp: 42 }], slots: { ticket_summary: 'Printer on fire', ticket_description: 'Smoke.' } };
    const a = await h.call('action_file_ticket', spec);
    const b = await h.call('action_file_ticket', spec);
    expect(b.slots.ticket_key).toBe(a.slots.ticket_key);
  });

  it('says when a ticket does not exist', async () => {
    const out = await h.call('action_ticket_status', { slots: { ticket_key: 'LOCAL-9999' } });
    expect(out.texts[0]).toBe("I couldn't find a ticket LOCAL-9999. Could you check the key?");
  });

  it('asks for a missing slot instead of failing', async () => {
    const out = await h.call('action_ticket_status', { slots: {} });
    expect(out.status).toBe(200);
    expect(out.texts[0]).toContain('ticket key');
  });
});
