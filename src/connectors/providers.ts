/**
 * Each vendor's resilience rules, as data in one place: the limits the vendor documents, and
 * the prefix of the environment variables that override them (`<PREFIX>_TIMEOUT_MS`,
 * `_MAX_ATTEMPTS`, `_MAX_CONCURRENT`, `_RATE_LIMIT`). Everything not named here is the gateway's
 * DEFAULT_POLICY. Adding a vendor adds one line.
 */
import type { ConnectorPolicy } from './kit/gateway';

export interface Provider {
  /** Prefix of the environment overrides of this connector's policy. */
  envPrefix: string;
  /** What differs from the gateway's defaults. */
  policy: Partial<ConnectorPolicy>;
}

export const PROVIDERS = {
  salesforce: { envPrefix: 'SALESFORCE', policy: {} },
  // HubSpot private apps: 100 requests per 10 s (Starter tier); the 429 tells when to retry.
  hubspot: { envPrefix: 'HUBSPOT', policy: { rateLimit: { points: 100, durationSeconds: 10 } } },
  jira: { envPrefix: 'JIRA', policy: {} },
  // Notion: an average of 3 requests per second per integration.
  notion: { envPrefix: 'NOTION', policy: { rateLimit: { points: 3, durationSeconds: 1 } } },
  workflow: { envPrefix: 'WORKFLOW_WEBHOOK', policy: {} },
} as const satisfies Record<string, Provider>;

export type ProviderName = keyof typeof PROVIDERS;
