import { servicesFrom } from '../support/services';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { loadConnectorsConfig } from '../../src/connectors/config';
import { DEFAULT_POLICY, Gateway } from '../../src/connectors/kit/gateway';
import { createSystems } from '../../src/connectors/registry';
import { memoryStore } from '../support/connectors';
import { redactString } from '../../src/observability/redact';
import { problemsOf } from '../support/config-problems';


describe('connectors configuration', () => {
  it('defaults to the local adapters', () => {
    const c = loadConnectorsConfig({});
    expect([c.crm.provider, c.ticketing.provider, c.kb.provider]).toEqual(['local', 'local', 'local']);
  });

  it('names every missing Jira variable', () => {
    const problems = problemsOf({ TICKETING_PROVIDER: 'jira' });
    for (const name of ['JIRA_HOST', 'JIRA_EMAIL', 'JIRA_API_TOKEN', 'JIRA_PROJECT_KEY']) {
      expect(problems).toContainEqual(expect.stringContaining(`${name} is required when TICKETING_PROVIDER=jira`));
    }
  });

  it('names the missing HubSpot token and Notion settings', () => {
    expect(problemsOf({ CRM_PROVIDER: 'hubspot' })).toEqual([expect.stringContaining('HUBSPOT_ACCESS_TOKEN is required when CRM_PROVIDER=hubspot')]);
    const notion = problemsOf({ KB_PROVIDER: 'notion', NOTION_TOKEN: 'secret_abc' });
    expect(notion).toEqual([expect.stringContaining('NOTION_DATABASE_ID is required when KB_PROVIDER=notion')]);
  });

  it('explains the two ways to authenticate to Salesforce', () => {
    expect(problemsOf({ CRM_PROVIDER: 'salesforce' })).toEqual([
      'SALESFORCE_ACCESS_TOKEN (with SALESFORCE_INSTANCE_URL) or SALESFORCE_CLIENT_ID and SALESFORCE_CLIENT_SECRET are required when CRM_PROVIDER=salesforce',
    ]);
    expect(problemsOf({ CRM_PROVIDER: 'salesforce', SALESFORCE_ACCESS_TOKEN: 'tok-123' })).toEqual([
      expect.stringContaining('SALESFORCE_INSTANCE_URL is required when CRM_PROVIDER=salesforce with SALESFORCE_ACCESS_TOKEN'),
    ]);
    expect(problemsOf({ CRM_PROVIDER: 'salesforce', SALESFORCE_CLIENT_ID: 'id' })).toEqual([expect.stringContaining('SALESFORCE_CLIENT_SECRET is required')]);
  });

  it('reads the Lead field that keys creates on the request (default, none, and a name Salesforce could not have)', () => {
    const sf = { CRM_PROVIDER: 'salesforce', SALESFORCE_ACCESS_TOKEN: 'tok-123', SALESFORCE_INSTANCE_URL: 'https://example.my.salesforce.com' };
    const fieldOf = (extra: Record<string, string>) => (loadConnectorsConfig({ ...sf, ...extra }).crm as { settings: { referenceField?: string } }).settings.referenceField;
    expect(fieldOf({})).toBe('ActionBridge_Reference__c');
    expect(fieldOf({ SALESFORCE_LEAD_REFERENCE_FIELD: 'Chat_Request__c' })).toBe('Chat_Request__c');
    expect(fieldOf({ SALESFORCE_LEAD_REFERENCE_FIELD: 'none' })).toBeUndefined();
    expect(problemsOf({ ...sf, SALESFORCE_LEAD_REFERENCE_FIELD: "Ref__c'/../x" })).toEqual([expect.stringContaining('SALESFORCE_LEAD_REFERENCE_FIELD')]);
  });

  it('rejects an unknown provider and a base URL that is not http(s)', () => {
    expect(problemsOf({ CRM_PROVIDER: 'dynamics' })).toEqual(["CRM_PROVIDER: 'dynamics' is not one of local, salesforce, hubspot"]);
    expect(problemsOf({ CRM_PROVIDER: 'hubspot', HUBSPOT_ACCESS_TOKEN: 'pat-1', HUBSPOT_BASE_URL: 'ftp://x' })).toEqual(["HUBSPOT_BASE_URL: 'ftp://x' is not an http(s) URL"]);
  });

  it('reads a secret from <NAME>_FILE and keeps it out of logs', () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'ab-secret-'));
    const file = path.join(dir, 'token');
    fs.writeFileSync(file, 'pat-na1-file-secret-value\n');
    try {
      const c = loadConnectorsConfig({ CRM_PROVIDER: 'hubspot', HUBSPOT_ACCESS_TOKEN_FILE: file });
      expect(c.crm).toEqual({ provider: 'hubspot', settings: expect.objectContaining({ accessToken: 'pat-na1-file-secret-value' }) });
      expect(redactString('calling with pat-na1-file-secret-value now')).toBe('calling with [secret] now');
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });

  it('names an unreadable secret file', () => {
    expect(problemsOf({ TICKETING_PROVIDER: 'jira', JIRA_HOST: 'https://x.atlassian.net', JIRA_EMAIL: 'a@b.c', JIRA_PROJECT_KEY: 'SUP', JIRA_API_TOKEN_FILE: '/nonexistent/token' })).toEqual([
      'JIRA_API_TOKEN_FILE: cannot read /nonexistent/token (ENOENT)',
      expect.stringContaining('JIRA_API_TOKEN is required'),
    ]);
  });

  it('refuses to build the services (start-up) when a chosen provider lacks a credential', async () => {
    const env = { TICKETING_PROVIDER: 'jira', JIRA_HOST: 'https://example.atlassian.net', JIRA_EMAIL: 'bot@example.com', JIRA_PROJECT_KEY: 'SUP', DATA_DIR: os.tmpdir() };
    await expect(servicesFrom(env)).rejects.toThrow(/JIRA_API_TOKEN is required when TICKETING_PROVIDER=jira/);
  });
});

