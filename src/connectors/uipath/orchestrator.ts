/**
 * The part of UiPath Orchestrator's OData API that ActionBridge uses, over node's fetch (UiPath
 * publishes no Node SDK for Orchestrator): queue definitions, adding a queue item and reading it
 * (by id, or filtered by Reference), starting a process as a job and reading it. Every request
 * goes through the gateway as the `uipath` connector, carries the folder header, and gets a
 * token from the client credentials inside its attempt (so a refused or unreachable identity
 * server counts, and is retried, like any other failure of the call). A 401 drops the token and
 * the request is sent once more with a new one: a refused request did nothing.
 */
import { z } from 'zod';
import { ConnectorError, expectShape } from '../kit/connector-error';
import type { Gateway } from '../kit/gateway';
import { isDuplicateReference, normalizeUiPathError, orchestratorError, UIPATH } from './errors';
import { ClientCredentials } from './token';
import type { UiPathConfig } from './config';

export const QUEUE_ITEM_STATUSES = ['New', 'InProgress', 'Failed', 'Successful', 'Abandoned', 'Retried', 'Deleted'] as const;
export type QueueItemStatus = (typeof QUEUE_ITEM_STATUSES)[number];
export const JOB_STATES = ['Pending', 'Running', 'Stopping', 'Terminating', 'Faulted', 'Successful', 'Stopped', 'Suspended', 'Resumed'] as const;
export type JobState = (typeof JOB_STATES)[number];

const queueItemSchema = z.object({
  Id: z.number().int(),
  Key: z.string().optional(),
  QueueDefinitionId: z.number().int(),
  Status: z.string(),
  Reference: z.string().nullable().optional(),
  Output: z.record(z.string(), z.unknown()).nullable().optional(),
  ProcessingException: z.object({ Reason: z.string().nullable().optional(), Type: z.string().nullable().optional() }).nullable().optional(),
  AncestorId: z.number().int().nullable().optional(),
});
export type QueueItem = z.infer<typeof queueItemSchema>;

const jobSchema = z.object({
  Id: z.number().int(),
  Key: z.string().optional(),
  State: z.string(),
  Reference: z.string().nullable().optional(),
  OutputArguments: z.string().nullable().optional(),
  Info: z.string().nullable().optional(),
});
export type OrchestratorJob = z.infer<typeof jobSchema>;

const listOf = <T extends z.ZodType>(item: T) => z.object({ value: z.array(item) });
const queueDefinitionSchema = z.object({ Id: z.number().int(), Name: z.string(), EnforceUniqueReference: z.boolean().optional() });

export interface QueueDefinition {
  id: number;
  name: string;
  /** The queue refuses a second item with the same Reference (409, errorCode 1016). */
  uniqueReference: boolean;
}

export interface NewQueueItem {
  queue: string;
  reference: string;
  content: Record<string, string>;
  priority?: 'Low' | 'Normal' | 'High';
}

/** An added item, or the one the queue already held under that Reference (null when its filter cannot see it yet). */
export type AddedQueueItem = { duplicate: false; item: QueueItem } | { duplicate: true; item: QueueItem | null };

interface RequestOptions {
  operation: string;
  method: 'GET' | 'POST';
  path: string;
  query?: Record<string, string>;
  body?: unknown;
  idempotent: boolean;
  signal?: AbortSignal;
}

/** An OData string literal: quotes doubled, the whole in quotes. */
export function odataString(value: string): string {
  return `'${value.replace(/'/g, "''")}'`;
}

export class Orchestrator {
  private readonly tokens: ClientCredentials;
  private readonly queues = new Map<string, Promise<QueueDefinition>>();
  private readonly base: string;

  constructor(
    private readonly config: UiPathConfig,
    private readonly gateway: Gateway,
  ) {
    gateway.register(UIPATH, normalizeUiPathError);
    this.tokens = new ClientCredentials(config);
    this.base = `${config.url}/${encodeURIComponent(config.org)}/${encodeURIComponent(config.tenant)}/orchestrator_/odata/`;
  }

  /** Token requests made so far (tests: cached until expiry, renewed on a 401). */
  get tokensIssued(): number {
    return this.tokens.issued;
  }

  /** The queue's id and whether it enforces unique references; read once per process. */
  queueDefinition(name: string, signal?: AbortSignal): Promise<QueueDefinition> {
    const key = name.toLowerCase();
    let known = this.queues.get(key);
    if (!known) {
      known = this.request({ operation: 'getQueueDefinition', method: 'GET', path: 'QueueDefinitions', query: { $filter: `Name eq ${odataString(name)}`, $top: '1' }, idempotent: true, signal }).then((body) => {
        const found = expectShape(UIPATH, 'a queue definition read', listOf(queueDefinitionSchema), body).value[0];
        if (!found) throw new ConnectorError('not_found', `UiPath has no queue named '${name}' in folder ${this.config.folderId}.`, { connector: UIPATH, vendorCode: 'queue_not_found', retry: 'never' });
        return { id: found.Id, name: found.Name, uniqueReference: found.EnforceUniqueReference === true };
      });
      this.queues.set(key, known);
      // A failed read is not remembered: the next call asks again.
      known.catch(() => this.queues.delete(key));
    }
    return known;
  }

