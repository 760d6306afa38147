/**
 * Proactive messages and workflow enrolment over durable delivery (#16):
 *
 * - `rasa.trigger`: a vendor's webhook said something happened to a ticket or lead; the
 *   conversation that filed it is told by triggering an intent in Rasa. Written by the inbound
 *   hooks, keyed by the vendor's event id, so a repeated event never messages twice.
 * - `crm.enroll`: the contact is enrolled in the configured marketing workflow.
 *
 * Vendors only see hashes of a conversation, so which conversation filed what is kept here
 * (conversation_refs): the action ports are wrapped to record it when a ticket or lead is handed
 * over, and only while a Rasa trigger is configured (otherwise nobody would read it).
 */
import { z } from 'zod';
import { AppError } from '../errors';
import type { AssistantSystem } from '../ports/assistant';
import type { Crm, CrmSystem } from '../ports/crm';
import type { Enrolment, EnrolmentSystem } from '../ports/enrolment';
import type { ReplyTo, Ticketing } from '../ports/ticketing';
import type { Handed } from '../ports/durable';
import type { FieldCipher, Queryable, Store } from '../store';
import { rememberConversation } from './conversation-refs';
import type { Delivery } from './delivery';
import { jobReferenceFor } from './job-reference';
import type { JobHandlers } from './jobs';

export const PROACTIVE_JOB_TYPES = {
  trigger: 'rasa.trigger',
  enrolment: 'crm.enroll',
} as const;

/** A message into a conversation from outside a turn. */
export const TriggerJob = z.object({
  conversationId: z.string().min(1),
  // Rasa's intent names; anything else would only be refused there.
  intent: z.string().regex(/^[A-Za-z0-9_]{1,100}$/),
  entities: z.record(z.string(), z.string()),
});
export type TriggerJob = z.infer<typeof TriggerJob>;

export const EnrolJob = z.object({ email: z.string().min(3).max(254) });
export type EnrolJob = z.infer<typeof EnrolJob>;

export interface ProactivePorts {
  crm?: CrmSystem;
  /** The assistant's own API (Rasa); without it no trigger job is written or run. */
  assistant?: AssistantSystem;
  /** Workflow enrolment, when the CRM offers it and a workflow is configured. */
  enrolment?: EnrolmentSystem;
}

function parse<T>(schema: z.ZodType<T>, type: string, payload: unknown): T {
  const parsed = schema.safeParse(payload);
  if (!parsed.success) throw new AppError('validation', `Job ${type}: the payload is not valid (${parsed.error.issues.map((i) => i.path.join('.') || i.message).join(', ')}).`);
  return parsed.data;
}

/** Registered only for what is configured, so `delivery.supports` tells whether anyone would run it. */
export function registerProactiveHandlers(handlers: JobHandlers, ports: ProactivePorts): JobHandlers {
  const { assistant, enrolment } = ports;
  if (assistant) {
    handlers.register(PROACTIVE_JOB_TYPES.trigger, (payload, ctx) => assistant.triggerIntent(parse(TriggerJob, PROACTIVE_JOB_TYPES.trigger, payload), { signal: ctx.signal }));
  }
  if (enrolment) {
    handlers.register(PROACTIVE_JOB_TYPES.enrolment, (payload, ctx) => enrolWork(enrolment, ports.crm, parse(EnrolJob, PROACTIVE_JOB_TYPES.enrolment, payload), ctx.signal));
  }
  return handlers;
}

/**
 * Enrols the contact once the CRM has it. The lead job for the same email may still be on its
 * way (queued while the CRM was slow): until it lands an attempt fails "for now", so the outbox
 * tries again later instead of dead-lettering on the vendor's 404.
 */
export async function enrolWork(enrolment: EnrolmentSystem, crm: CrmSystem | undefined, job: EnrolJob, signal?: AbortSignal): Promise<{ enrolled: true }> {
  if (crm && !(await crm.findByEmail(job.email))) {
    throw new AppError('upstream_unavailable', 'The contact is not in the CRM yet; the enrolment waits for its lead to be saved.');
  }
  return enrolment.enrollContact(job.email, { signal });
}

/** conversation_refs' key for a lead: the lead job's reference (a HubSpot event finds that job by the contact it created). */
export const leadRefKey = (jobReference: string): string => `lead:${jobReference}`;

export interface ProactiveActionPorts {
  ticketing?: Ticketing;
  crm?: Crm;
  enrolment?: Enrolment;
}

/**
 * The action ports, with filing and lead-saving recording their conversation (when a Rasa trigger
 * is configured), and the enrolment port (when the CRM offers one). The record is written before
 * the job: a job whose conversation is unknown could never be answered, a record without its job
 * is harmless.
 */
export function proactivePorts<P extends ProactiveActionPorts>(ports: P, systems: ProactivePorts, delivery: Delivery | undefined): P {
  const out: P = { ...ports };
  const record = delivery?.supports(PROACTIVE_JOB_TYPES.trigger) ? recorder(delivery.outbox.store, delivery.outbox.cipher) : undefined;
  if (record && ports.ticketing) {
    const inner = ports.ticketing;
    out.ticketing = {
      ...inner,
      provider: inner.provider,
      async fileTicket(input, requestKey, opts?: ReplyTo) {
        if (opts?.conversationId && input.filedBy) await record(input.filedBy.conversation, opts.conversationId);
        return inner.fileTicket(input, requestKey, opts);
      },
    };
  }
  if (record && ports.crm) {
    const inner = ports.crm;
    out.crm = {
      ...inner,
      provider: inner.provider,
      async saveLead(lead, activity, requestKey, opts?: ReplyTo) {
        if (opts?.conversationId) await record(leadRefKey(jobReferenceFor(requestKey)), opts.conversationId);
        return inner.saveLead(lead, activity, requestKey, opts);
      },
    };
  }
  const enrolment = systems.enrolment;
  if (enrolment && delivery?.supports(PROACTIVE_JOB_TYPES.enrolment)) {
    out.enrolment = {
      provider: enrolment.provider,
      async enrollContact(email, requestKey): Promise<Handed<{ enrolled: true }>> {
        const submitted = await delivery.submit({ type: PROACTIVE_JOB_TYPES.enrolment, payload: { email } satisfies EnrolJob, idempotencyKey: requestKey });
        if (submitted.state === 'failed') throw submitted.error;
        if (submitted.state === 'queued') return { state: 'queued', reference: submitted.reference };
        return { state: 'done', value: { enrolled: true }, reference: submitted.reference };
      },
    };
  }
  return out;
}

function recorder(store: Store, cipher: FieldCipher): (key: string, conversationId: string) => Promise<void> {
  return (key, conversationId) => rememberConversation(store as Queryable, cipher, key, conversationId);
}
