/** The real executable refuses to start when a chosen vendor lacks a credential, naming it. */
import { ensureBuilt, runCli } from '../support/process';

describe('start-up with a chosen vendor', () => {
  beforeAll(() => ensureBuilt());

  it('exits non-zero naming the missing HubSpot token, without echoing other secrets', async () => {
    const p = runCli(['serve'], { PORT: '0', HOST: '127.0.0.1', CRM_PROVIDER: 'hubspot', TICKETING_PROVIDER: 'jira', JIRA_HOST: 'https://x.atlassian.net', JIRA_EMAIL: 'bot@example.com', JIRA_API_TOKEN: 'jira-very-secret', JIRA_PROJECT_KEY: 'SUP' });
    const code = await p.exited;
    expect(code).not.toBe(0);
    expect(p.stderr()).toContain('HUBSPOT_ACCESS_TOKEN is required when CRM_PROVIDER=hubspot');
    expect(p.stderr() + p.stdout()).not.toContain('jira-very-secret');
  });
});
