/**
 * The job types and what each does, over the systems' ports (so the same jobs work against the
 * local adapters and the vendors, and the same work runs directly when there is no outbox).
 * Every piece of work is safe to run again after an attempt that may have reached the vendor:
 * each create is recorded in the job before it is sent, and once one was sent, later attempts
 * look for what it made first (tickets and articles by their reference, leads by email) and
 * believe a miss only once the vendor's lookup can have seen it (create-once.ts).
 */
import { z } from 'zod';
import type { ActivityInput, CrmSystem } from '../ports/crm';
import type { KnowledgeBaseSystem } from '../ports/knowledge-base';
import { FILER_MARK, SEVERITIES, type TicketingSystem } from '../ports/ticketing';
import type { WorkflowSystem } from '../ports/workflow';
import type { RpaSystem } from '../ports/rpa';
import { NOTIFY_EVENTS, type Notifier } from '../ports/notifier';
import { AppError } from '../errors';
import { believeMiss, sendRecordedCreate } from './create-once';
import { registerContactPropertyJobs } from './contact-properties';
import { registerRpaJobs } from './rpa-jobs';
import { JobHandlers, UNGUARDED, type CreateGuard, type JobContext } from './jobs';
import type { CreateAttempt } from './outbox';

export const JOB_TYPES = {
  ticket: 'ticket.create',
  lead: 'lead.upsert',
  article: 'kb.create',
  workflow: 'workflow.notify',
  notify: 'notify.send',
} as const;

export const TicketJob = z.object({
  summary: z.string().min(1),
  description: z.string().min(1),
  severity: z.enum(SEVERITIES),
  conversationExcerpt: z.string().optional(),
  labels: z.array(z.string()).optional(),
  reference: z.string().min(1),
  /** Who filed it: kept with the ticket, so only they (or an agent) can read it back. */
  filedBy: z.object({ conversation: z.string().regex(FILER_MARK), customer: z.string().regex(FILER_MARK).optional() }).optional(),
});
export type TicketJob = z.infer<typeof TicketJob>;

export const LeadJob = z.object({
  lead: z.object({
    name: z.string().min(1),
    email: z.string().min(3),
    company: z.string().optional(),
    interest: z.string().optional(),
    source: z.string().optional(),
  }),
  activity: z.object({ subject: z.string().min(1), body: z.string() }).optional(),
});
export type LeadJob = z.infer<typeof LeadJob>;

export const ArticleJob = z.object({
  article: z.object({
    title: z.string().min(1),
    problem: z.string().min(1),
    solution: z.string().min(1),
    reference: z.string().min(1),
    tags: z.array(z.string()).optional(),
  }),
  /** Note the article on this ticket once written. */
  /** A ticket key: it becomes part of the vendor's URL path, so nothing else gets through. */
  commentOnTicket: z.string().regex(/^[A-Z][A-Z0-9_]{0,31}-\d{1,12}$/, 'a ticket key such as SUP-123').optional(),
});
export type ArticleJob = z.infer<typeof ArticleJob>;

export const WorkflowJob = z.object({ event: z.string().min(1), data: z.record(z.string(), z.unknown()) });
export type WorkflowJob = z.infer<typeof WorkflowJob>;

/** A message to the team channel; plain text, escaped by the adapter for its markup. */
export const NotifyJob = z.object({
  event: z.enum(NOTIFY_EVENTS),
  title: z.string().min(1).max(300),
  text: z.string().max(4_000),
  facts: z.array(z.object({ name: z.string().min(1).max(100), value: z.string().max(2_000) })).max(10),
  url: z.string().url().optional(),
});
export type NotifyJob = z.infer<typeof NotifyJob>;

/** The company systems the jobs act on; a job for a system that is absent fails as unsupported. */
export interface DeliveryPorts {
  ticketing?: TicketingSystem;
  crm?: CrmSystem;
  knowledgeBase?: KnowledgeBaseSystem;
  workflow?: WorkflowSystem;
  /** Critical tickets and qualified leads are announced only when one is configured. */
  notifier?: Notifier;
  /** A robot in legacy systems (RPA_PROVIDER): `rpa.run` jobs (rpa-jobs.ts). */
  rpa?: RpaSystem;
}

function parse<T>(schema: z.ZodType<T>, type: string, payload: unknown): T {
  const parsed = schema.safeParse(payload);
  if (!parsed.success) throw new AppError('validation', `Job ${type}: the payload is not valid (${parsed.error.issues.map((i) => i.path.join('.') || i.message).join(', ')}).`);
  return parsed.data;
}

function missing(what: string): AppError {
  return new AppError('unsupported', `No ${what} is configured in this process.`);
}

/**
 * Files the ticket. When an earlier attempt sent a create (recorded before it was sent), that
 * ticket is looked for first, and a "not there" is believed only once the system's search can
 * have seen it: until then the attempt waits instead of filing a second one.
 */
