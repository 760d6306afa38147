/**
 * A loopback UiPath Automation Cloud for tests: the identity server's token endpoint and the
 * Orchestrator OData API of one organization and tenant, as strict as UiPath where we use it.
 *
 * Followed (docs.uipath.com): "External Applications (OAuth)" of the Orchestrator API guide for
 * `POST /identity_/connect/token` (form-encoded client credentials, `scope` a space-separated list
 * such as `OR.Queues OR.Jobs`; an IdentityServer answer `{error: invalid_client|invalid_scope|
 * unsupported_grant_type|invalid_request}` with 400); "Queue Items requests" for
 * `Queues/UiPathODataSvc.AddQueueItem` (`{itemData: {Name, Priority, SpecificContent, Reference}}`,
 * 201 with the QueueItem entity) and `QueueItems?$filter=`; "Jobs requests" for
 * `Jobs/UiPath.Server.Configuration.OData.StartJobs` (`{startInfo: {ReleaseKey, Strategy,
 * JobsCount, InputArguments (a JSON string), Reference}}`, 201 with `{value: [job]}`) and
 * `Jobs({id})`; "Response codes" for the error body `{message, errorCode, traceId}` (1002 item not
 * found, 1016 "Duplicate Reference" on a queue with unique references, answered 409); "Rate
 * limits" for 429 with Retry-After; the folder of every entity named by the
 * `X-UIPATH-OrganizationUnitId` header.
 *
 * Robots are simulated by reads: `robot` says after how many reads by id an item or job finishes
 * and how, so polling tests wait for conditions, never for time. Knobs beyond the base fake's
 * (`fail`, `delay`, `dropAfterActing`): `failNext` (UiPath's error body), `rateLimit`,
 * `expireTokens`, and `filterLagMs` (how long a new item or job stays out of `$filter` lists;
 * reads by id are current at once).
 */
import { randomUUID } from 'node:crypto';
import { FakeHttpServer, type FakeReply, type RecordedRequest } from './http';

export type QueueItemStatus = 'New' | 'InProgress' | 'Failed' | 'Successful' | 'Abandoned' | 'Retried' | 'Deleted';
export type JobState = 'Pending' | 'Running' | 'Stopping' | 'Terminating' | 'Faulted' | 'Successful' | 'Stopped' | 'Suspended' | 'Resumed';

export interface FakeQueueItem {
  Id: number;
  Key: string;
  QueueDefinitionId: number;
  OrganizationUnitId: number;
  Status: QueueItemStatus;
  Priority: 'Low' | 'Normal' | 'High';
  Reference: string | null;
  SpecificContent: Record<string, unknown>;
  Output: Record<string, unknown> | null;
  ProcessingException: { Reason: string; Details: string; Type: 'BusinessException' | 'ApplicationException' } | null;
  AncestorId: number | null;
  RetryNumber: number;
  CreationTime: string;
  createdAtMs: number;
  reads: number;
}

export interface FakeJob {
  Id: number;
  Key: string;
  ReleaseKey: string;
  ReleaseName: string;
  OrganizationUnitId: number;
  State: JobState;
  InputArguments: string | null;
  OutputArguments: string | null;
  Info: string | null;
  Reference: string | null;
  CreationTime: string;
  createdAtMs: number;
  reads: number;
}

export interface FakeQueue {
  Id: number;
  Name: string;
  EnforceUniqueReference: boolean;
  folderId: number;
}

/** How the simulated robot ends an item or a job it picked up. */
export type RobotOutcome =
  | { status: 'Successful'; output?: Record<string, unknown> }
  | { status: 'Failed'; reason: string; type?: 'BusinessException' | 'ApplicationException' }
  /** An application exception on a queue with auto retry: the item becomes Retried and a copy (same Reference, AncestorId) is added. */
  | { status: 'Retried'; reason: string };

export interface FakeRobot {
  /** Reads by id after which the item/job is InProgress/Running (default 1). */
  readsToStart?: number;
  /** Reads by id after which it has finished (default 2). */
  readsToFinish?: number;
  outcome(subject: { reference: string | null; content: Record<string, unknown>; retryNumber: number }): RobotOutcome;
}

