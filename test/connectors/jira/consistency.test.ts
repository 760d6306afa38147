/**
 * Jira Cloud's JQL search lags behind creates: the adapter names a known issue in
 * reconcileIssues, and does not take a miss right after an ambiguous create as "not there".
 */
import { JiraTicketing, referenceLabel } from '../../../src/connectors/jira';
import type { JiraConfig } from '../../../src/connectors/jira/config';
import { Gateway } from '../../../src/connectors/kit/gateway';
import { VENDORS } from '../../../src/connectors/providers';
import { FakeJira } from '../../support/fakes/jira';
import { TEST_POLICY } from '../../support/policy';

const AUTH = { email: 'bot@example.com', apiToken: 'jira-token' };
const INPUT = { summary: 'Export fails', description: 'It shows an error.', severity: 'high' as const, reference: 'REF-LAGGED0001' };
const CREATES = (jira: FakeJira) => jira.received('POST', '/rest/api/3/issue');

describe('Jira search consistency', () => {
  let jira: FakeJira;
  let config: JiraConfig;
  beforeEach(async () => {
    jira = await new FakeJira(AUTH).start();
    config = { host: jira.url, ...AUTH, projectKey: 'SUP', issueType: 'Task', labels: [] };
  });
  afterEach(async () => {
    await jira.stop();
  });

  it('misses a new issue while search lags, and finds it at once when its id is named in reconcileIssues', async () => {
    jira.searchLagMs = 60_000;
    const ticketing = new JiraTicketing(config, new Gateway({ defaults: TEST_POLICY }));
    const created = await ticketing.createTicket(INPUT);
    expect(created.id).toMatch(/^\d+$/);
    expect(await ticketing.findByReference(INPUT.reference)).toBeNull();
    expect(await ticketing.findByReference(INPUT.reference, { knownId: created.id })).toMatchObject({ key: created.key });
    const [, reconciled] = jira.received('POST', '/rest/api/3/search/jql');
    expect(reconciled!.body).toMatchObject({ reconcileIssues: [Number(created.id)], jql: expect.stringContaining(referenceLabel(INPUT.reference)) });
  });

  it('with a consistency window, a create whose answer was lost is not sent again on a search miss', async () => {
    jira.searchLagMs = 60_000;
    jira.dropCreates(1);
    const ticketing = new JiraTicketing(config, new Gateway({ defaults: TEST_POLICY }), { searchConsistencyMs: 10_000 });
    await expect(ticketing.createTicket(INPUT)).rejects.toMatchObject({ kind: 'upstream_unavailable' });
    expect(CREATES(jira)).toHaveLength(1);
    expect(jira.issues.size).toBe(1);
  });

  it('without one (search read-after-write), a miss after an ambiguous 502 creates again within the call', async () => {
    jira.fail({ status: 502, body: { errorMessages: ['Bad gateway'] }, match: (r) => r.method === 'POST' && r.path === '/rest/api/3/issue' });
    const ticketing = new JiraTicketing(config, new Gateway({ defaults: TEST_POLICY }));
    expect(await ticketing.createTicket(INPUT)).toMatchObject({ key: 'SUP-1' });
    expect(CREATES(jira)).toHaveLength(2);
    expect(jira.issues.size).toBe(1);
  });

  it('the registry builds Jira with the window providers.ts gives it', () => {
    expect(VENDORS.jira.searchConsistencyMs).toBe(10_000);
    const built = VENDORS.jira.create(config, new Gateway({ defaults: TEST_POLICY }));
    expect(built.searchConsistencyMs).toBe(10_000);
  });
});
