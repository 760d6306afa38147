/**
 * Builds the CRM, ticketing and knowledge-base ports from the enterprise configuration: the
 * vendor adapter that was chosen, or the local one on the store. All vendor adapters share one
 * gateway, so every outbound call gets the same resilience policies.
 */
import { Gateway } from '../delivery/gateway';
import type { Logger } from '../observability/logger';
import type { Crm } from '../ports/crm';
import type { KnowledgeBase } from '../ports/knowledge-base';
import type { Ticketing } from '../ports/ticketing';
import type { Queryable } from '../store';
import type { EnterpriseConfig } from './config';
import { HubspotCrm } from './hubspot';
import { JiraTicketing } from './jira';
import { LocalCrm } from './local/crm';
import { LocalKnowledgeBase } from './local/knowledge-base';
import { LocalTicketing } from './local/ticketing';
import { NotionKnowledgeBase } from './notion';
import { SalesforceCrm } from './salesforce';

export interface EnterprisePorts {
  crm: Crm;
  ticketing: Ticketing;
  knowledgeBase: KnowledgeBase;
  gateway: Gateway;
}

export interface EnterprisePortsOptions {
  /** Where the local adapters keep their data (only touched when a local adapter is used). */
  store: Queryable;
  logger?: Logger;
  /** Share a gateway with other connectors; by default one is made from the config. */
  gateway?: Gateway;
}

export function createEnterprisePorts(config: EnterpriseConfig, opts: EnterprisePortsOptions): EnterprisePorts {
  const gateway = opts.gateway ?? new Gateway({ logger: opts.logger, defaults: { attemptTimeoutMs: config.timeoutMs }, policies: config.policies });
  const crm: Crm =
    config.crm.provider === 'salesforce'
      ? new SalesforceCrm(config.crm.salesforce, gateway)
      : config.crm.provider === 'hubspot'
        ? new HubspotCrm(config.crm.hubspot, gateway)
        : new LocalCrm(opts.store);
  const ticketing: Ticketing = config.ticketing.provider === 'jira' ? new JiraTicketing(config.ticketing.jira, gateway) : new LocalTicketing(opts.store, config.ticketing.projectKey);
  const knowledgeBase: KnowledgeBase = config.kb.provider === 'notion' ? new NotionKnowledgeBase(config.kb.notion, gateway) : new LocalKnowledgeBase(opts.store);
  return { crm, ticketing, knowledgeBase, gateway };
}
