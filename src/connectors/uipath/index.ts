/**
 * UiPath Orchestrator as an RPA system (`RPA_PROVIDER=uipath`). A task becomes a queue item
 * (its inputs the item's SpecificContent, plus `ActionBridgeTask`, the task's name) whose
 * Reference is the job's reference, or a job of a process (the inputs as its input arguments,
 * the reference as the job's Reference). Either way the run is `running` at once and `status`
 * reads it by id: `q:<queue item id>` or `j:<job id>`.
 *
 * Once: a retried job asks `findByReference` first (QueueItems / Jobs filtered by Reference);
 * a queue that enforces unique references also refuses a second add with 409, which is read as
 * "already there". UiPath's lists may lag behind an add for a moment (`searchConsistencyMs`),
 * which the job runner waits out before it believes a miss.
 *
 * What a run produced is the robot's output (queue item Output, job output arguments): the
 * `confirmation` key is the number the user is told; the other string values come along.
 */
import { AppError } from '../../errors';
import type { RpaResult, RpaRun, RpaRunStatus, RpaSubmitOptions, RpaSystem, RpaTask } from '../../ports/rpa';
import type { Gateway } from '../kit/gateway';
import type { UiPathConfig, UiPathTarget } from './config';
import { UIPATH } from './errors';
import { Orchestrator, type OrchestratorJob, type QueueItem } from './orchestrator';

/** The SpecificContent key naming the task, for a performer that serves more than one. */
export const TASK_KEY = 'ActionBridgeTask';
/**
 * UiPath documents no read-after-write lag for its OData lists; Automation Cloud may serve
 * them from a replica, so a miss right after an add is believed only after this.
 */
export const UIPATH_SEARCH_CONSISTENCY_MS = 5_000;

export interface UiPathRpaOptions {
  searchConsistencyMs?: number;
}

export class UiPathRpa implements RpaSystem {
  readonly provider = UIPATH;
  readonly searchConsistencyMs: number;
  readonly orchestrator: Orchestrator;

  constructor(
    private readonly config: UiPathConfig,
    gateway: Gateway,
    opts: UiPathRpaOptions = {},
  ) {
    this.orchestrator = new Orchestrator(config, gateway);
    this.searchConsistencyMs = opts.searchConsistencyMs ?? UIPATH_SEARCH_CONSISTENCY_MS;
    if (!config.defaultTarget) {
      const named = Object.keys(config.tasks);
      this.tasks = () => named;
    }
  }

  /** The tasks UIPATH_TASKS names; absent (any task) when UIPATH_QUEUE or UIPATH_RELEASE_KEY takes the rest. */
  readonly tasks?: () => readonly string[];

  async submit(task: RpaTask, opts: RpaSubmitOptions): Promise<RpaRun> {
    const target = this.targetOf(task.name);
    if (target.kind === 'process') {
      const job = await this.orchestrator.startJob(target.releaseKey, opts.reference, task.input, opts.signal);
      return { state: 'running', runId: `j:${job.Id}` };
    }
    const added = await this.orchestrator.addQueueItem({ queue: target.queue, reference: opts.reference, content: { ...task.input, [TASK_KEY]: task.name } }, opts.signal);
    if (added.item) return { state: 'running', runId: `q:${added.item.Id}` };
    // The queue holds this reference but its list does not show the item yet: try again shortly.
    throw new AppError('upstream_unavailable', `UiPath already holds a queue item for ${opts.reference}, not yet visible in its list; looking again shortly.`, {
      code: 'awaiting_consistency',
      retryAfterSeconds: Math.ceil(this.searchConsistencyMs / 1000),
    });
  }

  async findByReference(task: string, reference: string, opts: { signal?: AbortSignal } = {}): Promise<RpaRun | null> {
    const target = this.targetOf(task);
    if (target.kind === 'process') {
      const job = await this.orchestrator.latestJob(reference, opts.signal);
      return job ? { state: 'running', runId: `j:${job.Id}` } : null;
    }
    const queue = await this.orchestrator.queueDefinition(target.queue, opts.signal);
    const item = await this.orchestrator.latestQueueItem(queue.id, reference, opts.signal);
    return item ? { state: 'running', runId: `q:${item.Id}` } : null;
  }