export interface FakeUiPathOptions {
  org?: string;
  tenant?: string;
  clientId?: string;
  clientSecret?: string;
  /** The scopes the external application was granted; a token request may ask for any subset. */
  grantedScopes?: string[];
  folderId?: number;
  queues?: { Name: string; EnforceUniqueReference?: boolean }[];
  releases?: { Key: string; Name: string }[];
  tokenLifetimeSeconds?: number;
}

const PRIORITIES = new Set(['Low', 'Normal', 'High']);
const STRATEGIES = new Set(['ModernJobsCount', 'JobsCount', 'All', 'Specific', 'RobotCount']);
/** Orchestrator keeps a Reference to 128 characters. */
export const REFERENCE_MAX = 128;

export const UIPATH_DEFAULT_RELEASE_KEY = '5b9a2d7e-3f3c-4a8e-9d34-0c1f2e3a4b5c';

const orchestratorError = (status: number, message: string, errorCode: number, headers?: Record<string, string>): FakeReply => ({
  status,
  headers,
  body: { message, errorCode, traceId: `00-${randomUUID().replace(/-/g, '')}-${randomUUID().slice(0, 16).replace(/-/g, '')}-00` },
});
const identityError = (error: string): FakeReply => ({ status: 400, body: { error } });

/** Requests by kind, for `match` in the knobs and for counting. */
export const UIPATH_REQUESTS = {
  token: (r: RecordedRequest) => r.method === 'POST' && r.path === '/identity_/connect/token',
  addQueueItem: (r: RecordedRequest) => r.method === 'POST' && r.path.endsWith('/odata/Queues/UiPathODataSvc.AddQueueItem'),
  filterQueueItems: (r: RecordedRequest) => r.method === 'GET' && r.path.endsWith('/odata/QueueItems'),
  readQueueItem: (r: RecordedRequest) => r.method === 'GET' && /\/odata\/QueueItems\(\d+\)$/.test(r.path),
  startJobs: (r: RecordedRequest) => r.method === 'POST' && r.path.endsWith('/odata/Jobs/UiPath.Server.Configuration.OData.StartJobs'),
  filterJobs: (r: RecordedRequest) => r.method === 'GET' && r.path.endsWith('/odata/Jobs'),
  readJob: (r: RecordedRequest) => r.method === 'GET' && /\/odata\/Jobs\(\d+\)$/.test(r.path),
  queueDefinitions: (r: RecordedRequest) => r.method === 'GET' && r.path.endsWith('/odata/QueueDefinitions'),
};

export class FakeUiPath extends FakeHttpServer {
  readonly org: string;
  readonly tenant: string;
  readonly clientId: string;
  readonly clientSecret: string;
  readonly folderId: number;
  readonly queues: FakeQueue[];
  readonly releases: { Key: string; Name: string }[];
  readonly items: FakeQueueItem[] = [];
  readonly jobs: FakeJob[] = [];
  /** How long a new item or job stays out of `$filter` results. */
  filterLagMs = 0;
  /** Picks up items and jobs as they are read; absent: they stay New / Pending. */
  robot?: FakeRobot;
  private readonly grantedScopes: Set<string>;
  private readonly tokens = new Map<string, { expiresAtMs: number; scopes: Set<string> }>();
  private tokenLifetimeSeconds: number;
  private nextId = 1000;

  constructor(opts: FakeUiPathOptions = {}) {
    super((req) => this.route(req));
    this.org = opts.org ?? 'acme';
    this.tenant = opts.tenant ?? 'DefaultTenant';
    this.clientId = opts.clientId ?? 'external-app-id';
    this.clientSecret = opts.clientSecret ?? 'external-app-secret';
    this.folderId = opts.folderId ?? 42;
    this.grantedScopes = new Set(opts.grantedScopes ?? ['OR.Queues', 'OR.Jobs', 'OR.Folders.Read']);
    this.queues = (opts.queues ?? [{ Name: 'LeaveRequests', EnforceUniqueReference: true }]).map((q, i) => ({
      Id: 7 + i,
      Name: q.Name,
      EnforceUniqueReference: q.EnforceUniqueReference ?? false,
      folderId: this.folderId,
    }));
    this.releases = opts.releases ?? [{ Key: UIPATH_DEFAULT_RELEASE_KEY, Name: 'FileLeaveRequest_Production' }];
    this.tokenLifetimeSeconds = opts.tokenLifetimeSeconds ?? 3600;
  }

