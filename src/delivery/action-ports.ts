/**
 * The ports actions are given for side effects (`Ticketing`, `Crm`, `KnowledgeBase`,
 * `Workflow`), over the systems the connectors provide. With a `Delivery` every effect is a job
 * in the outbox, tried at once within the budget: the action learns "done" or "queued with a
 * reference" and never names a job type. Without one (embedders, bare tests) the same work runs
 * directly. Either way a failure the vendor will never accept is thrown as its AppError.
 */
import type { Crm, CrmSystem } from '../ports/crm';
import type { Handed, HandedStatus } from '../ports/durable';
import type { KnowledgeBase, KnowledgeBaseSystem } from '../ports/knowledge-base';
import { mayReadTicket, type CreatedTicket, type Ticketing, type TicketingSystem } from '../ports/ticketing';
import { AppError } from '../errors';
import type { Workflow } from '../ports/workflow';
import type { Rpa } from '../ports/rpa';
import { rpaPort } from './rpa-port';
import type { Delivery, Submitted } from './delivery';
import { JOB_TYPES, TicketJob, documentSolutionWork, fileTicketWork, saveLeadWork, type ArticleJob, type DeliveryPorts, type LeadJob } from './handlers';
import { LEAD_PROPERTIES_JOB, recordPropertiesWork, type LeadPropertiesJob } from './contact-properties';
import { UNGUARDED } from './jobs';

export interface ActionPorts {
  ticketing?: Ticketing;
  crm?: Crm;
  knowledgeBase?: KnowledgeBase;
  workflow?: Workflow;
  rpa?: Rpa;
}

/** The action-facing ports for the systems given; `delivery` absent = direct. */
export function actionPorts(systems: DeliveryPorts, delivery?: Delivery): ActionPorts {
  const ports: ActionPorts = {};
  if (systems.ticketing) ports.ticketing = ticketingPort(systems.ticketing, delivery);
  if (systems.crm) ports.crm = crmPort(systems.crm, delivery);
  if (systems.knowledgeBase) ports.knowledgeBase = knowledgeBasePort(systems.knowledgeBase, systems.ticketing, delivery);
  // A workflow event without an outbox has nowhere to wait for a receiver that is down.
  if (systems.workflow && delivery?.supports(JOB_TYPES.workflow)) ports.workflow = workflowPort(delivery);
  if (systems.rpa) ports.rpa = rpaPort(systems.rpa, delivery);
  return ports;
}

function ticketingPort(system: TicketingSystem, delivery: Delivery | undefined): Ticketing {
  const asTicket = (r: unknown): CreatedTicket => ({ key: field(r, 'key') ?? '', url: field(r, 'url') });
  return {
    provider: system.provider,
    async getStatus(key, asker) {
      const ticket = await system.getStatus(key);
      // Worded as the local system words a missing ticket; the action answers both alike anyway.
      if (!mayReadTicket(asker, ticket.filedBy)) throw new AppError('not_found', `There is no ticket ${key}.`);
      return ticket;
    },
    async fileTicket(input, requestKey) {
      if (!delivery) return done(asTicket(await fileTicketWork(system, input, UNGUARDED)));
      return handed(await delivery.submit({ type: JOB_TYPES.ticket, payload: input, idempotencyKey: requestKey }), asTicket);
    },
    async requestStatus(reference, asker) {
      const job = delivery && (await delivery.status(reference));
      if (!job || job.type !== JOB_TYPES.ticket) return null;
      const filed = TicketJob.safeParse(job.payload);
      if (!mayReadTicket(asker, filed.success ? filed.data.filedBy : undefined)) return null;
      return statusOf(job, (r) => (field(r, 'key') ? asTicket(r) : null));
    },
  };
}

function crmPort(system: CrmSystem, delivery: Delivery | undefined): Crm {
  return {
    provider: system.provider,
    async saveLead(lead, activity, requestKey) {
      const job: LeadJob = { lead, ...(activity ? { activity } : {}) };
      // Without an outbox the request key is the create's reference (its upsert key, for Salesforce).
      if (!delivery) return done({ id: (await saveLeadWork(system, job, UNGUARDED, { reference: requestKey })).id });
      const submitted = await delivery.submit({ type: JOB_TYPES.lead, payload: job, idempotencyKey: requestKey });
      return handed(submitted, (r) => ({ id: field(r, 'id') ?? '' }));
    },
    // A read: asked of the CRM at once, never queued (a pipeline from minutes ago is no answer).
    ...(system.pipeline ? { pipeline: (owner) => system.pipeline!(owner) } : {}),
    ...(system.updateContactProperties
      ? {
          async recordContactProperties(email, properties, requestKey) {
            const job: LeadPropertiesJob = { email, properties };
            const asRecorded = (r: unknown) => ({ found: (r as { found?: unknown } | null)?.found === true });
            if (!delivery) return done(asRecorded(await recordPropertiesWork(system, job)));
            return handed(await delivery.submit({ type: LEAD_PROPERTIES_JOB, payload: job, idempotencyKey: requestKey }), asRecorded);
          },
        }
      : {}),
  };
}

function knowledgeBasePort(system: KnowledgeBaseSystem, ticketing: TicketingSystem | undefined, delivery: Delivery | undefined): KnowledgeBase {
  return {
    provider: system.provider,
    async documentSolution(article, opts, requestKey) {
      const job: ArticleJob = { article, ...(opts.commentOnTicket && ticketing ? { commentOnTicket: opts.commentOnTicket } : {}) };
      const asDocumented = (r: unknown) => ({ url: field(r, 'url'), existed: (r as { existed?: unknown } | null)?.existed === true });
      if (!delivery) return done(asDocumented(await documentSolutionWork(system, ticketing, job)));
      return handed(await delivery.submit({ type: JOB_TYPES.article, payload: job, idempotencyKey: requestKey }), asDocumented);
    },
  };
}

function workflowPort(delivery: Delivery): Workflow {
  return {
    async notify(event, data, requestKey) {
      const submitted = await delivery.submit({ type: JOB_TYPES.workflow, payload: { event, data }, idempotencyKey: requestKey });
      return { ...handed(submitted, (r) => ({ status: Number((r as { status?: unknown } | null)?.status ?? 0) })), reference: submitted.reference };
    },
  };
}

function done<T>(value: T): Handed<T> {
  return { state: 'done', value };
}

function handed<T>(submitted: Submitted, fromResult: (result: unknown) => T): Handed<T> {
  if (submitted.state === 'failed') throw submitted.error;
  if (submitted.state === 'queued') return { state: 'queued', reference: submitted.reference };
  return { state: 'done', value: fromResult(submitted.result), reference: submitted.reference };
}

function statusOf<T>(job: { status: string; attempts: number; result: unknown }, fromResult: (result: unknown) => T | null): HandedStatus<T> {
  if (job.status === 'done') return { state: 'done', value: fromResult(job.result) };
  if (job.status === 'dead') return { state: 'failed' };
  return { state: 'queued', attempts: job.attempts };
}

/** A string field of a job's JSON result. */
function field(result: unknown, name: string): string | undefined {
  const v = typeof result === 'object' && result !== null ? (result as Record<string, unknown>)[name] : undefined;
  return typeof v === 'string' ? v : undefined;
}