export async function fileTicketWork(
  ticketing: TicketingSystem,
  input: TicketJob,
  guard: CreateGuard,
  signal?: AbortSignal,
): Promise<{ key: string; url: string | null; found?: true }> {
  const previous = ticketing.findByReference ? await guard.previousCreate() : null;
  if (previous && ticketing.findByReference) {
    const existing = await ticketing.findByReference(input.reference, { knownId: previous.createdId ?? undefined });
    if (existing) return { key: existing.key, url: existing.url ?? null, found: true };
    believeMiss(previous, ticketing, input.reference);
  }
  // The search took time: if the job's lease was lost meanwhile, its new holder files it.
  const created = await sendRecordedCreate(guard, signal, () => ticketing.createTicket(input, { signal }), (t) => t.id);
  return { key: created.key, url: created.url ?? null };
}

/**
 * Saves the lead: a new one with the activity on it, or, for an email the CRM knows already, a
 * note on that record with what was typed. Whoever typed it proved nothing about the email, so
 * the record's own fields stay as they are. A record an earlier attempt of this job created is
 * this job's lead, not "a known email": it gets the activity, not the note.
 */
export async function saveLeadWork(
  crm: CrmSystem,
  job: LeadJob,
  guard: CreateGuard = UNGUARDED,
  opts: { reference?: string; signal?: AbortSignal } = {},
): Promise<{ id: string; created: boolean }> {
  const previous = await guard.previousCreate();
  const found = await crm.findByEmail(job.lead.email);
  let lead: { id: string; created: boolean };
  if (found) {
    lead = { id: found.id, created: madeByEarlierAttempt(found, previous, opts.reference) };
  } else {
    const made = await sendRecordedCreate(guard, opts.signal, () => crm.createLead(job.lead, opts), (l) => (l.existed ? undefined : l.id));
    // Appeared since the lookup: this job's own earlier create landing late, or someone else's.
    lead = { id: made.id, created: !made.existed || madeByEarlierAttempt({ id: made.id }, previous, opts.reference) };
  }
  if (lead.created) {
    // The lead is what was asked for; the activity note is a nicety and never fails the job.
    if (job.activity) await crm.logActivity(lead.id, job.activity).catch(() => undefined);
  } else {
    // This note is the only place the details now live, so its failure fails the job (retried).
    await crm.logActivity(lead.id, detailsNote(job));
  }
  return lead;
}

/**
 * Whether an earlier attempt of this job created `record`: by the reference the CRM keeps where
 * it keeps one, else by the id that create answered with, else (its answer was lost) by the
 * fact that one was sent and the record now exists.
 */
function madeByEarlierAttempt(record: { id: string; reference?: string }, previous: CreateAttempt | null, reference: string | undefined): boolean {
  if (!previous) return false;
  if (record.reference !== undefined && reference !== undefined) return record.reference === reference;
  return previous.createdId === null || previous.createdId === record.id;
}

/**
 * Every detail in full: this note is the only place they live. Each CRM keeps within its own
 * limits (cutting at character boundaries, splitting a long body over several notes).
 */
function detailsNote(job: LeadJob): ActivityInput {
  const { name, email, company, interest } = job.lead;
  const lines = [
    'Someone in a chat gave this email address again, with the details below. They were not verified, so the record was left as it was.',
    `Name: ${name}`,
    `Email: ${email}`,
    ...(company ? [`Company: ${company}`] : []),
    ...(interest ? [`Interested in: ${interest}`] : []),
  ];
  const body = job.activity?.body ? `${lines.join('\n')}\n\n${job.activity.body}` : lines.join('\n');
  return { subject: `Chatbot: details given for a known email${interest ? ` (${interest})` : ''}`, body };
}

/**
 * Writes the article unless one with its reference exists. An article an earlier attempt of this
 * job wrote is this job's article (`existed: false`, and the ticket is not noted twice); a
 * "not there" after such an attempt is believed only once the knowledge base's query can see it.
 */
export async function documentSolutionWork(
  kb: KnowledgeBaseSystem,
  ticketing: TicketingSystem | undefined,
  job: ArticleJob,
  guard: CreateGuard = UNGUARDED,
  signal?: AbortSignal,
): Promise<{ id: string; title: string; url: string | null; existed: boolean }> {
  const reference = job.article.reference;
  const previous = await guard.previousCreate();
  const existing = await kb.findByReference(reference, { knownId: previous?.createdId ?? undefined });
  if (existing) return { id: existing.id, title: existing.title, url: existing.url ?? null, existed: previous === null };
  believeMiss(previous, kb, reference);
  const article = await sendRecordedCreate(guard, signal, () => kb.createArticle(job.article, { signal }), (a) => a.id);
  if (job.commentOnTicket && ticketing) {
    await ticketing.addComment(job.commentOnTicket, `Solution documented in the knowledge base: ${article.url ?? article.title}`).catch(() => undefined);
  }
  return { id: article.id, title: article.title, url: article.url ?? null, existed: false };
}

/**
 * Posts the notification once where the vendor can be read back (Slack: the message carries its
 * reference), at least once where it cannot (Teams). A post an earlier attempt sent is looked for
 * first, and a miss is believed only once the vendor's history can have shown it.
 */