  /** The settings an adapter needs to reach this fake. */
  get env(): Record<string, string> {
    return {
      UIPATH_URL: this.url,
      UIPATH_ORG: this.org,
      UIPATH_TENANT: this.tenant,
      UIPATH_CLIENT_ID: this.clientId,
      UIPATH_CLIENT_SECRET: this.clientSecret,
      UIPATH_FOLDER_ID: String(this.folderId),
      UIPATH_QUEUE: this.queues[0]!.Name,
    };
  }

  /** Every token issued so far is expired from now on (the next Orchestrator call gets 401). */
  expireTokens(): this {
    for (const t of this.tokens.values()) t.expiresAtMs = 0;
    return this;
  }

  /** Tokens issued from now on live this long. */
  issueTokensFor(seconds: number): this {
    this.tokenLifetimeSeconds = seconds;
    return this;
  }

  /** The next matching request(s) fail with `status` and Orchestrator's error body. */
  failNext(status: number, opts: { times?: number; match?(r: RecordedRequest): boolean; message?: string } = {}): this {
    const body = orchestratorError(status, opts.message ?? (status >= 500 ? 'An error has occurred.' : 'The request failed.'), 0).body;
    return this.fail({ status, body, times: opts.times, match: opts.match });
  }

  /** The next matching request(s) get 429 with Retry-After, as Orchestrator's rate limits answer. */
  rateLimit(retryAfterSeconds: number, opts: { times?: number; match?(r: RecordedRequest): boolean } = {}): this {
    const reply = orchestratorError(429, 'Too many requests. Please retry after some time.', 0, { 'retry-after': String(retryAfterSeconds) });
    return this.fail({ ...reply, times: opts.times, match: opts.match });
  }

  itemsWithReference(reference: string): FakeQueueItem[] {
    return this.items.filter((i) => i.Reference === reference);
  }

  private get base(): string {
    return `/${this.org}/${this.tenant}/orchestrator_/odata/`;
  }

  private route(req: RecordedRequest): FakeReply {
    if (UIPATH_REQUESTS.token(req)) return this.token(req);
    if (!req.path.startsWith(this.base)) return { status: 404, raw: '<html><body>Not Found</body></html>', headers: { 'content-type': 'text/html' } };
    const auth = /^Bearer (.+)$/.exec(String(req.headers.authorization ?? ''));
    const token = auth ? this.tokens.get(auth[1]!) : undefined;
    if (!token || token.expiresAtMs <= Date.now()) return orchestratorError(401, 'You are not authenticated!', 0, { 'www-authenticate': 'Bearer' });
    const entity = req.path.slice(this.base.length);
    const scope = entity.startsWith('Jobs') ? 'OR.Jobs' : entity.startsWith('Queue') ? 'OR.Queues' : 'OR.Folders';
    const write = req.method !== 'GET';
    if (!token.scopes.has(scope) && !token.scopes.has(`${scope}.${write ? 'Write' : 'Read'}`)) return orchestratorError(403, 'You are not authorized!', 0);
    const folderHeader = req.headers['x-uipath-organizationunitid'];
    if (folderHeader === undefined) return orchestratorError(400, 'A folder is required for this action.', 1101);
    if (Number(folderHeader) !== this.folderId) return orchestratorError(404, 'Folder does not exist or the user does not have access to the folder.', 1002);

    if (req.method === 'GET' && entity === 'QueueDefinitions') return this.queueDefinitions(req);
    if (req.method === 'POST' && entity === 'Queues/UiPathODataSvc.AddQueueItem') return this.addQueueItem(req);
    if (req.method === 'GET' && entity === 'QueueItems') return this.filtered(req, this.items, ['Reference', 'QueueDefinitionId', 'AncestorId'], (i) => this.itemView(i));
    const item = /^QueueItems\((\d+)\)$/.exec(entity);
    if (req.method === 'GET' && item) return this.readItem(Number(item[1]));
    if (req.method === 'POST' && entity === 'Jobs/UiPath.Server.Configuration.OData.StartJobs') return this.startJobs(req);
    if (req.method === 'GET' && entity === 'Jobs') return this.filtered(req, this.jobs, ['Reference'], (j) => this.jobView(j));
    const job = /^Jobs\((\d+)\)$/.exec(entity);
    if (req.method === 'GET' && job) return this.readJob(Number(job[1]));
    return orchestratorError(404, 'The resource was not found.', 1002);
  }

