/**
 * Which CRM, ticketing system and knowledge base the actions use, the workflow webhook, the mail
 * server, and each vendor's settings.
 * Everything defaults to the local adapters so a fresh clone works with no accounts. A chosen
 * provider with a missing credential stops start-up with a message naming the variable.
 */
import { ConfigError } from '../config';
import { EnvReader } from '../config/env';
import { parseRateRule } from '../ratelimit';
import type { ConnectorPolicy } from './kit/gateway';
import { POLICIES, vendorsFor, VENDORS, type PortName, type VendorName } from './providers';
import { readWorkflowConfig, type WorkflowConfig } from './workflow/config';
import { readMailConfig, type MailConfig } from './email/config';
import { readNotifyConfig, type NotifyConfig } from './notify/config';
import { readRasaConfig, type RasaConfig } from './rasa/config';

/** Which system serves a port: the local adapter on the store, or a vendor with its settings. */
export type PortChoice = { provider: 'local' } | { provider: VendorName; settings: unknown };

export interface ConnectorsConfig {
  crm: PortChoice;
  ticketing: PortChoice;
  kb: PortChoice;
  /** Key prefix of the local ticketing adapter's tickets (LOCAL-1, ...). */
  localTicketPrefix: string;
  /** The outbound workflow webhook; absent when WORKFLOW_WEBHOOK_URL is unset. */
  workflow?: WorkflowConfig;
  /** The SMTP server one-time codes are mailed through; absent when SMTP_URL is unset. */
  mail?: MailConfig;
  /** The team channel notified of critical tickets and qualified leads; absent when NOTIFY_PROVIDER is unset. */
  notify?: NotifyConfig;
  /** Rasa's HTTP API for proactive messages; absent when RASA_URL is unset. */
  rasa?: RasaConfig;
  /** The robot that acts in legacy systems (RPA_PROVIDER=browser|uipath); absent when unset. */
  rpa?: PortChoice;
  /** Per-attempt timeout for vendor calls (the gateway's attempt timeout). */
  timeoutMs: number;
  /** Gateway overrides per connector, from `<PREFIX>_TIMEOUT_MS`, `_MAX_ATTEMPTS`, `_MAX_CONCURRENT`, `_RATE_LIMIT`. */
  policies: Record<string, Partial<ConnectorPolicy>>;
}

function readPolicies(env: EnvReader): Record<string, Partial<ConnectorPolicy>> {
  const out: Record<string, Partial<ConnectorPolicy>> = {};
  for (const [vendor, { envPrefix: prefix }] of Object.entries(POLICIES)) {
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

/** The provider the variable names for `port` ('local' by default), with its settings read. */
function choose(env: EnvReader, name: string, port: PortName): PortChoice {
  const allowed: string[] = ['local', ...vendorsFor(port)];
  const value = (env.get(name) ?? 'local').toLowerCase();
  if (!allowed.includes(value)) {
    env.problems.push(`${name}: '${value}' is not one of ${allowed.join(', ')}`);
    return { provider: 'local' };
  }
  if (value === 'local') return { provider: 'local' };
  const provider = value as VendorName;
  return { provider, settings: VENDORS[provider].readSettings(env) };
}

/** A port with no local adapter: unset (or `none`) = not configured. */
function chooseOptional(env: EnvReader, name: string, port: PortName): PortChoice | undefined {
  const value = env.get(name)?.toLowerCase();
  if (value === undefined || value === 'none') return undefined;
  const vendors: string[] = vendorsFor(port);
  if (!vendors.includes(value)) {
    env.problems.push(`${name}: '${value.slice(0, 40)}' is not one of none, ${vendors.join(', ')}${value === 'local' ? ` (there is no local ${port} adapter)` : ''}`);
    return undefined;
  }
  const provider = value as VendorName;
  return { provider, settings: VENDORS[provider].readSettings(env) };
}

/** Reads and checks the connectors' settings; throws ConfigError listing every problem. */
export function loadConnectorsConfig(envVars: NodeJS.ProcessEnv = process.env): ConnectorsConfig {
  const env = new EnvReader(envVars);
  const crm = choose(env, 'CRM_PROVIDER', 'crm');
  const ticketing = choose(env, 'TICKETING_PROVIDER', 'ticketing');
  const kb = choose(env, 'KB_PROVIDER', 'knowledgeBase');
  const localTicketPrefix = env.get('LOCAL_TICKET_PREFIX') ?? 'LOCAL';
  const workflow = readWorkflowConfig(env);
  const mail = readMailConfig(env);
  const notify = readNotifyConfig(env);
  const rasa = readRasaConfig(env);
  const rpa = chooseOptional(env, 'RPA_PROVIDER', 'rpa');
  const timeoutMs = env.positiveInt('CONNECTOR_TIMEOUT_MS', 10_000);
  const policies = readPolicies(env);

  if (env.problems.length > 0) throw new ConfigError(env.problems);
  return { crm, ticketing, kb, localTicketPrefix, ...(workflow ? { workflow } : {}), ...(mail ? { mail } : {}), ...(notify ? { notify } : {}), ...(rasa ? { rasa } : {}), ...(rpa ? { rpa } : {}), timeoutMs, policies };
}