  /**
   * Adds the item. On a queue that enforces unique references the add is idempotent (a repeat is
   * refused with 409), so the gateway may repeat it after a lost answer, and a 409 means the
   * item is there already: it is looked up by its Reference instead.
   */
  async addQueueItem(item: NewQueueItem, signal?: AbortSignal): Promise<AddedQueueItem> {
    const queue = await this.queueDefinition(item.queue, signal);
    try {
      const body = await this.request({
        operation: 'addQueueItem',
        method: 'POST',
        path: 'Queues/UiPathODataSvc.AddQueueItem',
        body: { itemData: { Name: queue.name, Priority: item.priority ?? 'Normal', Reference: item.reference, SpecificContent: item.content } },
        idempotent: queue.uniqueReference,
        signal,
      });
      return { duplicate: false, item: expectShape(UIPATH, 'AddQueueItem', queueItemSchema, body) };
    } catch (err) {
      if (!isDuplicateReference(err)) throw err;
      return { duplicate: true, item: await this.latestQueueItem(queue.id, item.reference, signal) };
    }
  }

  /** The newest item of the queue with this Reference (a retried item's copy is newer), or null. */
  async latestQueueItem(queueId: number, reference: string, signal?: AbortSignal): Promise<QueueItem | null> {
    const body = await this.request({
      operation: 'findQueueItems',
      method: 'GET',
      path: 'QueueItems',
      query: { $filter: `QueueDefinitionId eq ${queueId} and Reference eq ${odataString(reference)}`, $orderby: 'Id desc', $top: '1' },
      idempotent: true,
      signal,
    });
    return expectShape(UIPATH, 'a queue item search', listOf(queueItemSchema), body).value[0] ?? null;
  }

  async getQueueItem(id: number, signal?: AbortSignal): Promise<QueueItem> {
    const body = await this.request({ operation: 'getQueueItem', method: 'GET', path: `QueueItems(${id})`, idempotent: true, signal });
    return expectShape(UIPATH, 'a queue item read', queueItemSchema, body);
  }

  /**
   * Starts the process as one job with the inputs as its input arguments. Orchestrator does not
   * refuse a second job with the same Reference, so this is never repeated by the gateway: a
   * later attempt looks for the job by its Reference first.
   */
  async startJob(releaseKey: string, reference: string, input: Record<string, string>, signal?: AbortSignal): Promise<OrchestratorJob> {
    const body = await this.request({
      operation: 'startJob',
      method: 'POST',
      path: 'Jobs/UiPath.Server.Configuration.OData.StartJobs',
      body: { startInfo: { ReleaseKey: releaseKey, Strategy: 'ModernJobsCount', JobsCount: 1, InputArguments: JSON.stringify(input), Reference: reference } },
      idempotent: false,
      signal,
    });
    const job = expectShape(UIPATH, 'StartJobs', listOf(jobSchema), body).value[0];
    if (!job) throw new ConnectorError('upstream_unavailable', 'UiPath Orchestrator started no job.', { connector: UIPATH, vendorCode: 'no_job', retry: 'never' });
    return job;
  }

  async latestJob(reference: string, signal?: AbortSignal): Promise<OrchestratorJob | null> {
    const body = await this.request({ operation: 'findJobs', method: 'GET', path: 'Jobs', query: { $filter: `Reference eq ${odataString(reference)}`, $orderby: 'Id desc', $top: '1' }, idempotent: true, signal });
    return expectShape(UIPATH, 'a job search', listOf(jobSchema), body).value[0] ?? null;
  }

  async getJob(id: number, signal?: AbortSignal): Promise<OrchestratorJob> {
    const body = await this.request({ operation: 'getJob', method: 'GET', path: `Jobs(${id})`, idempotent: true, signal });
    return expectShape(UIPATH, 'a job read', jobSchema, body);
  }

  private request(r: RequestOptions): Promise<unknown> {
    const url = new URL(r.path, this.base);
    for (const [k, v] of Object.entries(r.query ?? {})) url.searchParams.set(k, v);
    const payload = r.body === undefined ? undefined : JSON.stringify(r.body);
    return this.gateway.call(
      UIPATH,
      r.operation,
      async (signal) => {
        const send = (token: string) =>
          fetch(url, {
            method: r.method,
            body: payload,
            signal,
            headers: {
              Authorization: `Bearer ${token}`,
              'X-UIPATH-OrganizationUnitId': String(this.config.folderId),
              Accept: 'application/json',
              'User-Agent': 'ActionBridge',
              ...(payload !== undefined ? { 'Content-Type': 'application/json' } : {}),
            },
          });
        let token = await this.tokens.get(signal);
        let res = await send(token);
        if (res.status === 401) {
          // Expired or revoked before its time: one new token, one more try, then it is ours to fix.
          await res.body?.cancel();
          this.tokens.invalidate(token);
          token = await this.tokens.get(signal);
          res = await send(token);
        }
        const text = await res.text();
        if (!res.ok) throw orchestratorError(res.status, text, res.headers.get('retry-after'), r.operation);
        if (text === '') return undefined;
        try {
          return JSON.parse(text) as unknown;
        } catch {
          throw new ConnectorError('upstream_unavailable', `UiPath Orchestrator sent an answer to ${r.operation} that is not JSON.`, { connector: UIPATH, vendorCode: 'malformed_response', retry: 'never' });
        }
      },
      { idempotent: r.idempotent, signal: r.signal },
    );
  }
}