  private token(req: RecordedRequest): FakeReply {
    if (!String(req.headers['content-type'] ?? '').includes('application/x-www-form-urlencoded')) return identityError('invalid_request');
    const form = (req.body ?? {}) as Record<string, string>;
    if (form.grant_type !== 'client_credentials') return identityError(form.grant_type ? 'unsupported_grant_type' : 'invalid_request');
    if (form.client_id !== this.clientId || form.client_secret !== this.clientSecret) return identityError('invalid_client');
    const asked = (form.scope ?? '').split(' ').filter(Boolean);
    // Asked for nothing: everything the application was granted, as IdentityServer does.
    const scopes = asked.length === 0 ? [...this.grantedScopes] : asked;
    if (scopes.some((s) => !this.grantedScopes.has(s))) return identityError('invalid_scope');
    const accessToken = randomUUID().replace(/-/g, '') + randomUUID().replace(/-/g, '');
    this.tokens.set(accessToken, { expiresAtMs: Date.now() + this.tokenLifetimeSeconds * 1000, scopes: new Set(scopes) });
    return { status: 200, body: { access_token: accessToken, expires_in: this.tokenLifetimeSeconds, token_type: 'Bearer', scope: scopes.join(' ') }, headers: { 'cache-control': 'no-store' } };
  }

  private queueDefinitions(req: RecordedRequest): FakeReply {
    const clauses = parseFilter(req.query.$filter);
    if (clauses === null || clauses.some((c) => c.field !== 'Name')) return orchestratorError(400, 'Invalid OData query options.', 1000);
    const hits = this.queues.filter((q) => clauses.every((c) => q.Name.toLowerCase() === String(c.value).toLowerCase()));
    return { status: 200, body: { '@odata.context': this.context('QueueDefinitions'), '@odata.count': hits.length, value: hits.map(({ folderId: _f, ...q }) => ({ ...q, OrganizationUnitId: this.folderId })) } };
  }