describe('gateway policies per connector', () => {
  it('reads <VENDOR>_TIMEOUT_MS, _MAX_ATTEMPTS and _MAX_CONCURRENT', () => {
    const c = loadConnectorsConfig({ JIRA_TIMEOUT_MS: '2500', JIRA_MAX_ATTEMPTS: '5', HUBSPOT_MAX_CONCURRENT: '3' });
    expect(c.policies).toEqual({ jira: { attemptTimeoutMs: 2500, maxAttempts: 5 }, hubspot: { maxConcurrent: 3 } });
    expect(problemsOf({ NOTION_MAX_ATTEMPTS: 'many' })).toEqual(["NOTION_MAX_ATTEMPTS: 'many' is not a positive whole number"]);
  });

  it('reads <VENDOR>_RATE_LIMIT (and WORKFLOW_WEBHOOK_RATE_LIMIT) as a quota, `off` as none', () => {
    const c = loadConnectorsConfig({ HUBSPOT_RATE_LIMIT: '190/10s', NOTION_RATE_LIMIT: 'off', WORKFLOW_WEBHOOK_RATE_LIMIT: '20/1m' });
    expect(c.policies).toEqual({ hubspot: { rateLimit: { points: 190, durationSeconds: 10 } }, notion: { rateLimit: null }, workflow: { rateLimit: { points: 20, durationSeconds: 60 } } });
    expect(problemsOf({ JIRA_RATE_LIMIT: 'fast' })).toEqual(["JIRA_RATE_LIMIT: 'fast' is not a rate such as 100/10s, 3/1s, 5000/1h or off"]);
  });

  it("applies each vendor's policy from providers.ts, under the environment's overrides, whoever made the gateway", () => {
    const hubspot = { CRM_PROVIDER: 'hubspot', HUBSPOT_ACCESS_TOKEN: 'pat-na1-0123', KB_PROVIDER: 'notion', NOTION_TOKEN: 'secret_abc', NOTION_DATABASE_ID: 'db-1' };
    const policyOf = (env: Record<string, string>, gateway?: Gateway) => {
      const systems = createSystems(loadConnectorsConfig(env), { store: memoryStore(), ...(gateway ? { gateway } : {}) });
      return (connector: string) => systems.gateway.policyOf(connector);
    };
    const built = policyOf(hubspot);
    expect(built('hubspot').rateLimit).toEqual({ points: 100, durationSeconds: 10 });
    expect(built('notion').rateLimit).toEqual({ points: 3, durationSeconds: 1 });
    expect(built('hubspot').maxAttempts).toBe(DEFAULT_POLICY.maxAttempts);
    const overridden = policyOf({ ...hubspot, HUBSPOT_RATE_LIMIT: '190/10s', NOTION_RATE_LIMIT: 'off' });
    expect(overridden('hubspot').rateLimit).toEqual({ points: 190, durationSeconds: 10 });
    expect(overridden('notion').rateLimit).toBeNull();
    const given = policyOf(hubspot, new Gateway({ defaults: { maxAttempts: 7 } }));
    expect(given('hubspot')).toMatchObject({ rateLimit: { points: 100, durationSeconds: 10 }, maxAttempts: 7 });
  });
});