export async function sendNotificationWork(
  notifier: Notifier,
  job: NotifyJob,
  reference: string,
  guard: CreateGuard,
  signal?: AbortSignal,
): Promise<{ provider: string; id: string | null; found?: true }> {
  const previous = notifier.findSent ? await guard.previousCreate() : null;
  if (previous && notifier.findSent) {
    if (previous.createdId) return { provider: notifier.provider, id: previous.createdId, found: true };
    const sent = await notifier.findSent(reference, new Date(Date.now() - previous.ageMs), { signal });
    if (sent) return { provider: notifier.provider, id: sent.id ?? null, found: true };
    believeMiss(previous, notifier, reference);
  }
  const sent = await sendRecordedCreate(guard, signal, () => notifier.send({ reference, ...job }, { signal }), (s) => s.id);
  return { provider: notifier.provider, id: sent.id ?? null };
}

/** A critical ticket is a P1: the team hears of it as soon as it exists. */
export function ticketNotification(job: TicketJob, filed: { key: string; url: string | null }): NotifyJob | null {
  if (job.severity !== 'critical') return null;
  return {
    event: 'ticket.p1',
    title: `P1 ticket ${filed.key}`,
    text: codePoints(job.summary, 1_000),
    facts: [
      { name: 'Ticket', value: filed.key },
      { name: 'Severity', value: 'critical' },
    ],
    ...(filed.url && /^https?:\/\//.test(filed.url) ? { url: filed.url } : {}),
  };
}

/**
 * A qualified lead is a new one that said who they work for and what they want: enough for sales
 * to act on. A known email is not new, and its details were not verified (see saveLeadWork).
 */
export function leadNotification(job: LeadJob, saved: { id: string; created: boolean }): NotifyJob | null {
  const { name, company, interest } = job.lead;
  if (!saved.created || !company?.trim() || !interest?.trim()) return null;
  const clip = (s: string) => codePoints(s, 500);
  return {
    event: 'lead.qualified',
    title: `New qualified lead: ${codePoints(name, 120)}`,
    text: `${clip(name)} from ${clip(company)} is interested in ${clip(interest)}.`,
    // The email stays in the CRM: the channel is wider than the people who need it.
    facts: [
      { name: 'Company', value: clip(company) },
      { name: 'Interest', value: clip(interest) },
      { name: 'CRM record', value: clip(saved.id) },
    ],
  };
}

/** At most `max` code points: never half of a surrogate pair (the adapters cut to their own limits). */
function codePoints(s: string, max: number): string {
  const chars = Array.from(s);
  return chars.length <= max ? s : `${chars.slice(0, max - 1).join('')}…`;
}

/** Enqueues the notification that follows this job's effect, when there is one to send. */
async function announce(ctx: JobContext, notification: NotifyJob | null): Promise<void> {
  if (notification) await ctx.enqueueFollowUp({ type: JOB_TYPES.notify, payload: notification, key: JOB_TYPES.notify });
}

export function deliveryHandlers(ports: DeliveryPorts): JobHandlers {
  const handlers = new JobHandlers();
  const notifier = ports.notifier;

  // The notification is enqueued after the ticket or lead exists (filed now, or found from an
  // earlier attempt), before the job is recorded done: a crash in between re-runs the job, which
  // finds its ticket and enqueues the same follow-up again, a no-op by its idempotency key.
  handlers.register(JOB_TYPES.ticket, async (payload, ctx) => {
    const input = parse(TicketJob, JOB_TYPES.ticket, payload);
    const filed = await fileTicketWork(ports.ticketing ?? failWith(missing('ticketing system')), input, ctx, ctx.signal);
    if (notifier) await announce(ctx, ticketNotification(input, filed));
    return filed;
  });
  handlers.register(JOB_TYPES.lead, async (payload, ctx) => {
    const job = parse(LeadJob, JOB_TYPES.lead, payload);
    const saved = await saveLeadWork(ports.crm ?? failWith(missing('CRM')), job, ctx, { reference: ctx.job.reference, signal: ctx.signal });
    if (notifier) await announce(ctx, leadNotification(job, saved));
    return saved;
  });
  if (notifier) {
    handlers.register(JOB_TYPES.notify, (payload, ctx) => sendNotificationWork(notifier, parse(NotifyJob, JOB_TYPES.notify, payload), ctx.job.reference, ctx, ctx.signal));
  }
  registerContactPropertyJobs(handlers, ports.crm);
  registerRpaJobs(handlers, ports.rpa);
  handlers.register(JOB_TYPES.article, (payload, ctx) =>
    documentSolutionWork(ports.knowledgeBase ?? failWith(missing('knowledge base')), ports.ticketing, parse(ArticleJob, JOB_TYPES.article, payload), ctx, ctx.signal),
  );

  // Only with a webhook configured, so actions can tell beforehand that nobody would receive it.
  const workflow = ports.workflow;
  if (workflow) {
    handlers.register(JOB_TYPES.workflow, async (payload, { job }) => {
      const event = parse(WorkflowJob, JOB_TYPES.workflow, payload);
      const sent = await workflow.send({ id: job.reference, event: event.event, data: event.data }, job.createdAt);
      return { status: sent.status };
    });
  }

  return handlers;
}

function failWith(err: Error): never {
  throw err;
}
