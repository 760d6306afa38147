/**
 * The connectors' registry, as data in one place (as Nango's providers.yaml): per vendor, the
 * port it serves, the prefix of its environment variables, how it differs from the gateway's
 * DEFAULT_POLICY (the limits the vendor documents), how its settings are read, and how its
 * adapter is built. Adding a vendor is its folder, one entry here, and its docs.
 *
 * The policy overrides from the environment (`<PREFIX>_TIMEOUT_MS`, `_MAX_ATTEMPTS`,
 * `_MAX_CONCURRENT`, `_RATE_LIMIT`) apply on top of the policy here.
 */
import type { EnvReader } from '../config/env';
import { requireOptional } from '../errors/optional-package';
import type { CrmSystem } from '../ports/crm';
import type { KnowledgeBaseSystem } from '../ports/knowledge-base';
import type { RpaSystem } from '../ports/rpa';
import type { TicketingSystem } from '../ports/ticketing';
import type { Logger } from '../observability/logger';
import type { FieldCipher, Queryable } from '../store';
import type { BrowserRobot } from './browser-robot';
import { StoreArtifacts } from './browser-robot/artifacts';
import { readBrowserRobotConfig } from './browser-robot/config';
import type { HubspotCrm } from './hubspot';
import { readHubspotConfig } from './hubspot/config';
import type { JiraTicketing } from './jira';
import { readJiraConfig } from './jira/config';
import type { ConnectorPolicy, Gateway } from './kit/gateway';
import type { NotionKnowledgeBase } from './notion';
import { readNotionConfig } from './notion/config';
import type { SalesforceCrm } from './salesforce';
import { readSalesforceConfig } from './salesforce/config';
import type { UiPathRpa } from './uipath';
import { readUiPathConfig } from './uipath/config';

/** The ports a vendor adapter can serve, and what serving each means. */
export interface SystemsByPort {
  crm: CrmSystem;
  ticketing: TicketingSystem;
  knowledgeBase: KnowledgeBaseSystem;
  /** Robots in legacy systems (RPA_PROVIDER); no local adapter: absent unless chosen. */
  rpa: RpaSystem;
}
export type PortName = keyof SystemsByPort;

export interface Policied {
  /** Prefix of the environment overrides of this connector's policy. */
  envPrefix: string;
  /** What differs from the gateway's defaults. */
  policy: Partial<ConnectorPolicy>;
}

export interface VendorProvider<P extends PortName = PortName, S = unknown> extends Policied {
  port: P;
  /**
   * How long the vendor's search may still miss a record it just created (its documented
   * read-after-write lag): a "not there" from a verifying search is believed only after it.
   */
  searchConsistencyMs?: number;
  /** Reads the vendor's settings; called only when the vendor is chosen. */
  readSettings(env: EnvReader): S;
  /** Builds the adapter. Its module (and the vendor's SDK) is loaded only now. */
  create(settings: S, gateway: Gateway, deps?: AdapterDeps): SystemsByPort[P];
}

/** What an adapter may need besides its settings (the browser robot keeps failure screenshots in the store). */
export interface AdapterDeps {
  store?: Queryable;
  cipher?: FieldCipher;
  logger?: Logger;
}

/** Keeps each entry's settings type checked against its own reader and adapter. */
const vendor = <P extends PortName, S>(p: VendorProvider<P, S>): VendorProvider<P> => p as unknown as VendorProvider<P>;

/*
 * The vendor SDKs weigh ~25 MB resident together and most deployments use one or none: an
 * adapter's module is required only when the configuration picks it. They are optional peer
 * dependencies of the package, so the adopter who picks one may not have installed it yet.
 */
const JIRA_SEARCH_CONSISTENCY_MS = 10_000;
/** Notion promises nothing about how soon a query sees a new page; we wait as long as for Jira. */
const NOTION_QUERY_CONSISTENCY_MS = 10_000;
/** UiPath documents no lag for its OData lists; Automation Cloud may answer them from a replica. */
const UIPATH_SEARCH_CONSISTENCY_MS = 5_000;

