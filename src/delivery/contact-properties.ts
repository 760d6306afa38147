/**
 * The `lead.properties` job: what a user asked for (product interest, preferred contact time) set
 * on their own contact or lead. Writing the same values again leaves the record as once, so the
 * job records no create and any attempt may simply write again; the connectors' calls are retried
 * by the gateway as idempotent.
 */
import { z } from 'zod';
import { AppError } from '../errors';
import type { CrmSystem } from '../ports/crm';
import type { JobHandlers } from './jobs';

export const LEAD_PROPERTIES_JOB = 'lead.properties';

/** The email is the identity token's (the action never puts a typed one here). */
export const LeadPropertiesJob = z.object({
  email: z.string().min(3).max(254),
  properties: z
    .object({ productInterest: z.string().min(1).max(1000).optional(), preferredContactTime: z.string().min(1).max(255).optional() })
    .strict()
    .refine((p) => p.productInterest !== undefined || p.preferredContactTime !== undefined, 'at least one property'),
});
export type LeadPropertiesJob = z.infer<typeof LeadPropertiesJob>;

/** No contact with the email means nothing to write (nothing is created from a chat): the result says so. */
export async function recordPropertiesWork(crm: CrmSystem, job: LeadPropertiesJob, signal?: AbortSignal): Promise<{ found: boolean; id?: string }> {
  if (!crm.updateContactProperties) throw new AppError('unsupported', `The ${crm.provider} CRM connector cannot set contact properties.`);
  const updated = await crm.updateContactProperties(job.email, job.properties, { signal });
  return updated ? { found: true, id: updated.id } : { found: false };
}

/** Registered only for a CRM that can set properties, so an action can tell beforehand. */
export function registerContactPropertyJobs(handlers: JobHandlers, crm: CrmSystem | undefined): void {
  if (!crm?.updateContactProperties) return;
  handlers.register(LEAD_PROPERTIES_JOB, (payload, ctx) => {
    const parsed = LeadPropertiesJob.safeParse(payload);
    if (!parsed.success) throw new AppError('validation', `Job ${LEAD_PROPERTIES_JOB}: the payload is not valid (${parsed.error.issues.map((i) => i.path.join('.') || i.message).join(', ')}).`);
    return recordPropertiesWork(crm, parsed.data, ctx.signal);
  });
}
