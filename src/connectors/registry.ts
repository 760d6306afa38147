/**
 * Builds the company systems from the connectors' configuration: the CRM, ticketing system and
 * knowledge base (the vendor adapter that was chosen in providers.ts, or the local one on the
 * store), and the workflow webhook and the mail server when configured. All share one gateway,
 * so every outbound call gets its connector's policy (providers.ts, then the environment's
 * overrides).
 */
import { requireOptional } from '../errors/optional-package';
import type { Logger } from '../observability/logger';
import type { CrmSystem } from '../ports/crm';
import type { KnowledgeBaseSystem } from '../ports/knowledge-base';
import type { AssistantSystem } from '../ports/assistant';
import type { EnrolmentSystem } from '../ports/enrolment';
import type { Mailer } from '../ports/mailer';
import type { Notifier } from '../ports/notifier';
import type { RpaSystem } from '../ports/rpa';
import type { TicketingSystem } from '../ports/ticketing';
import type { WorkflowSystem } from '../ports/workflow';
import type { RateLimiters } from '../ratelimit';
import type { FieldCipher, Queryable } from '../store';
import type { ConnectorsConfig, PortChoice } from './config';
import { Gateway, type GatewayObserver } from './kit/gateway';
import { LocalCrm } from './local/crm';
import { LocalKnowledgeBase } from './local/knowledge-base';
import { LocalTicketing } from './local/ticketing';
import { POLICIES, VENDORS, type AdapterDeps, type PortName, type SystemsByPort } from './providers';
import { WorkflowWebhook } from './workflow/webhook';
import type { SmtpMailer } from './email/smtp-mailer';
import type { SlackNotifier } from './slack';
import { TeamsNotifier } from './teams';
import type { NotifyConfig } from './notify/config';
import { RasaAssistant } from './rasa';
import type { HubspotConfig } from './hubspot/config';
import type { HubspotWorkflows } from './hubspot/workflows';

export interface Systems {
  crm: CrmSystem;
  ticketing: TicketingSystem;
  knowledgeBase: KnowledgeBaseSystem;
  workflow?: WorkflowSystem;
  /** Present only when SMTP_URL is configured. */
  mailer?: Mailer;
  /** Present only when NOTIFY_PROVIDER is set. */
  notifier?: Notifier;
  /** Rasa's HTTP API for proactive messages; present only when RASA_URL is configured. */
  assistant?: AssistantSystem;
  /** Workflow enrolment: HubSpot as the CRM with HUBSPOT_WORKFLOW_ID set. */
  enrolment?: EnrolmentSystem;
  /** A robot in legacy systems; present only when RPA_PROVIDER is set. */
  rpa?: RpaSystem;
  gateway: Gateway;
}

export interface SystemsOptions {
  /** Where the local adapters keep their data (only touched when a local adapter is used). */
  store: Queryable;
  /** Encrypts what adapters keep in the store (the robot's failure screenshots). */
  cipher?: FieldCipher;
  logger?: Logger;
  /** Share a gateway with other connectors; by default one is made from the config. */
  gateway?: Gateway;
  /** Metrics hook for the gateway made here. */
  observer?: GatewayObserver;
  /** Where the gateway made here counts connector quotas (Redis-shared or in process). */
  rateLimiters?: RateLimiters;
}

export function createSystems(config: ConnectorsConfig, opts: SystemsOptions): Systems {
  const gateway = (
    opts.gateway ?? new Gateway({ logger: opts.logger, observer: opts.observer, rateLimiters: opts.rateLimiters, defaults: { attemptTimeoutMs: config.timeoutMs }, policies: config.policies })
  ).usePolicies(Object.fromEntries(Object.entries(POLICIES).map(([name, p]) => [name, p.policy])));
  const system = <P extends PortName>(port: P, choice: PortChoice, local: () => SystemsByPort[P]): SystemsByPort[P] => {
    if (choice.provider === 'local') return local();
    const provider = VENDORS[choice.provider];
    if (provider.port !== port) throw new Error(`${choice.provider} does not serve the ${port} port`);
    return (provider.create as (settings: unknown, gateway: Gateway, deps: AdapterDeps) => SystemsByPort[P])(choice.settings, gateway, { store: opts.store, cipher: opts.cipher, logger: opts.logger });
  };
  const crm = system('crm', config.crm, () => new LocalCrm(opts.store));
  const ticketing = system('ticketing', config.ticketing, () => new LocalTicketing(opts.store, config.localTicketPrefix));
  const knowledgeBase = system('knowledgeBase', config.kb, () => new LocalKnowledgeBase(opts.store));
  const workflow = config.workflow ? new WorkflowWebhook(config.workflow, gateway) : undefined;
  // nodemailer (an optional peer) is required only when a mail server is configured.
  const mailer = config.mail
    ? // eslint-disable-next-line @typescript-eslint/no-require-imports
      new (requireOptional('nodemailer', 'SMTP_URL', () => require('./email/smtp-mailer')) as { SmtpMailer: typeof SmtpMailer }).SmtpMailer(config.mail, gateway)
    : undefined;
  const notifier = config.notify ? createNotifier(config.notify, gateway) : undefined;
  const assistant = config.rasa ? new RasaAssistant(config.rasa, gateway) : undefined;
  const enrolment = enrolmentFor(config, gateway);
  const rpa = config.rpa ? system('rpa', config.rpa, () => undefined as never) : undefined;
  return { crm, ticketing, knowledgeBase, ...(workflow ? { workflow } : {}), ...(mailer ? { mailer } : {}), ...(assistant ? { assistant } : {}), ...(notifier ? { notifier } : {}), ...(enrolment ? { enrolment } : {}), ...(rpa ? { rpa } : {}), gateway };
}

function enrolmentFor(config: ConnectorsConfig, gateway: Gateway): EnrolmentSystem | undefined {
  if (config.crm.provider !== 'hubspot') return undefined;
  const settings = config.crm.settings as HubspotConfig;
  if (!settings.workflowId) return undefined;
  const { workflowId } = settings;
  return new (
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    requireOptional('@hubspot/api-client', 'HUBSPOT_WORKFLOW_ID', () => require('./hubspot/workflows')) as { HubspotWorkflows: typeof HubspotWorkflows }
  ).HubspotWorkflows({ ...settings, workflowId }, gateway);
}

function createNotifier(notify: NotifyConfig, gateway: Gateway): Notifier {
  if (notify.provider === 'teams') return new TeamsNotifier(notify.settings, gateway);
  // @slack/web-api (an optional peer) is required only when Slack is chosen.
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  return new (requireOptional('@slack/web-api', 'NOTIFY_PROVIDER=slack', () => require('./slack')) as { SlackNotifier: typeof SlackNotifier }).SlackNotifier(notify.settings, gateway);
}
