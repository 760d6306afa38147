/**
 * Inbound webhooks (`POST /hooks/:source`): Zapier, Make, n8n and the like ask for work, and Jira
 * reports resolved issues (→ document the solution in the knowledge base). Each source has its
 * own secret (HOOK_SECRET_<SOURCE>). A request is accepted only when its signature covers this
 * exact body and a fresh timestamp, and it has not been seen before; then its job is written to
 * the outbox in the same transaction as its receipt, so a replay can never enqueue twice.
 *
 * Generic sources sign like ActionBridge does outbound (signature.ts) and send
 *   {"job": "ticket.create" | "lead.upsert" | "kb.create", "data": {...the job's payload}}
 * with an optional X-ActionBridge-Delivery id. Jira signs with its own `X-Hub-Signature:
 * sha256=...` (webhook secret) and carries its `timestamp` (ms) in the body, with an optional
 * X-Atlassian-Webhook-Identifier. The replay keys are the signature over the content and the
 * delivery id when given: unsigned headers alone never make a request new. What a
 * Jira payload means is Jira's business (src/connectors/jira/webhook.ts).
 *
 * Proactive messages (when a Rasa trigger is configured): a Jira issue resolved or commented on
 * also becomes a `rasa.trigger` job for the conversation that filed it, and HubSpot's webhooks
 * (`/hooks/hubspot`, v3 signature with HUBSPOT_CLIENT_SECRET) turn a lead's lifecycle change into
 * one for the conversation that gave the lead (./proactive-hooks.ts). Each trigger is keyed by the
 * vendor's event id, so an event delivered twice is told once.
 */
import { z } from 'zod';
import { AppError } from '../../errors';
import type { Queryable } from '../../store';
import { isStorableText } from '../../store/storable';
import { ArticleJob, JOB_TYPES, LeadJob, TicketJob } from '../../delivery/handlers';
import { PROACTIVE_JOB_TYPES } from '../../delivery/proactive';
import type { JobSpec, Outbox } from '../../delivery/outbox';
import { solutionFromJiraWebhook, textOf } from '../../connectors/jira/webhook';
import { hubspotTriggerJobs, jiraTrigger, jiraTriggerJob, readHubspotEvents, verifyHubspotV3 } from './proactive-hooks';
import { DEFAULT_JSON_MAX_DEPTH, exceedsJsonDepth, tooDeepMessage } from '../../http/json-depth';
import { DELIVERY_HEADER, SIGNATURE_HEADER, TIMESTAMP_HEADER, verifyHubSignature, verifySignature } from '../../http/signature';

export interface HookSettings {
  /** Secret per source name (lower case). */
  secrets: Record<string, string>;
  toleranceSeconds: number;
  /** HubSpot's webhooks: the app's client secret, and the target URL as configured in the app when this server is behind a proxy that rewrites it. */
  hubspot?: { clientSecret: string; webhookUrl?: string };
}

export interface HookOptions {
  /** Whether `rasa.trigger` jobs would be run (Rasa configured): without, vendor events only do what they did. */
  triggers?: boolean;
}

export interface HookRequest {
  source: string;
  headers: Record<string, string | string[] | undefined>;
  body: Buffer;
  nowMs?: number;
  /** Deepest array/object nesting accepted (JSON_MAX_DEPTH); default 64. */
  maxJsonDepth?: number;
  /** The URL as requested (scheme, host, path, query): HubSpot signs it. */
  uri?: string;
}

/** What an accepted webhook came to; a refused one throws the AppError that says why. */
export type HookResult =
  | { status: 202; body: { reference: string; status: string; duplicate: boolean; triggers?: number } }
  | { status: 200; body: { ignored: true; reason: string } };

const SOURCE = /^[a-z0-9][a-z0-9_-]{0,39}$/;

const GenericHook = z.discriminatedUnion('job', [
  z.object({ job: z.literal(JOB_TYPES.ticket), data: TicketJob }),
  z.object({ job: z.literal(JOB_TYPES.lead), data: LeadJob }),
  z.object({ job: z.literal(JOB_TYPES.article), data: ArticleJob }),
]);

function header(headers: HookRequest['headers'], name: string): string | undefined {
  const v = headers[name];
  return Array.isArray(v) ? v[0] : v;
}

const REPLAYED = Symbol('replayed');

const unauthorized = (reason: string): AppError => new AppError('auth', 'The webhook signature is not valid.', { code: 'invalid_signature', reason });

export class InboundHooks {
  constructor(
    private readonly outbox: Outbox,
    private readonly settings: HookSettings,
    private readonly opts: HookOptions = {},
  ) {}

