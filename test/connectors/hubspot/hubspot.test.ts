import { eventually } from '../../support/delivery';
import { FakeHubspot } from '../../support/fakes/hubspot';
import { startHarness, CONVERSATION, type Harness } from '../../support/connectors';

const LEAD = { lead_name: 'Ada Lovelace', lead_email: 'ada@example.com', lead_company: 'Analytical Engines', lead_interest: 'the enterprise plan' };

describe('HubSpot CRM through /webhook', () => {
  let hs: FakeHubspot;
  let h: Harness;
  beforeEach(async () => {
    hs = await new FakeHubspot().start();
    h = await startHarness({ CRM_PROVIDER: 'hubspot', HUBSPOT_ACCESS_TOKEN: 'hubspot-token', HUBSPOT_BASE_URL: hs.url }, { maxAttempts: 2 });
  });
  afterEach(async () => {
    await h.close();
    await hs.stop();
  });

  it('reads the contact by its unique email, creates the contact and associates a note with the conversation', async () => {
    const out = await h.call('action_create_lead', { events: CONVERSATION, slots: LEAD });
    expect(out.status).toBe(200);
    // Read by the unique property, not through the search API (whose index lags behind writes).
    const [read] = hs.received('GET', '/crm/v3/objects/contacts/ada%40example.com');
    expect(read!.headers.authorization).toBe('Bearer hubspot-token');
    expect(read!.query).toMatchObject({ idProperty: 'email', archived: 'false' });
    expect(hs.received('POST', '/crm/v3/objects/contacts/search')).toHaveLength(0);
    const [create] = hs.received('POST', '/crm/v3/objects/contacts');
    expect((create!.body as { properties: unknown }).properties).toEqual({
      email: 'ada@example.com',
      firstname: 'Ada',
      lastname: 'Lovelace',
      company: 'Analytical Engines',
      lifecyclestage: 'lead',
    });
    const [note] = hs.received('POST', '/crm/v3/objects/notes');
    const noteBody = note!.body as { properties: { hs_note_body: string; hs_timestamp: string }; associations: unknown };
    expect(noteBody.properties.hs_note_body).toContain('User: hi, the export button gives me an error');
    expect(noteBody.properties.hs_note_body).toContain('the enterprise plan');
    expect(Number.isNaN(Date.parse(noteBody.properties.hs_timestamp))).toBe(false);
    const contactId = [...hs.contacts.keys()][0];
    expect(noteBody.associations).toEqual([{ to: { id: contactId }, types: [{ associationCategory: 'HUBSPOT_DEFINED', associationTypeId: 202 }] }]);
    expect(out.texts[0]).toBe("Thanks, Ada! I've passed your details to our team; someone will contact you at ada@example.com about the enterprise plan.");
    // The CRM's id stays in the CRM.
    expect(out.slots).toEqual({});
  });

  it('leaves the existing contact alone for a second lead with the same email, and notes the new details on it', async () => {
    const first = await h.call('action_create_lead', { slots: LEAD });
    const out = await h.call('action_create_lead', { slots: { ...LEAD, lead_email: 'ADA@example.com', lead_company: 'Babbage & Co' } });
    expect(hs.contacts.size).toBe(1);
    expect(hs.received('POST', '/crm/v3/objects/contacts')).toHaveLength(1);
    expect(hs.received('PATCH', /^\/crm\/v3\/objects\/contacts\//)).toHaveLength(0);
    expect([...hs.contacts.values()][0]!.properties.company).toBe('Analytical Engines');
    expect(out.texts[0]).toBe(first.texts[0]!.replace('ada@example.com', 'ADA@example.com'));
    expect(hs.notes.size).toBe(2);
    const note = [...hs.notes.values()][1]!;
    expect(note.properties.hs_note_body).toContain('Company: Babbage &amp; Co');
    expect(note.associations).toEqual([{ to: { id: [...hs.contacts.keys()][0] }, types: [{ associationCategory: 'HUBSPOT_DEFINED', associationTypeId: 202 }] }]);
  });

  it('notes the details on the contact a 409 names when it appeared between the lookup and the create', async () => {
    await h.call('action_create_lead', { slots: LEAD });
    const existing = [...hs.contacts.keys()][0]!;
    // The lookup misses the contact (it was made a moment later, by someone else); the create clashes with it.
    hs.fail({ status: 404, body: { status: 'error', message: 'resource not found', correlationId: 'x', category: 'OBJECT_NOT_FOUND' }, match: (r) => r.method === 'GET' });
    const out = await h.call('action_create_lead', { slots: { ...LEAD, lead_name: 'Ada King' } });
    expect(out.texts[0]).toContain('Thanks, Ada!');
    expect(hs.contacts.size).toBe(1);
    expect([...hs.notes.values()][1]!.associations).toEqual([{ to: { id: existing }, types: [expect.anything()] }]);
    expect([...hs.notes.values()][1]!.properties.hs_note_body).toContain('Name: Ada King');
  });

  it('turns a HubSpot 400 into a message naming the property', async () => {
    hs.fail({
      status: 400,
      body: {
        status: 'error',
        message: 'Property values were not valid',
        correlationId: 'c0ffee',
        category: 'VALIDATION_ERROR',
        errors: [{ message: 'Property "company" is too long', code: 'INVALID_STRING', context: { propertyName: ['company'] } }],
      },
      match: (r) => r.method === 'POST' && r.path === '/crm/v3/objects/contacts',
    });
    const out = await h.call('action_create_lead', { slots: LEAD });
    expect(out.status).toBe(200);
    expect(out.texts[0]).toBe("HubSpot didn't accept the details, so I couldn't save your details. It had a problem with: company. Could you check them and try again?");
    expect(hs.received('POST', '/crm/v3/objects/contacts')).toHaveLength(1);
    expect(hs.contacts.size).toBe(0);
  });

  it('retries a 429 on the lookup and still creates one contact', async () => {
    hs.fail({
      status: 429,
      body: { status: 'error', message: 'You have reached your ten_secondly_rolling limit.', errorType: 'RATE_LIMIT', policyName: 'TEN_SECONDLY_ROLLING', category: 'RATE_LIMITS', correlationId: 'x' },
      match: (r) => r.method === 'GET',
    });
    const out = await h.call('action_create_lead', { slots: LEAD });
    expect(hs.received('GET', /^\/crm\/v3\/objects\/contacts\//)).toHaveLength(2);
    expect(hs.contacts.size).toBe(1);
    expect(out.texts[0]).toContain('Thanks, Ada!');
  });

  it('tells the user plainly when HubSpot is down', async () => {
    hs.fail({ status: 502, raw: '<html>Bad gateway</html>', headers: { 'content-type': 'text/html' }, times: Infinity });
    const out = await h.call('action_create_lead', { slots: LEAD });
    expect(out.status).toBe(200);
    expect(out.texts[0]).toBe("Sorry, HubSpot isn't answering right now, so I couldn't save your details. Please try again in a few minutes.");
    expect(hs.contacts.size).toBe(0);
  });

  it('says the assistant access is broken when the token is refused', async () => {
    await h.close();
    h = await startHarness({ CRM_PROVIDER: 'hubspot', HUBSPOT_ACCESS_TOKEN: 'wrong-token', HUBSPOT_BASE_URL: hs.url });
    const out = await h.call('action_create_lead', { slots: LEAD });
    expect(out.texts[0]).toContain("this assistant's access to HubSpot isn't working");
  });

  it('does not send a timed-out create again within the call: only a later lookup can tell whether it happened', async () => {
    await h.close();
    h = await startHarness({ CRM_PROVIDER: 'hubspot', HUBSPOT_ACCESS_TOKEN: 'hubspot-token', HUBSPOT_BASE_URL: hs.url }, { attemptTimeoutMs: 150 });
    hs.delay({ ms: 400, match: (r) => r.method === 'POST' && r.path === '/crm/v3/objects/contacts' });
    const out = await h.call('action_create_lead', { slots: LEAD });
    expect(hs.received('POST', '/crm/v3/objects/contacts')).toHaveLength(1);
    expect(out.texts[0]).toContain("HubSpot isn't answering");
    // Asked again, the contact the late create made is found by its email: still one.
    await eventually('the late create landed', () => hs.contacts.size === 1);
    const again = await h.call('action_create_lead', { slots: LEAD });
    expect(again.texts[0]).toContain('Thanks, Ada!');
    expect(hs.contacts.size).toBe(1);
    expect(hs.received('POST', '/crm/v3/objects/contacts')).toHaveLength(1);
  });
});

describe('HubSpot limits, with nothing the user wrote lost (#16)', () => {
  let hs: FakeHubspot;
  let h: Harness;
  beforeEach(async () => {
    hs = await new FakeHubspot().start();
    h = await startHarness({ CRM_PROVIDER: 'hubspot', HUBSPOT_ACCESS_TOKEN: 'hubspot-token', HUBSPOT_BASE_URL: hs.url });
  });
  afterEach(async () => {
    await h.close();
    await hs.stop();
  });

  it('spreads an activity longer than a note holds over numbered notes, emoji whole, and every word kept', async () => {
    const out = await h.call('action_create_lead', { slots: LEAD });
    expect(out.texts[0]).toContain('Thanks, Ada!');
    const contact = [...hs.contacts.keys()][0]!;
    hs.notes.clear();
    const said = `${'I need the 🚀 rocket plan & <everything> in it, '.repeat(1_800)}thanks`;
    await h.ports.crm.logActivity(contact, { subject: 'Chatbot conversation', body: said });
    const notes = [...hs.notes.values()].map((n) => n.properties.hs_note_body ?? '');
    expect(notes.length).toBeGreaterThan(1);
    expect(notes.every((b) => b.length <= 65_536)).toBe(true);
    // The fake refuses lone surrogates, so every note was accepted whole; together they hold what was said.
    const text = notes
      .map((b) =>
        b
          .replace(/^<p><strong>.*?<\/strong><\/p>/, '')
          .replace(/<\/p><p>/g, '\n')
          .replace(/<\/?p>/g, '')
          .replace(/&lt;/g, '<')
          .replace(/&gt;/g, '>')
          .replace(/&amp;/g, '&'),
      )
      .join('');
    expect(text.includes(said)).toBe(true);
    expect(notes.map((b) => /<strong>.*\((part \d+ of \d+)\)<\/strong>/.exec(b)?.[1])).toEqual(notes.map((_, i) => `part ${i + 1} of ${notes.length}`));
  });
});
