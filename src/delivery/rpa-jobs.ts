/**
 * `rpa.run`: a task for a robot in a legacy system (#19), run by a worker from the outbox.
 * Robots are slow (a browser flow takes tens of seconds, a UiPath queue item minutes), so the
 * action hands it over and the user gets a reference at once; when it is done, the conversation
 * is told (a `rasa.trigger` follow-up) and a status question answers with the confirmation.
 *
 * Done once: the job's reference goes to the robot as the run's reference, each submit is
 * recorded before it is sent, and an attempt after one that was sent first asks the robot for the
 * run under that reference (the browser flow looks on the legacy system's own list; UiPath reads
 * its queue items by Reference), so a retry never files twice.
 */
import { setTimeout as sleep } from 'node:timers/promises';
import { z } from 'zod';
import { AppError } from '../errors';
import { FILER_MARK } from '../ports/ticketing';
import { RPA_TASK_NAME, type RpaRun, type RpaSystem } from '../ports/rpa';
import { believeMiss, sendRecordedCreate } from './create-once';
import type { CreateGuard, JobContext, JobHandlers } from './jobs';
import { PROACTIVE_JOB_TYPES, type TriggerJob } from './proactive';

export const RPA_JOB = 'rpa.run';

export const RpaJob = z.object({
  task: z.object({
    name: z.string().regex(RPA_TASK_NAME),
    input: z.record(z.string().max(100), z.string().max(4_000)),
  }),
  /** Who asked: only they (or an agent) may read the outcome back. */
  requestedBy: z.object({ conversation: z.string().regex(FILER_MARK), customer: z.string().regex(FILER_MARK).optional() }),
  /** Whom to tell when it is done, and with which intent (entities request_reference, confirmation_number). */
  notify: z.object({ conversationId: z.string().min(1), intent: z.string().regex(/^[A-Za-z0-9_]{1,100}$/) }).optional(),
});
export type RpaJob = z.infer<typeof RpaJob>;

/** What an `rpa.run` job records as its result. `key` makes `jobs show HR-4711` find it. */
export interface RpaJobResult {
  provider: string;
  key: string;
  confirmation: string;
  output: Record<string, string>;
}

export interface RpaPolling {
  /** First pause between status questions; doubles up to `maxIntervalMs`. */
  intervalMs: number;
  maxIntervalMs: number;
  /** How long one attempt waits for a running robot before leaving it to a later attempt. */
  budgetMs: number;
}

export const DEFAULT_RPA_POLLING: RpaPolling = { intervalMs: 2_000, maxIntervalMs: 30_000, budgetMs: 10 * 60_000 };

/** The robot is still at it: the attempt ends, a later one asks again (never submits again). */
export class RpaStillRunning extends AppError {
  constructor(reference: string) {
    super('upstream_unavailable', `The robot is still working on ${reference}; asking again later.`, { code: 'rpa_running' });
  }
}

/** Runs the task once for `reference`, waiting for a robot that works on its own. */
export async function runRpaWork(system: RpaSystem, job: RpaJob, reference: string, guard: CreateGuard, signal?: AbortSignal, polling: RpaPolling = DEFAULT_RPA_POLLING): Promise<RpaJobResult> {
  const previous = await guard.previousCreate();
  let run: RpaRun | null = null;
  if (previous) {
    run = await system.findByReference(job.task.name, reference, { signal });
    if (!run && previous.createdId) run = { state: 'running', runId: previous.createdId };
    // A miss right after a submit whose answer was lost may be the robot's list lagging: wait it out.
    if (!run) believeMiss(previous, system, reference);
  }
  run ??= await sendRecordedCreate(guard, signal, () => system.submit(job.task, { reference, signal }), (r) => (r.state === 'running' ? r.runId : undefined));
  const finished = run.state === 'done' ? run : await waitForRun(system, run.runId, reference, signal, polling);
  return { provider: system.provider, key: finished.confirmation, confirmation: finished.confirmation, output: finished.output ?? {} };
}

async function waitForRun(system: RpaSystem, runId: string, reference: string, signal: AbortSignal | undefined, polling: RpaPolling): Promise<{ confirmation: string; output?: Record<string, string> }> {
  const until = Date.now() + polling.budgetMs;
  let pause = polling.intervalMs;
  for (;;) {
    signal?.throwIfAborted();
    const status = await system.status(runId, { signal });
    if (status.state === 'done') return status;
    if (status.state === 'failed') {
      // A permanent failure (the legacy system refused the input) dead-letters; any other is tried again.
      throw new AppError(status.permanent ? 'unsupported' : 'upstream_unavailable', `The robot could not finish ${reference}: ${status.reason.slice(0, 500)}`, { code: 'rpa_failed' });
    }
    if (Date.now() + pause > until) throw new RpaStillRunning(reference);
    await sleep(pause, undefined, { signal });
    pause = Math.min(polling.maxIntervalMs, pause * 2);
  }
}

/** Registered only with a robot configured, so `delivery.supports(RPA_JOB)` tells whether anyone would run it. */
export function registerRpaJobs(handlers: JobHandlers, rpa: RpaSystem | undefined, polling?: RpaPolling): JobHandlers {
  if (!rpa) return handlers;
  handlers.register(RPA_JOB, async (payload, ctx: JobContext) => {
    const parsed = RpaJob.safeParse(payload);
    if (!parsed.success) throw new AppError('validation', `Job ${RPA_JOB}: the payload is not valid (${parsed.error.issues.map((i) => i.path.join('.') || i.message).join(', ')}).`);
    const job = parsed.data;
    const result = await runRpaWork(rpa, job, ctx.job.reference, ctx, ctx.signal, polling);
    // Told once it exists, before the job is recorded done: a re-run writes the same follow-up, a no-op.
    if (job.notify) {
      const trigger: TriggerJob = { conversationId: job.notify.conversationId, intent: job.notify.intent, entities: { request_reference: ctx.job.reference, confirmation_number: result.confirmation } };
      await ctx.enqueueFollowUp({ type: PROACTIVE_JOB_TYPES.trigger, payload: trigger, key: PROACTIVE_JOB_TYPES.trigger });
    }
    return result;
  });
  return handlers;
}
