/**
 * Durable delivery settings: the outbox's retry schedule, the action's budget, RabbitMQ, and the
 * secrets of the signed inbound webhooks (per source).
 */
import { ConfigError } from '../config';
import { EnvReader } from '../config/env';

export interface DeliveryConfig {
  /** How long an action tries a job itself before answering with its reference. */
  budgetMs: number;
  maxAttempts: number;
  retryBaseMs: number;
  retryMaxMs: number;
  /** How often the in-process worker or the relay looks for due jobs. */
  pollMs: number;
  /** How long a claimed job is held before another process may take it over. */
  leaseMs: number;
  /** Delivered jobs are kept this long (their reference still answers), then deleted. */
  retentionDays?: number;
  amqp?: { url: string; queue: string; prefetch: number };
  hooks: {
    /** Secret per inbound source (lower-case name), from HOOK_SECRET_<SOURCE>. */
    secrets: Record<string, string>;
    toleranceSeconds: number;
    /** HubSpot's webhooks (/hooks/hubspot): HUBSPOT_CLIENT_SECRET, and HUBSPOT_WEBHOOK_URL when a proxy changes the URL HubSpot calls. */
    hubspot?: { clientSecret: string; webhookUrl?: string };
  };
}

export const DELIVERY_ENV = [
  'DELIVERY_BUDGET_MS',
  'OUTBOX_MAX_ATTEMPTS',
  'OUTBOX_RETRY_BASE_MS',
  'OUTBOX_RETRY_MAX_MS',
  'OUTBOX_POLL_MS',
  'OUTBOX_LEASE_MS',
  'OUTBOX_RETENTION_DAYS',
  'AMQP_URL',
  'AMQP_QUEUE',
  'AMQP_PREFETCH',
  'HOOK_TOLERANCE_SECONDS',
  'HUBSPOT_CLIENT_SECRET',
  'HUBSPOT_WEBHOOK_URL',
] as const;

const HOOK_SECRET = /^HOOK_SECRET_([A-Z0-9_]+?)(_FILE)?$/;

/**
 * Holders renew every third of it, so a live holder keeps its job however long the vendor takes;
 * the lease only decides how soon a crashed holder's job is taken up again.
 */
export const DEFAULT_LEASE_MS = 30_000;

export function loadDeliveryConfig(envVars: NodeJS.ProcessEnv = process.env): DeliveryConfig {
  const env = new EnvReader(envVars);
  const config: DeliveryConfig = {
    budgetMs: nonNegativeInt(env, 'DELIVERY_BUDGET_MS', 3_000),
    maxAttempts: env.positiveInt('OUTBOX_MAX_ATTEMPTS', 8),
    retryBaseMs: env.positiveInt('OUTBOX_RETRY_BASE_MS', 2_000),
    retryMaxMs: env.positiveInt('OUTBOX_RETRY_MAX_MS', 5 * 60_000),
    pollMs: env.positiveInt('OUTBOX_POLL_MS', 1_000),
    leaseMs: env.positiveInt('OUTBOX_LEASE_MS', DEFAULT_LEASE_MS),
    retentionDays: env.positiveInt('OUTBOX_RETENTION_DAYS', 30),
    hooks: { secrets: {}, toleranceSeconds: env.positiveInt('HOOK_TOLERANCE_SECONDS', 300) },
  };
  const amqpUrl = env.get('AMQP_URL', { secret: true });
  if (amqpUrl) {
    if (!/^amqps?:\/\//.test(amqpUrl)) env.problems.push('AMQP_URL: must start with amqp:// or amqps://');
    config.amqp = { url: amqpUrl, queue: env.get('AMQP_QUEUE') ?? 'actionbridge.jobs', prefetch: env.positiveInt('AMQP_PREFETCH', 8) };
  }
  for (const name of Object.keys(envVars)) {
    const m = HOOK_SECRET.exec(name);
    if (!m) continue;
    const base = `HOOK_SECRET_${m[1]}`;
    const secret = env.get(base, { secret: true });
    if (secret) config.hooks.secrets[m[1]!.toLowerCase()] = secret;
  }
  const hubspotSecret = env.get('HUBSPOT_CLIENT_SECRET', { secret: true });
  if (hubspotSecret) {
    const webhookUrl = env.get('HUBSPOT_WEBHOOK_URL');
    config.hooks.hubspot = { clientSecret: hubspotSecret, ...(webhookUrl ? { webhookUrl: env.url('HUBSPOT_WEBHOOK_URL', webhookUrl, '') } : {}) };
  }
  if (env.problems.length > 0) throw new ConfigError(env.problems);
  return config;
}

function nonNegativeInt(env: EnvReader, name: string, fallback: number): number {
  const raw = env.get(name);
  if (raw === undefined) return fallback;
  const n = Number(raw);
  if (!Number.isInteger(n) || n < 0) {
    env.problems.push(`${name}: '${raw}' is not a whole number of milliseconds`);
    return fallback;
  }
  return n;
}
