/** A vendor that refuses connections: the SDK's transport error becomes a plain "not answering" for the user. */
import { startHarness, tokenMetadata } from '../support/connectors';
import { closedPort } from '../support/http';

/** A loopback port with nothing listening on it. */
async function closedPortUrl(): Promise<string> {
  return `http://127.0.0.1:${await closedPort()}`;
}

const LEAD = { lead_name: 'Ada Lovelace', lead_email: 'ada@example.com' };

describe.each([
  ['Salesforce', (url: string) => ({ CRM_PROVIDER: 'salesforce', SALESFORCE_INSTANCE_URL: url, SALESFORCE_ACCESS_TOKEN: 'tok-1' }), 'action_create_lead', LEAD, 'save your details'],
  ['HubSpot', (url: string) => ({ CRM_PROVIDER: 'hubspot', HUBSPOT_BASE_URL: url, HUBSPOT_ACCESS_TOKEN: 'pat-1' }), 'action_create_lead', LEAD, 'save your details'],
  ['Notion', (url: string) => ({ KB_PROVIDER: 'notion', NOTION_BASE_URL: url, NOTION_TOKEN: 'ntn-1', NOTION_DATABASE_ID: 'db1' }), 'action_document_solution', { ticket_key: 'SUP-1', ticket_summary: 'x', solution_text: 'y' }, 'save the solution'],
  ['Jira', (url: string) => ({ TICKETING_PROVIDER: 'jira', JIRA_HOST: url, JIRA_EMAIL: 'a@b.c', JIRA_API_TOKEN: 't-1', JIRA_PROJECT_KEY: 'SUP' }), 'action_ticket_status', { ticket_key: 'SUP-1' }, 'look up ticket SUP-1'],
])('%s refusing connections', (system, env, action, slots, doing) => {
  it('tells the user plainly', async () => {
    const h = await startHarness(env(await closedPortUrl()), { maxAttempts: 2 });
    try {
      // As a support agent, who may do all of these.
      const out = await h.call(action, { metadata: await tokenMetadata(), slots });
      expect(out.status).toBe(200);
      expect(out.texts[0]).toBe(`Sorry, ${system} isn't answering right now, so I couldn't ${doing}. Please try again in a few minutes.`);
    } finally {
      await h.close();
    }
  });
});
