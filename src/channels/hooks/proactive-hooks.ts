/**
 * What the inbound hooks make of vendor events for proactive messages (#16): Jira's resolved
 * issues and new comments, and HubSpot's contact lifecycle changes, each becoming a `rasa.trigger`
 * job for the conversation that filed the ticket or gave the lead. Also HubSpot's v3 signature.
 *
 * A conversation is found only through what ActionBridge itself recorded (conversation_refs): a
 * ticket's filer label, or the lead job that created a HubSpot contact. Anything else is ignored:
 * a vendor event never names a conversation by itself.
 */
import { createHmac, timingSafeEqual } from 'node:crypto';
import { z } from 'zod';
import type { FieldCipher, Queryable } from '../../store';
import { conversationOf } from '../../delivery/conversation-refs';
import { PROACTIVE_JOB_TYPES, leadRefKey, type TriggerJob } from '../../delivery/proactive';
import type { JobSpec } from '../../delivery/outbox';
import { FILER_MARK } from '../../ports/ticketing';

export const TRIGGER_INTENTS = {
  resolved: 'EXTERNAL_ticket_resolved',
  commented: 'EXTERNAL_ticket_commented',
  leadStage: 'EXTERNAL_lead_stage_changed',
} as const;

/** Enough of a comment to read in a chat; the ticket holds the rest. */
const COMMENT_MAX = 500;
const CONVERSATION_LABEL = 'ab-conversation-';

const JiraEvent = z.object({
  webhookEvent: z.string(),
  issue: z
    .object({
      key: z.string().regex(/^[A-Z][A-Z0-9_]{0,31}-\d{1,12}$/),
      fields: z
        .object({
          labels: z.array(z.string()).optional(),
          resolution: z.object({ name: z.string() }).nullable().optional(),
          status: z.object({ name: z.string().optional(), statusCategory: z.object({ key: z.string() }).optional() }).optional(),
        })
        .optional(),
    })
    .optional(),
  changelog: z.object({ items: z.array(z.object({ field: z.string().optional() })) }).optional(),
  comment: z.object({ body: z.unknown(), jsdPublic: z.boolean().optional() }).optional(),
});

type Trigger = Omit<TriggerJob, 'conversationId'>;

/** The message a Jira event is worth to the filer, if any (before knowing who that is). */
export function jiraTrigger(json: unknown, textOf: (body: unknown) => string): { mark: string; trigger: Trigger } | null {
  const parsed = JiraEvent.safeParse(json);
  if (!parsed.success || !parsed.data.issue) return null;
  const { webhookEvent, issue, changelog, comment } = parsed.data;
  const labels = issue.fields?.labels ?? [];
  const mark = labels.find((l) => l.startsWith(CONVERSATION_LABEL) && FILER_MARK.test(l.slice(CONVERSATION_LABEL.length)))?.slice(CONVERSATION_LABEL.length);
  if (!mark) return null;
  if (webhookEvent === 'comment_created' && comment) {
    // Jira Service Management's internal notes are for agents, not for the customer.
    if (comment.jsdPublic === false) return null;
    const text = textOf(comment.body);
    if (!text) return null;
    return { mark, trigger: { intent: TRIGGER_INTENTS.commented, entities: { ticket_key: issue.key, ticket_comment: clipText(text, COMMENT_MAX) } } };
  }
  if (webhookEvent === 'jira:issue_updated') {
    const fields = issue.fields;
    const resolved = Boolean(fields?.resolution) || fields?.status?.statusCategory?.key === 'done';
    // Any later edit of a resolved issue is an issue_updated too: only the change that resolved it counts.
    const becameResolved = !changelog || changelog.items.some((i) => i.field === 'resolution' || i.field === 'status');
    if (!resolved || !becameResolved) return null;
    const resolution = fields?.resolution?.name ?? fields?.status?.name ?? 'Done';
    return { mark, trigger: { intent: TRIGGER_INTENTS.resolved, entities: { ticket_key: issue.key, ticket_resolution: clipText(resolution, 100) } } };
  }
  return null;
}

/** The trigger job for a Jira event, addressed to its filer; null when nobody is recorded for it. */
export async function jiraTriggerJob(tx: Queryable, cipher: FieldCipher, read: { mark: string; trigger: Trigger }, eventId: string): Promise<JobSpec | null> {
  const conversationId = await conversationOf(tx, cipher, read.mark);
  if (!conversationId) return null;
  return triggerSpec(conversationId, read.trigger, `trigger:jira:${eventId}:${read.trigger.intent}`);
}

