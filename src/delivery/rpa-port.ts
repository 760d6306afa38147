/**
 * The `Rpa` port an action is given (#19), over the robot the connectors provide. With an outbox
 * every run is queued at once for a worker (budget 0: a browser flow must not hold up the chat
 * turn, nor run in the web server's process), and the user gets its reference; without one
 * (embedders, bare tests) it runs now.
 */
import { mayReadTicket } from '../ports/ticketing';
import type { Rpa, RpaResult, RpaSystem } from '../ports/rpa';
import type { HandedStatus } from '../ports/durable';
import type { Delivery } from './delivery';
import { UNGUARDED } from './jobs';
import { PROACTIVE_JOB_TYPES } from './proactive';
import { RPA_JOB, RpaJob, runRpaWork } from './rpa-jobs';
import { jobReferenceFor } from './job-reference';

export function rpaPort(system: RpaSystem, delivery: Delivery | undefined): Rpa {
  const known = system.tasks?.();
  return {
    provider: system.provider,
    supports: (task) => (known ? known.includes(task) : true),
    async run(task, requestKey, opts) {
      const notify = opts.conversationId && opts.notifyIntent && delivery?.supports(PROACTIVE_JOB_TYPES.trigger) ? { conversationId: opts.conversationId, intent: opts.notifyIntent } : undefined;
      const job: RpaJob = { task, requestedBy: opts.requestedBy, ...(notify ? { notify } : {}) };
      if (!delivery) {
        const result = await runRpaWork(system, job, jobReferenceFor(requestKey), UNGUARDED);
        return { state: 'done', value: resultOf(result) };
      }
      const submitted = await delivery.submit({ type: RPA_JOB, payload: job, idempotencyKey: requestKey }, { budgetMs: 0 });
      if (submitted.state === 'failed') throw submitted.error;
      if (submitted.state === 'queued') return { state: 'queued', reference: submitted.reference };
      return { state: 'done', value: resultOf(submitted.result), reference: submitted.reference };
    },
    async requestStatus(reference, asker): Promise<HandedStatus<RpaResult> | null> {
      const job = delivery && (await delivery.status(reference));
      if (!job || job.type !== RPA_JOB) return null;
      const parsed = RpaJob.safeParse(job.payload);
      if (!mayReadTicket(asker, parsed.success ? parsed.data.requestedBy : undefined)) return null;
      if (job.status === 'done') return { state: 'done', value: resultOf(job.result) };
      if (job.status === 'dead') return { state: 'failed' };
      return { state: 'queued', attempts: job.attempts };
    },
  };
}

/** A job's recorded result as the port's value (a missing confirmation reads as empty). */
function resultOf(result: unknown): RpaResult {
  const r = (typeof result === 'object' && result !== null ? result : {}) as { confirmation?: unknown; output?: unknown };
  const output = typeof r.output === 'object' && r.output !== null ? Object.fromEntries(Object.entries(r.output).filter(([, v]) => typeof v === 'string')) : {};
  return { confirmation: typeof r.confirmation === 'string' ? r.confirmation : '', output: output as Record<string, string> };
}