  private addQueueItem(req: RecordedRequest): FakeReply {
    const data = (req.body as { itemData?: Record<string, unknown> } | undefined)?.itemData;
    if (typeof data !== 'object' || data === null) return orchestratorError(400, 'itemData is required.', 1000);
    if (typeof data.Name !== 'string' || data.Name === '') return orchestratorError(400, 'The Name field is required.', 1000);
    const queue = this.queues.find((q) => q.Name.toLowerCase() === String(data.Name).toLowerCase());
    if (!queue) return orchestratorError(404, 'Queue does not exist.', 1002);
    const priority = data.Priority ?? 'Normal';
    if (typeof priority !== 'string' || !PRIORITIES.has(priority)) return orchestratorError(400, `The value '${String(priority)}' is not valid for Priority.`, 1000);
    const reference = data.Reference ?? null;
    if (reference !== null && (typeof reference !== 'string' || reference.length > REFERENCE_MAX)) return orchestratorError(400, `The field Reference must be a string with a maximum length of ${REFERENCE_MAX}.`, 1000);
    const content = data.SpecificContent ?? {};
    if (typeof content !== 'object' || content === null || Array.isArray(content)) return orchestratorError(400, 'SpecificContent must be an object.', 1000);
    for (const [k, v] of Object.entries(content)) {
      if (/[:.,@"]/.test(k.replace(/@odata\.type$/, ''))) return orchestratorError(400, `The argument name '${k}' is not valid.`, 1000);
      if (v !== null && typeof v === 'object') return orchestratorError(400, `The value of '${k}' must be a primitive.`, 1000);
    }
    // A unique-reference queue remembers every reference it ever held, deleted items included.
    if (reference !== null && queue.EnforceUniqueReference && this.items.some((i) => i.QueueDefinitionId === queue.Id && i.Reference === reference)) {
      return orchestratorError(409, 'Error creating Transaction. Duplicate Reference.', 1016);
    }
    const item = this.newItem(queue.Id, priority as FakeQueueItem['Priority'], reference, withoutTypeAnnotations(content as Record<string, unknown>), null, 0);
    return { status: 201, body: { '@odata.context': this.context('QueueItems/$entity'), ...this.itemView(item) } };
  }

  private newItem(queueId: number, priority: FakeQueueItem['Priority'], reference: string | null, content: Record<string, unknown>, ancestorId: number | null, retryNumber: number): FakeQueueItem {
    const now = new Date();
    const item: FakeQueueItem = {
      Id: this.nextId++,
      Key: randomUUID(),
      QueueDefinitionId: queueId,
      OrganizationUnitId: this.folderId,
      Status: 'New',
      Priority: priority,
      Reference: reference,
      SpecificContent: content,
      Output: null,
      ProcessingException: null,
      AncestorId: ancestorId,
      RetryNumber: retryNumber,
      CreationTime: now.toISOString(),
      createdAtMs: now.getTime(),
      reads: 0,
    };
    this.items.push(item);
    return item;
  }

  private readItem(id: number): FakeReply {
    const item = this.items.find((i) => i.Id === id);
    if (!item) return orchestratorError(404, 'Queue item does not exist.', 1002);
    item.reads++;
    if (this.robot && (item.Status === 'New' || item.Status === 'InProgress')) this.work(item);
    return { status: 200, body: { '@odata.context': this.context('QueueItems/$entity'), ...this.itemView(item) } };
  }

  private work(item: FakeQueueItem): void {
    const robot = this.robot!;
    if (item.reads >= (robot.readsToFinish ?? 2)) {
      const outcome = robot.outcome({ reference: item.Reference, content: item.SpecificContent, retryNumber: item.RetryNumber });
      if (outcome.status === 'Successful') {
        item.Status = 'Successful';
        item.Output = outcome.output ?? null;
      } else if (outcome.status === 'Failed') {
        item.Status = 'Failed';
        item.ProcessingException = { Reason: outcome.reason, Details: `${outcome.reason}\n   at Robot.Process()`, Type: outcome.type ?? 'BusinessException' };
      } else {
        item.Status = 'Retried';
        item.ProcessingException = { Reason: outcome.reason, Details: outcome.reason, Type: 'ApplicationException' };
        this.newItem(item.QueueDefinitionId, item.Priority, item.Reference, item.SpecificContent, item.Id, item.RetryNumber + 1);
      }
    } else if (item.reads >= (robot.readsToStart ?? 1)) item.Status = 'InProgress';
  }

  private startJobs(req: RecordedRequest): FakeReply {
    const info = (req.body as { startInfo?: Record<string, unknown> } | undefined)?.startInfo;
    if (typeof info !== 'object' || info === null) return orchestratorError(400, 'startInfo is required.', 1000);
    if (typeof info.ReleaseKey !== 'string' || !/^[0-9a-f-]{36}$/i.test(info.ReleaseKey)) return orchestratorError(400, 'The ReleaseKey field is required and must be a GUID.', 1000);
    const release = this.releases.find((r) => r.Key === info.ReleaseKey);
    if (!release) return orchestratorError(404, 'Process does not exist.', 1002);
    if (typeof info.Strategy !== 'string' || !STRATEGIES.has(info.Strategy)) return orchestratorError(400, `The value '${String(info.Strategy)}' is not valid for Strategy.`, 1000);
    const count = info.Strategy === 'ModernJobsCount' || info.Strategy === 'JobsCount' ? (info.JobsCount ?? 1) : 1;
    if (typeof count !== 'number' || !Number.isInteger(count) || count < 1) return orchestratorError(400, 'JobsCount must be a positive number.', 1000);
    const args = info.InputArguments ?? null;
    if (args !== null) {
      if (typeof args !== 'string') return orchestratorError(400, 'InputArguments must be a JSON string.', 1000);
      try {
        const parsed: unknown = JSON.parse(args);
        if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) throw new Error('not an object');
      } catch {
        return orchestratorError(400, 'InputArguments is not a valid JSON object.', 1000);
      }
    }
    const reference = info.Reference ?? null;
    if (reference !== null && (typeof reference !== 'string' || reference.length > REFERENCE_MAX)) return orchestratorError(400, `The field Reference must be a string with a maximum length of ${REFERENCE_MAX}.`, 1000);
    const started: FakeJob[] = [];
    for (let n = 0; n < count; n++) {
      const now = new Date();
      const job: FakeJob = {
        Id: this.nextId++,
        Key: randomUUID(),
        ReleaseKey: release.Key,
        ReleaseName: release.Name,
        OrganizationUnitId: this.folderId,
        State: 'Pending',
        InputArguments: args as string | null,
        OutputArguments: null,
        Info: null,
        Reference: reference as string | null,
        CreationTime: now.toISOString(),
        createdAtMs: now.getTime(),
        reads: 0,
      };
      this.jobs.push(job);
      started.push(job);
    }
    return { status: 201, body: { '@odata.context': this.context('Jobs'), value: started.map((j) => this.jobView(j)) } };
  }

  private readJob(id: number): FakeReply {
    const job = this.jobs.find((j) => j.Id === id);
    if (!job) return orchestratorError(404, 'Job does not exist.', 1002);
    job.reads++;
    const robot = this.robot;
    if (robot && (job.State === 'Pending' || job.State === 'Running')) {
      if (job.reads >= (robot.readsToFinish ?? 2)) {
        const content = job.InputArguments ? (JSON.parse(job.InputArguments) as Record<string, unknown>) : {};
        const outcome = robot.outcome({ reference: job.Reference, content, retryNumber: 0 });
        if (outcome.status === 'Successful') {
          job.State = 'Successful';
          job.OutputArguments = JSON.stringify(outcome.output ?? {});
          job.Info = 'Job completed';
        } else {
          job.State = 'Faulted';
          job.Info = outcome.reason;
        }
      } else if (job.reads >= (robot.readsToStart ?? 1)) job.State = 'Running';
    }
    return { status: 200, body: { '@odata.context': this.context('Jobs/$entity'), ...this.jobView(job) } };
  }

  /** `$filter` over a list, with lag: what was created within `filterLagMs` is not listed yet. */
  private filtered<T extends { createdAtMs: number }>(req: RecordedRequest, rows: T[], fields: string[], view: (row: T) => object): FakeReply {
    const clauses = parseFilter(req.query.$filter);
    if (clauses === null || clauses.some((c) => !fields.includes(c.field))) return orchestratorError(400, 'Invalid OData query options.', 1000);
    const top = req.query.$top === undefined ? 1000 : Number(req.query.$top);
    if (!Number.isInteger(top) || top < 0 || top > 1000) return orchestratorError(400, 'Invalid OData query options.', 1000);
    const visible = rows.filter((r) => Date.now() - r.createdAtMs >= this.filterLagMs);
    const hits = visible.filter((r) => clauses.every((c) => (r as unknown as Record<string, unknown>)[c.field] === c.value));
    const ordered = req.query.$orderby === 'Id desc' ? [...hits].reverse() : hits;
    return { status: 200, body: { '@odata.context': this.context(req.path.endsWith('Jobs') ? 'Jobs' : 'QueueItems'), '@odata.count': hits.length, value: ordered.slice(0, top).map(view) } };
  }

  private itemView(i: FakeQueueItem) {
    const { createdAtMs: _c, reads: _r, ...rest } = i;
    return { ...rest, OutputData: i.Output ? JSON.stringify({ DynamicProperties: i.Output }) : null, SpecificData: JSON.stringify({ DynamicProperties: i.SpecificContent }) };
  }

  private jobView(j: FakeJob) {
    const { createdAtMs: _c, reads: _r, ...rest } = j;
    return { ...rest, Release: null, StartTime: null, EndTime: null, Source: 'Manual', SourceType: 'Manual', JobPriority: 'Normal' };
  }

  private context(what: string): string {
    return `${this.url}/${this.org}/${this.tenant}/orchestrator_/odata/$metadata#${what}`;
  }
}

/** SpecificContent may annotate a value's type (`Name@odata.type: "#String"`); the stored item keeps the values. */
function withoutTypeAnnotations(content: Record<string, unknown>): Record<string, unknown> {
  return Object.fromEntries(Object.entries(content).filter(([k]) => !k.endsWith('@odata.type')));
}

/**
 * The small part of OData's `$filter` the fake understands: `Field eq 'text'` and `Field eq 12`
 * joined by `and`, with `''` for a quote inside a literal. Anything else is null (a 400).
 */
export function parseFilter(filter: string | undefined): { field: string; value: string | number }[] | null {
  if (filter === undefined) return [];
  const clauses: { field: string; value: string | number }[] = [];
  const clause = /^\s*([A-Za-z]+) eq (?:'((?:[^']|'')*)'|(\d+))\s*(?:and(?=\s)|$)/;
  let rest = filter;
  while (rest.trim() !== '') {
    const m = clause.exec(rest);
    if (!m) return null;
    clauses.push({ field: m[1]!, value: m[2] !== undefined ? m[2].replace(/''/g, "'") : Number(m[3]) });
    rest = rest.slice(m[0].length);
  }
  return clauses;
}
