/**
 * Builds the company systems from the connectors' configuration: the CRM, ticketing system and
 * knowledge base (the vendor adapter that was chosen, or the local one on the store) and the
 * workflow webhook when configured. All share one gateway, so every outbound call gets the same
 * resilience policies. Adding a vendor adds one line to `vendor` and one branch below.
 */
import { Gateway, type GatewayObserver } from './kit/gateway';
import type { Logger } from '../observability/logger';
import type { RateLimiters } from '../ratelimit';
import type { CrmSystem } from '../ports/crm';
import type { KnowledgeBaseSystem } from '../ports/knowledge-base';
import type { TicketingSystem } from '../ports/ticketing';
import type { Queryable } from '../store';
import type { ConnectorsConfig } from './config';
import { WorkflowWebhook } from './workflow/webhook';
import type { WorkflowSystem } from '../ports/workflow';
import type { HubspotCrm } from './hubspot';
import type { JiraTicketing } from './jira';
import { LocalCrm } from './local/crm';
import { LocalKnowledgeBase } from './local/knowledge-base';
import { LocalTicketing } from './local/ticketing';
import type { NotionKnowledgeBase } from './notion';
import type { SalesforceCrm } from './salesforce';

/*
 * The vendor SDKs weigh ~25 MB resident together and most deployments use one or none: an
 * adapter's module is loaded only when the configuration picks it.
 */
/* eslint-disable @typescript-eslint/no-require-imports */
const vendor = {
  salesforce: () => (require('./salesforce') as { SalesforceCrm: typeof SalesforceCrm }).SalesforceCrm,
  hubspot: () => (require('./hubspot') as { HubspotCrm: typeof HubspotCrm }).HubspotCrm,
  jira: () => (require('./jira') as { JiraTicketing: typeof JiraTicketing }).JiraTicketing,
  notion: () => (require('./notion') as { NotionKnowledgeBase: typeof NotionKnowledgeBase }).NotionKnowledgeBase,
};
/* eslint-enable @typescript-eslint/no-require-imports */

export interface Systems {
  crm: CrmSystem;
  ticketing: TicketingSystem;
  knowledgeBase: KnowledgeBaseSystem;
  workflow?: WorkflowSystem;
  gateway: Gateway;
}

export interface SystemsOptions {
  /** Where the local adapters keep their data (only touched when a local adapter is used). */
  store: Queryable;
  logger?: Logger;
  /** Share a gateway with other connectors; by default one is made from the config. */
  gateway?: Gateway;
  /** Metrics hook for the gateway made here. */
  observer?: GatewayObserver;
  /** Where the gateway made here counts connector quotas (Redis-shared or in process). */
  rateLimiters?: RateLimiters;
}

export function createSystems(config: ConnectorsConfig, opts: SystemsOptions): Systems {
  const gateway = opts.gateway ?? new Gateway({ logger: opts.logger, observer: opts.observer, rateLimiters: opts.rateLimiters, defaults: { attemptTimeoutMs: config.timeoutMs }, policies: config.policies });
  const crm: CrmSystem =
    config.crm.provider === 'salesforce'
      ? new (vendor.salesforce())(config.crm.salesforce, gateway)
      : config.crm.provider === 'hubspot'
        ? new (vendor.hubspot())(config.crm.hubspot, gateway)
        : new LocalCrm(opts.store);
  const ticketing: TicketingSystem = config.ticketing.provider === 'jira' ? new (vendor.jira())(config.ticketing.jira, gateway) : new LocalTicketing(opts.store, config.ticketing.projectKey);
  const knowledgeBase: KnowledgeBaseSystem = config.kb.provider === 'notion' ? new (vendor.notion())(config.kb.notion, gateway) : new LocalKnowledgeBase(opts.store);
  const workflow = config.workflow ? new WorkflowWebhook(config.workflow, gateway) : undefined;
  return { crm, ticketing, knowledgeBase, ...(workflow ? { workflow } : {}), gateway };
}