  async status(runId: string, opts: { signal?: AbortSignal } = {}): Promise<RpaRunStatus> {
    const m = /^([qj]):(\d+)$/.exec(runId);
    if (!m) throw new AppError('not_found', `'${runId.slice(0, 40)}' is not a UiPath run.`);
    const id = Number(m[2]);
    if (m[1] === 'j') return jobStatus(await this.orchestrator.getJob(id, opts.signal));
    let item = await this.orchestrator.getQueueItem(id, opts.signal);
    if (item.Status === 'Retried' && item.Reference) {
      // The queue's auto retry made a copy with the same Reference: that one is the run now,
      // read by its id (a list may show an older state).
      const copy = await this.orchestrator.latestQueueItem(item.QueueDefinitionId, item.Reference, opts.signal);
      if (copy && copy.Id !== item.Id) item = await this.orchestrator.getQueueItem(copy.Id, opts.signal);
    }
    return queueItemStatus(item);
  }

  private targetOf(task: string): UiPathTarget {
    const target = this.config.tasks[task] ?? this.config.defaultTarget;
    if (!target) throw new AppError('unsupported', `No UiPath queue or process is configured for the task '${task}' (UIPATH_TASKS).`);
    return target;
  }
}

/** A queue item's status as a run's: New/InProgress (and a Retried one whose copy is not visible yet) are running. */
export function queueItemStatus(item: QueueItem): RpaRunStatus {
  switch (item.Status) {
    case 'Successful':
      return { state: 'done', ...resultOf(item.Output ?? {}, `UiPath queue item ${item.Id}`) };
    case 'Failed': {
      const reason = item.ProcessingException?.Reason?.trim() || 'no reason given';
      const business = item.ProcessingException?.Type === 'BusinessException';
      // Final either way: a business exception is the legacy system refusing the input, and an
      // application exception left Failed (not Retried) has used up the queue's own retries. A
      // new add under the same Reference would be refused (or find this item), so it is permanent.
      return { state: 'failed', reason: `The UiPath robot could not process ${item.Reference ?? `item ${item.Id}`} (${business ? 'business' : 'application'} exception): ${reason.slice(0, 300)}`, permanent: true };
    }
    case 'Abandoned':
    case 'Deleted':
      return { state: 'failed', reason: `UiPath queue item ${item.Id} was ${item.Status.toLowerCase()} before a robot finished it.`, permanent: true };
    default:
      return { state: 'running' };
  }
}

export function jobStatus(job: OrchestratorJob): RpaRunStatus {
  switch (job.State) {
    case 'Successful':
      return { state: 'done', ...resultOf(parseArguments(job.OutputArguments), `UiPath job ${job.Id}`) };
    // A later attempt would find this job again by its Reference, never start another: final.
    case 'Faulted':
      return { state: 'failed', reason: `The UiPath job for ${job.Reference ?? job.Id} faulted: ${(job.Info ?? 'no reason given').slice(0, 300)}`, permanent: true };
    case 'Stopped':
      return { state: 'failed', reason: `The UiPath job for ${job.Reference ?? job.Id} was stopped before it finished.`, permanent: true };
    default:
      return { state: 'running' };
  }
}

/** The output's string (and number, boolean) values; `confirmation` (or `Confirmation`) is the user's number. */
function resultOf(output: Record<string, unknown>, fallback: string): RpaResult {
  const values: Record<string, string> = {};
  for (const [k, v] of Object.entries(output)) {
    if (typeof v === 'string' || typeof v === 'number' || typeof v === 'boolean') values[k] = String(v);
  }
  const confirmation = values.confirmation ?? values.Confirmation ?? fallback;
  delete values.confirmation;
  delete values.Confirmation;
  return { confirmation, ...(Object.keys(values).length > 0 ? { output: values } : {}) };
}

function parseArguments(raw: string | null | undefined): Record<string, unknown> {
  if (!raw) return {};
  try {
    const parsed: unknown = JSON.parse(raw);
    return typeof parsed === 'object' && parsed !== null && !Array.isArray(parsed) ? (parsed as Record<string, unknown>) : {};
  } catch {
    return {};
  }
}