  async handle(req: HookRequest): Promise<HookResult> {
    const source = req.source.toLowerCase();
    if (source === 'hubspot' && this.settings.hubspot) return this.handleHubspot(req, this.settings.hubspot);
    // Own keys only: a source named `constructor` or `__proto__` must not find Object.prototype's.
    const secret = SOURCE.test(source) && Object.hasOwn(this.settings.secrets, source) ? this.settings.secrets[source] : undefined;
    if (!secret) throw new AppError('not_found', `No webhook source '${req.source}' is configured.`);
    const nowMs = req.nowMs ?? Date.now();
    const hubSignature = header(req.headers, 'x-hub-signature');

    const maxDepth = req.maxJsonDepth ?? DEFAULT_JSON_MAX_DEPTH;
    // What proves a delivery was seen: the signature over its content (a replay re-posted under a
    // new delivery id or identifier is still the same signed request) and, when the sender names
    // the delivery, that id too (a re-signed repeat of a delivery is still that delivery).
    let receipts: string[];
    let json: unknown;
    if (source === 'jira' && hubSignature !== undefined) {
      if (!verifyHubSignature(secret, hubSignature, req.body)) throw unauthorized('bad_signature');
      json = parseJson(req.body, maxDepth);
      const ts = (json as { timestamp?: unknown } | undefined)?.timestamp;
      // A too deep body has no timestamp to read; it is refused as such below, not as stale.
      if (json !== TOO_DEEP && (typeof ts !== 'number' || Math.abs(nowMs - ts) > this.settings.toleranceSeconds * 1000)) throw unauthorized('stale_timestamp');
      const identifier = header(req.headers, 'x-atlassian-webhook-identifier');
      receipts = [`sig:${hubSignature.trim()}`, ...(identifier ? [`id:${identifier}`] : [])];
    } else {
      const signature = header(req.headers, SIGNATURE_HEADER);
      const verdict = verifySignature(secret, { timestamp: header(req.headers, TIMESTAMP_HEADER), signature }, req.body, {
        toleranceSeconds: this.settings.toleranceSeconds,
        nowMs,
      });
      if (!verdict.ok) throw unauthorized(verdict.reason);
      json = parseJson(req.body, maxDepth);
      const delivery = header(req.headers, DELIVERY_HEADER);
      receipts = [`sig:${verdict.signature}`, ...(delivery ? [`id:${delivery}`] : [])];
    }
    if (json === undefined) throw new AppError('validation', 'The webhook body is not JSON.', { code: 'invalid_json' });
    if (json === TOO_DEEP) throw new AppError('validation', tooDeepMessage(maxDepth), { code: 'invalid_json' });

    const fromJira = source === 'jira' && hubSignature !== undefined;
    const spec = fromJira ? jiraJob(json) : genericJob(json);
    if ('error' in spec) throw spec.error;
    const trigger = fromJira && this.opts.triggers ? jiraTrigger(json, textOf) : null;
    if (trigger && hasUnstorableText(trigger.trigger)) throw unstorable();
    if (!trigger) {
      if ('ignore' in spec && spec.ignore !== undefined) return { status: 200, body: { ignored: true, reason: spec.ignore } };
      if (!('job' in spec)) return { status: 200, body: { ignored: true, reason: 'nothing to do' } };
    }
    const job = 'job' in spec ? spec.job : undefined;
    if (job && hasUnstorableText(job.payload)) throw unstorable();
    const jobSpec: JobSpec | undefined = job && { ...job, idempotencyKey: `hook:${source}:${receipts[0]}` };
    // Jira names each event (the same on its retries); without the header the signed content does.
    const eventId = (fromJira && header(req.headers, 'x-atlassian-webhook-identifier')) || receipts[0]!;

    return this.accept(source, receipts, async (tx) => [
      ...(jobSpec ? [jobSpec] : []),
      ...(trigger ? [await jiraTriggerJob(tx, this.outbox.cipher, trigger, eventId)].filter((j): j is JobSpec => j !== null) : []),
    ]);
  }

  /**
   * Records the receipts and enqueues the jobs in one transaction; a replay rolls back and is
   * refused. The first job's reference is the answer; triggers are counted beside it.
   */
  private async accept(source: string, receipts: string[], jobsIn: (tx: Queryable) => Promise<JobSpec[]>): Promise<HookResult> {
    const outcome = await this.outbox.store
      .transaction(async (tx) => {
        for (const receipt of receipts) if (!(await this.remember(tx, source, receipt))) throw REPLAYED;
        const jobs = await jobsIn(tx);
        const enqueued = [];
        for (const spec of jobs) enqueued.push({ spec, outcome: await this.outbox.enqueue(tx, spec) });
        return enqueued;
      })
      // Thrown to roll the receipts of this attempt back with it.
      .catch((err: unknown) => (err === REPLAYED ? null : Promise.reject(err)));
    if (!outcome) throw unauthorized('replayed');
    const first = outcome[0]?.outcome;
    if (!first) return { status: 200, body: { ignored: true, reason: 'no conversation to tell' } };
    const triggers = outcome.filter((o) => o.spec.type === PROACTIVE_JOB_TYPES.trigger).length;
    return { status: 202, body: { reference: first.job.reference, status: first.job.status, duplicate: !first.created, ...(triggers > 0 ? { triggers } : {}) } };
  }

