/**
 * Which CRM, ticketing system and knowledge base the actions use, the workflow webhook, and each
 * vendor's settings.
 * Everything defaults to the local adapters so a fresh clone works with no accounts. A chosen
 * provider with a missing credential stops start-up with a message naming the variable.
 */
import { ConfigError } from '../config';
import type { ConnectorPolicy } from './kit/gateway';
import { PROVIDERS } from './providers';
import { parseRateRule } from '../ratelimit';
import { EnvReader } from '../config/env';
import { readHubspotConfig, type HubspotConfig } from './hubspot/config';
import { readJiraConfig, type JiraConfig } from './jira/config';
import { readNotionConfig, type NotionConfig } from './notion/config';
import { readSalesforceConfig, type SalesforceConfig } from './salesforce/config';
import { readWorkflowConfig, type WorkflowConfig } from './workflow/config';

export const CRM_PROVIDERS = ['local', 'salesforce', 'hubspot'] as const;
export const TICKETING_PROVIDERS = ['local', 'jira'] as const;
export const KB_PROVIDERS = ['local', 'notion'] as const;

export type CrmConfig = { provider: 'local' } | { provider: 'salesforce'; salesforce: SalesforceConfig } | { provider: 'hubspot'; hubspot: HubspotConfig };
export type TicketingConfig = { provider: 'local'; projectKey: string } | { provider: 'jira'; jira: JiraConfig };
export type KbConfig = { provider: 'local' } | { provider: 'notion'; notion: NotionConfig };

export interface ConnectorsConfig {
  crm: CrmConfig;
  ticketing: TicketingConfig;
  kb: KbConfig;
  /** The outbound workflow webhook; absent when WORKFLOW_WEBHOOK_URL is unset. */
  workflow?: WorkflowConfig;
  /** Per-attempt timeout for vendor calls (the gateway's attempt timeout). */
  timeoutMs: number;
  /** Gateway overrides per connector, from `<VENDOR>_TIMEOUT_MS`, `_MAX_ATTEMPTS`, `_MAX_CONCURRENT`, `_RATE_LIMIT`. */
  policies: Record<string, Partial<ConnectorPolicy>>;
}

function readPolicies(env: EnvReader): Record<string, Partial<ConnectorPolicy>> {
  const out: Record<string, Partial<ConnectorPolicy>> = {};
  for (const [vendor, { envPrefix: prefix }] of Object.entries(PROVIDERS)) {
    const policy: Partial<ConnectorPolicy> = {};
    if (env.get(`${prefix}_TIMEOUT_MS`) !== undefined) policy.attemptTimeoutMs = env.positiveInt(`${prefix}_TIMEOUT_MS`, 0);
    if (env.get(`${prefix}_MAX_ATTEMPTS`) !== undefined) policy.maxAttempts = env.positiveInt(`${prefix}_MAX_ATTEMPTS`, 0);
    if (env.get(`${prefix}_MAX_CONCURRENT`) !== undefined) policy.maxConcurrent = env.positiveInt(`${prefix}_MAX_CONCURRENT`, 0);
    const rate = env.get(`${prefix}_RATE_LIMIT`);
    if (rate !== undefined) {
      const rule = parseRateRule(rate);
      if (rule === undefined) env.problems.push(`${prefix}_RATE_LIMIT: '${rate}' is not a rate such as 100/10s, 3/1s, 5000/1h or off`);
      else policy.rateLimit = rule;
    }
    if (Object.keys(policy).length > 0) out[vendor] = policy;
  }
  return out;
}

function choose<T extends string>(env: EnvReader, name: string, allowed: readonly T[]): T {
  const value = (env.get(name) ?? 'local').toLowerCase();
  if ((allowed as readonly string[]).includes(value)) return value as T;
  env.problems.push(`${name}: '${value}' is not one of ${allowed.join(', ')}`);
  return 'local' as T;
}

/** Reads and checks the connectors' settings; throws ConfigError listing every problem. */
export function loadConnectorsConfig(envVars: NodeJS.ProcessEnv = process.env): ConnectorsConfig {
  const env = new EnvReader(envVars);
  const crmProvider = choose(env, 'CRM_PROVIDER', CRM_PROVIDERS);
  const ticketingProvider = choose(env, 'TICKETING_PROVIDER', TICKETING_PROVIDERS);
  const kbProvider = choose(env, 'KB_PROVIDER', KB_PROVIDERS);

  const crm: CrmConfig =
    crmProvider === 'salesforce'
      ? { provider: 'salesforce', salesforce: readSalesforceConfig(env) }
      : crmProvider === 'hubspot'
        ? { provider: 'hubspot', hubspot: readHubspotConfig(env) }
        : { provider: 'local' };
  const ticketing: TicketingConfig =
    ticketingProvider === 'jira' ? { provider: 'jira', jira: readJiraConfig(env) } : { provider: 'local', projectKey: env.get('LOCAL_TICKET_PREFIX') ?? 'LOCAL' };
  const kb: KbConfig = kbProvider === 'notion' ? { provider: 'notion', notion: readNotionConfig(env) } : { provider: 'local' };
  const workflow = readWorkflowConfig(env);
  const timeoutMs = env.positiveInt('CONNECTOR_TIMEOUT_MS', 10_000);
  const policies = readPolicies(env);

  if (env.problems.length > 0) throw new ConfigError(env.problems);
  return { crm, ticketing, kb, ...(workflow ? { workflow } : {}), timeoutMs, policies };
}
