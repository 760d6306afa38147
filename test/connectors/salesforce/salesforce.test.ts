import { FakeSalesforce } from '../../support/fakes/salesforce';
import { captureLogs } from '../../support/log-capture';
import { startHarness, CONVERSATION, type Harness } from '../../support/connectors';

const LEAD = { lead_name: 'Grace Brewster Hopper', lead_email: "o'hopper@example.com", lead_company: 'Navy', lead_interest: 'compilers' };
const APP = { clientId: 'sf-client', clientSecret: 'sf-secret', username: 'bot@example.com', password: 'pw+token' };

function tokenEnv(sf: FakeSalesforce, extra: Record<string, string> = {}): Record<string, string> {
  return { CRM_PROVIDER: 'salesforce', SALESFORCE_INSTANCE_URL: sf.url, SALESFORCE_LOGIN_URL: sf.url, SALESFORCE_ACCESS_TOKEN: 'AT-static', SALESFORCE_API_VERSION: '59.0', ...extra };
}

describe('Salesforce CRM through /webhook', () => {
  let sf: FakeSalesforce;
  let h: Harness | undefined;
  beforeEach(async () => {
    sf = await new FakeSalesforce(APP, ['AT-static']).start();
  });
  afterEach(async () => {
    await h?.close();
    h = undefined;
    await sf.stop();
  });

  it('looks the lead up by email with SOQL, upserts it on its request reference, and links a completed Task', async () => {
    h = await startHarness(tokenEnv(sf));
    const out = await h.call('action_create_lead', { events: CONVERSATION, slots: LEAD });
    expect(out.status).toBe(200);
    const [query] = sf.received('GET', '/services/data/v59.0/query');
    expect(query!.headers.authorization).toBe('Bearer AT-static');
    // The quote in the email is escaped inside the SOQL literal.
    expect(query!.query.q).toContain("WHERE Email = 'o\\'hopper@example.com'");
    expect(query!.query.q).toMatch(/^SELECT Id, Email, FirstName, LastName, Company, ActionBridge_Reference__c FROM Lead/);
    const [create] = sf.received('PATCH', /^\/services\/data\/v59\.0\/sobjects\/Lead\/ActionBridge_Reference__c\/action_create_lead:[0-9a-f]{20}$/);
    expect(create!.body).toEqual({
      FirstName: 'Grace Brewster',
      LastName: 'Hopper',
      Company: 'Navy',
      Email: "o'hopper@example.com",
      LeadSource: 'Web',
      Description: 'Interested in: compilers',
    });
    const leadId = [...sf.leads.keys()][0]!;
    const [task] = sf.received('POST', '/services/data/v59.0/sobjects/Task');
    const taskBody = task!.body as Record<string, string>;
    expect(taskBody).toMatchObject({ WhoId: leadId, Status: 'Completed', Subject: 'Chatbot conversation: compilers' });
    expect(taskBody.ActivityDate).toMatch(/^\d{4}-\d{2}-\d{2}$/);
    expect(taskBody.Description).toContain('User: hi, the export button gives me an error');
    expect(out.texts[0]).toContain('Thanks, Grace!');
    // The CRM's id stays in the CRM.
    expect(out.slots).toEqual({});
  });

  it('leaves the lead alone for a second request with the same email, and notes the new details in a Task on it', async () => {
    h = await startHarness(tokenEnv(sf));
    const first = await h.call('action_create_lead', { slots: LEAD });
    const out = await h.call('action_create_lead', { slots: { ...LEAD, lead_company: 'Harvard' } });
    expect(sf.leads.size).toBe(1);
    expect(sf.received('PATCH', /^\/services\/data\/v59\.0\/sobjects\/Lead\//)).toHaveLength(1);
    const [lead] = [...sf.leads.values()];
    expect(lead!.Company).toBe('Navy');
    expect(out.texts[0]).toBe(first.texts[0]);
    expect(sf.tasks.size).toBe(2);
    const task = [...sf.tasks.values()][1]!;
    expect(task.WhoId).toBe(lead!.Id);
    expect(task.Description).toContain('Company: Harvard');
  });

  it('refreshes the token after a 401 with the connected app and replays the call', async () => {
    h = await startHarness(tokenEnv(sf, { SALESFORCE_CLIENT_ID: APP.clientId, SALESFORCE_CLIENT_SECRET: APP.clientSecret }));
    await h.call('action_create_lead', { slots: LEAD });
    expect(sf.tokenRequests).toHaveLength(0);
    sf.expireTokens();
    const out = await h.call('action_create_lead', { slots: { ...LEAD, lead_email: 'grace@example.com' } });
    expect(sf.tokenRequests).toHaveLength(1);
    expect(sf.tokenRequests[0]!.body).toMatchObject({ grant_type: 'client_credentials', client_id: 'sf-client', client_secret: 'sf-secret' });
    const queries = sf.received('GET', '/services/data/v59.0/query');
    // first lead's query, then the 401, then the replay with the new token
    expect(queries.map((q) => q.headers.authorization)).toEqual(['Bearer AT-static', 'Bearer AT-static', 'Bearer 00Dfake!AT1']);
    expect(out.texts[0]).toContain('Thanks, Grace!');
    expect(sf.leads.size).toBe(2);
  });

  it('signs in with username and password when no token is given', async () => {
    h = await startHarness({
      CRM_PROVIDER: 'salesforce',
      SALESFORCE_LOGIN_URL: sf.url,
      SALESFORCE_CLIENT_ID: APP.clientId,
      SALESFORCE_CLIENT_SECRET: APP.clientSecret,
      SALESFORCE_USERNAME: APP.username,
      SALESFORCE_PASSWORD: APP.password,
    });
    const out = await h.call('action_create_lead', { slots: LEAD });
    expect(sf.tokenRequests).toHaveLength(1);
    expect(sf.tokenRequests[0]!.body).toMatchObject({ grant_type: 'password', username: APP.username, password: APP.password });
    expect(out.texts[0]).toContain('Thanks, Grace!');
  });

  it('stops after one refresh when Salesforce keeps answering 401 (no endless jsforce loop)', async () => {
    const logs = captureLogs();
    h = await startHarness(tokenEnv(sf, { SALESFORCE_CLIENT_ID: APP.clientId, SALESFORCE_CLIENT_SECRET: APP.clientSecret }), {}, logs.logger);
    // Two 401s in a row: the original call and its replay after the refresh.
    sf.fail({ status: 401, body: [{ message: 'Session expired or invalid', errorCode: 'INVALID_SESSION_ID' }], times: 2, match: (r) => r.path.startsWith('/services/data/') });
    const out = await h.call('action_create_lead', { slots: LEAD });
    expect(out.texts[0]).toContain("this assistant's access to Salesforce isn't working");
    expect(sf.tokenRequests).toHaveLength(1);
    expect(sf.received('GET', '/services/data/v59.0/query')).toHaveLength(2);
    // Once Salesforce accepts tokens again, the next request goes through.
    const later = await h.call('action_create_lead', { slots: LEAD });
    expect(later.texts[0]).toContain('Thanks, Grace!');
    // The operator sees why, and no token or client secret is in the log.
    const failure = await logs.waitFor((l) => l.message === 'connector call failed');
    expect(failure).toMatchObject({ level: 'error', connector: 'salesforce', operation: 'queryLead', kind: 'auth', vendorCode: 'refresh_failed' });
    for (const secret of ['AT-static', '00Dfake!AT1', 'sf-secret']) expect(logs.text()).not.toContain(secret);
  });

  it('turns a Salesforce 400 into a message naming the field', async () => {
    h = await startHarness(tokenEnv(sf));
    sf.fail({
      status: 400,
      body: [{ message: 'Email: invalid email address: bad', errorCode: 'INVALID_EMAIL_ADDRESS', fields: ['Email'] }],
      match: (r) => r.method === 'PATCH' && r.path.includes('/sobjects/Lead/'),
    });
    const out = await h.call('action_create_lead', { slots: LEAD });
    expect(out.texts[0]).toBe("Salesforce didn't accept the details, so I couldn't save your details. It had a problem with: Email. Could you check them and try again?");
    expect(sf.leads.size).toBe(0);
  });

  it('tells the user plainly when Salesforce is down', async () => {
    h = await startHarness(tokenEnv(sf), { maxAttempts: 2 });
    sf.fail({ status: 503, body: [{ message: 'Server unavailable', errorCode: 'SERVER_UNAVAILABLE' }], times: Infinity });
    const out = await h.call('action_create_lead', { slots: LEAD });
    expect(out.status).toBe(200);
    expect(out.texts[0]).toBe("Sorry, Salesforce isn't answering right now, so I couldn't save your details. Please try again in a few minutes.");
    // The query is a read, so the gateway (not jsforce) retried it once.
    expect(sf.received('GET', '/services/data/v59.0/query')).toHaveLength(2);
  });

  it('sends a timed-out upsert again, which Salesforce matches to the lead it made (one lead)', async () => {
    h = await startHarness(tokenEnv(sf), { attemptTimeoutMs: 150 });
    sf.delay({ ms: 400, match: (r) => r.method === 'PATCH' && r.path.includes('/sobjects/Lead/ActionBridge_Reference__c/') });
    const out = await h.call('action_create_lead', { slots: LEAD });
    expect(sf.received('PATCH', /\/sobjects\/Lead\/ActionBridge_Reference__c\//)).toHaveLength(2);
    expect(sf.leads.size).toBe(1);
    expect(sf.tasks.size).toBe(1);
    expect(out.texts[0]).toContain('Thanks, Grace!');
  });

  describe('Salesforce field limits, with nothing the user wrote lost (#16)', () => {
    it('cuts a long name, company and interest to the Lead\'s fields at character boundaries and keeps them in full in a Task', async () => {
      h = await startHarness(tokenEnv(sf));
      const name = `${'Anne-Marie '.repeat(5)}🚀 Zoë Ångström-Lovelace`;
      const company = `Emoji 🚀 Holdings ${'International '.repeat(23)}Ltd`;
      const interest = `${'the enterprise plan with 🚀 rockets '.repeat(1_150)}and more`;
      const out = await h.call('action_create_lead', { slots: { ...LEAD, lead_name: name, lead_company: company, lead_interest: interest } });
      expect(out.texts[0]).toContain('Thanks,');
      expect(sf.leads.size).toBe(1);
      const lead = [...sf.leads.values()][0]!;
      expect(String(lead.FirstName).length).toBeLessThanOrEqual(40);
      expect(String(lead.Company).length).toBeLessThanOrEqual(255);
      expect(String(lead.Description).length).toBeLessThanOrEqual(32_000);
      expect(String(lead.Description).endsWith('…')).toBe(true);
      // The fake refuses lone surrogates: every cut fell between characters.
      const full = [...sf.tasks.values()].filter((t) => String(t.Subject).startsWith('Chatbot: details in full'));
      const kept = full.map((t) => String(t.Description)).join('');
      // Booleans: a failure must not print 40 KB.
      expect(kept.includes(`Name: ${name}`)).toBe(true);
      expect(kept.includes(`Company: ${company}`)).toBe(true);
      expect(kept.includes(`Interested in: ${interest}`)).toBe(true);
      expect(full.length).toBeGreaterThan(1);
      expect(full.every((t) => String(t.Subject).length <= 255 && String(t.Description).length <= 32_000)).toBe(true);
      expect(full.map((t) => t.Subject)).toEqual(full.map((_, i) => `Chatbot: details in full (part ${i + 1} of ${full.length})`));
    });

    it('keeps an emoji whole in a Task subject cut at 255, and sends a standard Lead Source unless told otherwise', async () => {
      h = await startHarness(tokenEnv(sf));
      sf.restrictedLeadSources = ['Web', 'Phone Inquiry', 'Partner Referral', 'Purchased List', 'Other'];
      const out = await h.call('action_create_lead', { slots: { ...LEAD, lead_interest: `${'x'.repeat(230)}🚀🚀🚀🚀🚀🚀` } });
      expect(out.texts[0]).toContain('Thanks,');
      expect([...sf.leads.values()][0]!.LeadSource).toBe('Web');
      const subject = String([...sf.tasks.values()][0]!.Subject);
      expect(subject.length).toBeLessThanOrEqual(255);
      expect(subject).not.toContain('\uFFFD');
      expect(subject.endsWith('🚀…')).toBe(true);
    });

    it('refuses an email longer than the Lead keeps before sending anything, naming the field', async () => {
      h = await startHarness(tokenEnv(sf));
      const out = await h.call('action_create_lead', { slots: { ...LEAD, lead_email: `${'a'.repeat(72)}@example.com` } });
      expect(out.texts[0]).toContain('It had a problem with: Email');
      expect(sf.received('PATCH', /sobjects\/Lead/)).toHaveLength(0);
    });

    it('the fake answers as Salesforce does for a value over a field\'s length', async () => {
      h = await startHarness(tokenEnv(sf));
      sf.fail({ status: 400, body: [{ message: 'First Name: data value too large', errorCode: 'STRING_TOO_LONG', fields: ['FirstName'] }], match: (r) => r.method === 'PATCH' });
      const out = await h.call('action_create_lead', { slots: LEAD });
      expect(out.texts[0]).toContain('It had a problem with: FirstName');
    });
  });
});