/* eslint-disable @typescript-eslint/no-require-imports */
export const VENDORS = {
  salesforce: vendor({
    port: 'crm',
    envPrefix: 'SALESFORCE',
    policy: {},
    readSettings: readSalesforceConfig,
    create: (s, g) => new (requireOptional('jsforce', 'CRM_PROVIDER=salesforce', () => require('./salesforce')) as { SalesforceCrm: typeof SalesforceCrm }).SalesforceCrm(s, g),
  }),
  // HubSpot private apps: 100 requests per 10 s (Starter tier); a 429 says when to retry.
  hubspot: vendor({
    port: 'crm',
    envPrefix: 'HUBSPOT',
    policy: { rateLimit: { points: 100, durationSeconds: 10 } },
    readSettings: readHubspotConfig,
    create: (s, g) => new (requireOptional('@hubspot/api-client', 'CRM_PROVIDER=hubspot', () => require('./hubspot')) as { HubspotCrm: typeof HubspotCrm }).HubspotCrm(s, g),
  }),
  // Jira Cloud's JQL search is eventually consistent: Atlassian says most writes show within
  // seconds, and only reconcileIssues (issue ids) makes it read-after-write.
  jira: vendor({
    port: 'ticketing',
    envPrefix: 'JIRA',
    policy: {},
    searchConsistencyMs: JIRA_SEARCH_CONSISTENCY_MS,
    readSettings: readJiraConfig,
    create: (s, g) =>
      new (requireOptional('jira.js', 'TICKETING_PROVIDER=jira', () => require('./jira')) as { JiraTicketing: typeof JiraTicketing }).JiraTicketing(s, g, { searchConsistencyMs: JIRA_SEARCH_CONSISTENCY_MS }),
  }),
  // Notion: an average of 3 requests per second per integration.
  notion: vendor({
    port: 'knowledgeBase',
    envPrefix: 'NOTION',
    policy: { rateLimit: { points: 3, durationSeconds: 1 } },
    searchConsistencyMs: NOTION_QUERY_CONSISTENCY_MS,
    readSettings: readNotionConfig,
    create: (s, g) =>
      new (requireOptional('@notionhq/client', 'KB_PROVIDER=notion', () => require('./notion')) as { NotionKnowledgeBase: typeof NotionKnowledgeBase }).NotionKnowledgeBase(s, g, {
        searchConsistencyMs: NOTION_QUERY_CONSISTENCY_MS,
      }),
  }),
  // The built-in browser robot: a legacy server is small, so few pages at once (RPA_MAX_CONTEXTS);
  // one attempt is a whole flow (log in, look for an earlier request, file it).
  browser: vendor({
    port: 'rpa',
    envPrefix: 'RPA_BROWSER',
    policy: { attemptTimeoutMs: 120_000, deadlineMs: 360_000, maxAttempts: 3, initialDelayMs: 1_000, maxDelayMs: 10_000 },
    readSettings: readBrowserRobotConfig,
    create: (s, g, d) =>
      new (requireOptional('playwright-core', 'RPA_PROVIDER=browser', () => require('./browser-robot')) as { BrowserRobot: typeof BrowserRobot }).BrowserRobot(s, g, {
        ...(d?.store ? { artifacts: new StoreArtifacts(d.store, d.cipher) } : {}),
        ...(d?.logger ? { logger: d.logger } : {}),
      }),
  }),
  // UiPath Orchestrator over fetch (no SDK). Its documented limits are on filtered list reads
  // (100 a minute per tenant), which only a retried job makes; reads by id and adds are not
  // limited, so no quota here: a 429 says when to come back. Its lists may lag an add.
  uipath: vendor({
    port: 'rpa',
    envPrefix: 'UIPATH',
    policy: {},
    searchConsistencyMs: UIPATH_SEARCH_CONSISTENCY_MS,
    readSettings: readUiPathConfig,
    create: (s, g) => new (require('./uipath') as { UiPathRpa: typeof UiPathRpa }).UiPathRpa(s, g, { searchConsistencyMs: UIPATH_SEARCH_CONSISTENCY_MS }),
  }),
} satisfies Record<string, VendorProvider>;
/* eslint-enable @typescript-eslint/no-require-imports */

export type VendorName = keyof typeof VENDORS;

/** Every connector the gateway knows, vendors, the workflow webhook and the mail server, with its policy. */
export const POLICIES: Record<string, Policied> = {
  ...VENDORS,
  workflow: { envPrefix: 'WORKFLOW_WEBHOOK', policy: {} },
  // Someone is waiting in the chat for the code: one retry, then tell them.
  email: { envPrefix: 'SMTP', policy: { maxAttempts: 2, deadlineMs: 20_000 } },
  // chat.postMessage: about one message per second per channel, short bursts tolerated.
  slack: { envPrefix: 'SLACK', policy: { rateLimit: { points: 1, durationSeconds: 1 } } },
  // Teams throttles a webhook past four requests per second.
  teams: { envPrefix: 'TEAMS', policy: { rateLimit: { points: 4, durationSeconds: 1 } } },
  // Each trigger is a message: the gateway repeats only what Rasa surely refused (a 409 while it loads a model, a 429).
  rasa: { envPrefix: 'RASA', policy: {} },
};

/** The vendors that can serve `port`. */
export function vendorsFor(port: PortName): VendorName[] {
  return (Object.keys(VENDORS) as VendorName[]).filter((name) => VENDORS[name].port === port);
}