const HubspotEvents = z
  .array(
    z.object({
      eventId: z.union([z.number(), z.string()]),
      subscriptionType: z.string(),
      objectId: z.union([z.number(), z.string()]),
      propertyName: z.string().optional(),
      propertyValue: z.string().optional(),
    }),
  )
  .max(1000);

export type HubspotReading = { events: z.infer<typeof HubspotEvents> } | { invalid: string };

export function readHubspotEvents(json: unknown): HubspotReading {
  const parsed = HubspotEvents.safeParse(json);
  if (!parsed.success) return { invalid: 'Expected an array of HubSpot webhook events.' };
  return { events: parsed.data };
}

/**
 * The trigger jobs for HubSpot's events: a contact's lifecycle stage changed, and that contact is
 * one a lead job created from a conversation. Each is keyed by HubSpot's eventId, which stays the
 * same when HubSpot sends the batch again.
 */
export async function hubspotTriggerJobs(tx: Queryable, cipher: FieldCipher, events: z.infer<typeof HubspotEvents>): Promise<JobSpec[]> {
  const jobs: JobSpec[] = [];
  for (const e of events) {
    if (e.subscriptionType !== 'contact.propertyChange' || e.propertyName !== 'lifecyclestage' || !e.propertyValue) continue;
    const { rows } = await tx.query<{ reference: string }>(
      `SELECT reference FROM outbox_jobs WHERE type = 'lead.upsert' AND created_id = $1 ORDER BY created_at LIMIT 1`,
      [String(e.objectId)],
    );
    const lead = rows[0];
    if (!lead) continue;
    const conversationId = await conversationOf(tx, cipher, leadRefKey(lead.reference));
    if (!conversationId) continue;
    jobs.push(triggerSpec(conversationId, { intent: TRIGGER_INTENTS.leadStage, entities: { lead_stage: clipText(e.propertyValue, 100) } }, `trigger:hubspot:${String(e.eventId)}`));
  }
  return jobs;
}

function triggerSpec(conversationId: string, trigger: Trigger, idempotencyKey: string): JobSpec {
  return { type: PROACTIVE_JOB_TYPES.trigger, payload: { conversationId, ...trigger } satisfies TriggerJob, idempotencyKey };
}

function clipText(text: string, max: number): string {
  const chars = [...text.trim()];
  return chars.length > max ? `${chars.slice(0, max - 1).join('')}…` : chars.join('');
}

/**
 * HubSpot's v3 request signature: base64 HMAC-SHA256, keyed with the app's client secret, of
 * method + URI + body + timestamp, where the URI is the one HubSpot called with the characters its
 * table names percent-decoded; the timestamp (ms) must be within the tolerance.
 */
export function verifyHubspotV3(
  clientSecret: string,
  req: { method: string; uri: string; body: Buffer; signature: string | undefined; timestamp: string | undefined },
  opts: { nowMs: number; toleranceSeconds: number },
): { ok: true } | { ok: false; reason: 'missing_signature' | 'stale_timestamp' | 'bad_signature' } {
  if (!req.signature || !req.timestamp) return { ok: false, reason: 'missing_signature' };
  if (!/^\d{1,16}$/.test(req.timestamp) || Math.abs(opts.nowMs - Number(req.timestamp)) > opts.toleranceSeconds * 1000) return { ok: false, reason: 'stale_timestamp' };
  const source = Buffer.concat([Buffer.from(`${req.method}${decodeHubspotUri(req.uri)}`, 'utf8'), req.body, Buffer.from(req.timestamp, 'utf8')]);
  const expected = createHmac('sha256', clientSecret).update(source).digest();
  const given = Buffer.from(req.signature.trim(), 'base64');
  return given.length === expected.length && timingSafeEqual(given, expected) ? { ok: true } : { ok: false, reason: 'bad_signature' };
}

/** HubSpot decodes exactly these before signing (its docs' table); every other escape stays as sent. */
const HUBSPOT_DECODED: Record<string, string> = {
  '%3A': ':',
  '%2F': '/',
  '%3F': '?',
  '%40': '@',
  '%21': '!',
  '%24': '$',
  '%27': "'",
  '%28': '(',
  '%29': ')',
  '%2A': '*',
  '%2C': ',',
  '%3B': ';',
};

export function decodeHubspotUri(uri: string): string {
  return uri.replace(/%(3A|2F|3F|40|21|24|27|28|29|2A|2C|3B)/gi, (m) => HUBSPOT_DECODED[m.toUpperCase()]!);
}