  /** HubSpot's webhooks: a batch of events, signed (v3) over the URL it called. */
  private async handleHubspot(req: HookRequest, hubspot: NonNullable<HookSettings['hubspot']>): Promise<HookResult> {
    const signature = header(req.headers, 'x-hubspot-signature-v3');
    const verdict = verifyHubspotV3(
      hubspot.clientSecret,
      { method: 'POST', uri: hubspot.webhookUrl ?? req.uri ?? '', body: req.body, signature, timestamp: header(req.headers, 'x-hubspot-request-timestamp') },
      { nowMs: req.nowMs ?? Date.now(), toleranceSeconds: this.settings.toleranceSeconds },
    );
    if (!verdict.ok) throw unauthorized(verdict.reason);
    const maxDepth = req.maxJsonDepth ?? DEFAULT_JSON_MAX_DEPTH;
    const json = parseJson(req.body, maxDepth);
    if (json === undefined) throw new AppError('validation', 'The webhook body is not JSON.', { code: 'invalid_json' });
    if (json === TOO_DEEP) throw new AppError('validation', tooDeepMessage(maxDepth), { code: 'invalid_json' });
    const read = readHubspotEvents(json);
    if ('invalid' in read) throw invalid(read.invalid).error;
    if (!this.opts.triggers) return { status: 200, body: { ignored: true, reason: 'proactive messages are off (RASA_URL unset)' } };
    if (hasUnstorableText(read.events)) throw unstorable();
    // A re-sent batch carries a new timestamp, so a new signature: its events' ids dedupe it.
    return this.accept('hubspot', [`sig:${signature!.trim()}`], (tx) => hubspotTriggerJobs(tx, this.outbox.cipher, read.events));
  }

  /** Records the delivery; false when it was seen already (a replay). */
  private async remember(tx: Queryable, source: string, receiptId: string): Promise<boolean> {
    await tx.query('DELETE FROM webhook_receipts WHERE expires_at < now()');
    const { rowCount } = await tx.query(
      `INSERT INTO webhook_receipts (source, receipt_id, expires_at)
       VALUES ($1, $2, now() + ($3::integer * interval '1 second'))
       ON CONFLICT (source, receipt_id) DO NOTHING`,
      // Kept past the tolerance on both sides: by then a replay is refused as stale anyway.
      [source, receiptId.slice(0, 500), this.settings.toleranceSeconds * 2 + 60],
    );
    return rowCount > 0;
  }
}

type Built = { job: Omit<JobSpec, 'idempotencyKey'>; ignore?: undefined } | { ignore: string } | { error: AppError };

function unstorable(): AppError {
  return invalid('The webhook body contains text that cannot be stored (a \\u0000 character or an unpaired surrogate).').error;
}

function invalid(message: string): { error: AppError } {
  return { error: new AppError('validation', message, { code: 'validation' }) };
}

function genericJob(json: unknown): Built {
  const parsed = GenericHook.safeParse(json);
  if (!parsed.success) {
    return invalid(`Expected {"job": "${JOB_TYPES.ticket}" | "${JOB_TYPES.lead}" | "${JOB_TYPES.article}", "data": {...}}: ${parsed.error.issues.map((i) => i.path.join('.') || i.message).join(', ')}`);
  }
  return { job: { type: parsed.data.job, payload: parsed.data.data } };
}

/** A resolved Jira issue becomes "write its solution to the knowledge base". */
function jiraJob(json: unknown): Built {
  const read = solutionFromJiraWebhook(json);
  if ('invalid' in read) return invalid(read.invalid);
  if ('ignore' in read) return { ignore: read.ignore };
  return { job: { type: JOB_TYPES.article, payload: { article: read.article } satisfies ArticleJob } };
}

/**
 * PostgreSQL's jsonb refuses U+0000 and unpaired surrogates (both valid in JSON text): a job
 * carrying one would fail at the INSERT, a 500 for what is bad input. Depth is bounded by then.
 */
function hasUnstorableText(value: unknown): boolean {
  if (typeof value === 'string') return !isStorableText(value);
  if (typeof value !== 'object' || value === null) return false;
  return Object.entries(value).some(([k, v]) => hasUnstorableText(k) || hasUnstorableText(v));
}

/** Stands for a body nested deeper than allowed (checked after the signature, like every body problem). */
const TOO_DEEP = Symbol('too deep');

function parseJson(body: Buffer, maxDepth: number): unknown {
  // Before parsing: textOf() and zod recurse, and a signed body is still untrusted input.
  if (exceedsJsonDepth(body, maxDepth)) return TOO_DEEP;
  try {
    return JSON.parse(body.toString('utf8')) as unknown;
  } catch {
    return undefined;
  }
}
