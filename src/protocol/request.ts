/**
 * The `/webhook` request as Rasa sends it. Validation is deliberately shallow on the hot path:
 * the server checks what it relies on (types of the top-level fields, the tracker's own fields,
 * and that each tracker event is an object with a string `event`) and leaves the thousands of
 * historical events otherwise untouched: a full deep parse costs more than the action itself.
 */
import { z } from 'zod';
import type { TrackerEvent } from './events';

const jsonObject = z.record(z.string(), z.unknown());

/** Each event only needs to be an object carrying a string `event` name. */
const trackerEvents = z.array(z.unknown()).check((ctx) => {
  const events = ctx.value;
  for (let i = 0; i < events.length; i++) {
    const e = events[i] as { event?: unknown } | null;
    if (typeof e !== 'object' || e === null || Array.isArray(e) || typeof e.event !== 'string') {
      ctx.issues.push({
        code: 'custom',
        message: 'each tracker event must be an object with a string "event"',
        path: [i],
        input: e,
      });
      return;
    }
  }
});

export const ActiveLoopSchema = z.looseObject({
  name: z.string().nullable().optional(),
  is_interrupted: z.boolean().optional(),
  rejected: z.boolean().optional(),
  trigger_message: z.unknown().optional(),
});
export type ActiveLoopState = z.infer<typeof ActiveLoopSchema>;

export const LatestMessageSchema = z.looseObject({
  text: z.string().nullable().optional(),
  intent: z.looseObject({ name: z.string().nullable().optional(), confidence: z.number().optional() }).nullable().optional(),
  intent_ranking: z.array(z.looseObject({ name: z.string().nullable().optional(), confidence: z.number().optional() })).nullable().optional(),
  entities: z.array(z.looseObject({ entity: z.string(), value: z.unknown() })).nullable().optional(),
  message_id: z.string().nullable().optional(),
  metadata: jsonObject.nullable().optional(),
});
export type LatestMessage = z.infer<typeof LatestMessageSchema>;

export const TrackerStateSchema = z.looseObject({
  sender_id: z.string({ error: 'tracker.sender_id must be a string' }),
  slots: jsonObject.nullable().optional(),
  latest_message: LatestMessageSchema.nullable().optional(),
  latest_event_time: z.number().nullable().optional(),
  followup_action: z.string().nullable().optional(),
  paused: z.boolean().nullable().optional(),
  events: trackerEvents.nullable().optional(),
  latest_input_channel: z.string().nullable().optional(),
  active_loop: ActiveLoopSchema.nullable().optional(),
  active_form: ActiveLoopSchema.nullable().optional(),
  latest_action: jsonObject.nullable().optional(),
  latest_action_name: z.string().nullable().optional(),
  stack: z.array(z.unknown()).nullable().optional(),
  user_id: z.string().nullable().optional(),
});

/** The tracker state as sent by Rasa (validated by TrackerStateSchema), with events typed loosely. */
export interface TrackerState {
  sender_id: string;
  slots?: Record<string, unknown> | null;
  latest_message?: LatestMessage | null;
  latest_event_time?: number | null;
  followup_action?: string | null;
  paused?: boolean | null;
  events?: TrackerEvent[] | null;
  latest_input_channel?: string | null;
  active_loop?: ActiveLoopState | null;
  active_form?: ActiveLoopState | null;
  latest_action?: Record<string, unknown> | null;
  latest_action_name?: string | null;
  stack?: unknown[] | null;
  user_id?: string | null;
  [extra: string]: unknown;
}

export const DomainSchema = jsonObject;
export type Domain = Record<string, unknown>;

/**
 * The fields read before the action is looked up. `next_action` is checked apart from the rest
 * because an unknown action must be answered 404 before the tracker is looked at.
 */
export const WebhookEnvelopeSchema = z.looseObject({
  next_action: z.union([z.string(), z.number(), z.boolean()]).nullable().optional(),
  sender_id: z.string().nullable().optional(),
  version: z.string({ error: 'version must be a string' }).nullable().optional(),
  domain_digest: z.string().nullable().optional(),
});

export const WebhookBodySchema = z.looseObject({
  tracker: TrackerStateSchema,
  domain: DomainSchema.nullable().optional(),
});

export interface WebhookRequest {
  next_action: string;
  sender_id?: string | null;
  tracker: TrackerState;
  domain?: Domain | null;
  domain_digest?: string | null;
  version?: string | null;
}

/*
 * The same checks as WebhookEnvelopeSchema and WebhookBodySchema, by hand, for the hot path:
 * zod builds a copy of every object it checks, and on small calls that costs as much as the rest
 * of the call. These predicates only say "certainly valid"; when one answers false the server
 * runs the zod schema, which gives the exact issues. They must never accept what the schemas
 * reject (test/protocol/request-fast-check.test.ts compares them field by field).
 */
type Obj = Record<string, unknown>;
const isObj = (v: unknown): v is Obj => typeof v === 'object' && v !== null && !Array.isArray(v);
/** A plain object, judged as zod's record check judges it (by its constructor, any realm). */
const isRecord = (v: unknown): boolean => {
  if (!isObj(v)) return false;
  const ctor: unknown = v.constructor;
  if (ctor === undefined) return true;
  if (typeof ctor !== 'function') return false;
  const proto: unknown = (ctor as { prototype?: unknown }).prototype;
  return isObj(proto) && Object.prototype.hasOwnProperty.call(proto, 'isPrototypeOf');
};
const isNum = (v: unknown): boolean => typeof v === 'number' && Number.isFinite(v);
const maybe = (v: unknown, check: (v: unknown) => boolean): boolean => v === undefined || v === null || check(v);
const isStr = (v: unknown): boolean => typeof v === 'string';
const isBool = (v: unknown): boolean => typeof v === 'boolean';

const isIntentLike = (v: unknown): boolean => isObj(v) && maybe(v.name, isStr) && (v.confidence === undefined || isNum(v.confidence));
const isEntityLike = (v: unknown): boolean => isObj(v) && isStr(v.entity);
const isLoop = (v: unknown): boolean =>
  isObj(v) && maybe(v.name, isStr) && (v.is_interrupted === undefined || isBool(v.is_interrupted)) && (v.rejected === undefined || isBool(v.rejected));
const everyOf = (v: unknown, check: (e: unknown) => boolean): boolean => Array.isArray(v) && v.every(check);
const isEvent = (e: unknown): boolean => isObj(e) && isStr(e.event);

function isLatestMessage(m: unknown): boolean {
  return (
    isObj(m) &&
    maybe(m.text, isStr) &&
    maybe(m.intent, isIntentLike) &&
    maybe(m.intent_ranking, (r) => everyOf(r, isIntentLike)) &&
    maybe(m.entities, (r) => everyOf(r, isEntityLike)) &&
    maybe(m.message_id, isStr) &&
    maybe(m.metadata, isRecord)
  );
}

function isTrackerState(t: unknown): boolean {
  return (
    isObj(t) &&
    isStr(t.sender_id) &&
    maybe(t.slots, isRecord) &&
    maybe(t.latest_message, isLatestMessage) &&
    maybe(t.latest_event_time, isNum) &&
    maybe(t.followup_action, isStr) &&
    maybe(t.paused, isBool) &&
    maybe(t.events, (e) => everyOf(e, isEvent)) &&
    maybe(t.latest_input_channel, isStr) &&
    maybe(t.active_loop, isLoop) &&
    maybe(t.active_form, isLoop) &&
    maybe(t.latest_action, isRecord) &&
    maybe(t.latest_action_name, isStr) &&
    maybe(t.stack, Array.isArray) &&
    maybe(t.user_id, isStr)
  );
}

/** True only when WebhookEnvelopeSchema accepts `v` (false: ask the schema). */
export function isPlainValidEnvelope(v: unknown): boolean {
  return (
    isObj(v) &&
    maybe(v.next_action, (a) => isStr(a) || isNum(a) || isBool(a)) &&
    maybe(v.sender_id, isStr) &&
    maybe(v.version, isStr) &&
    maybe(v.domain_digest, isStr)
  );
}

/** True only when WebhookBodySchema accepts `v` (false: ask the schema). */
export function isPlainValidBody(v: unknown): boolean {
  return isObj(v) && isTrackerState(v.tracker) && maybe(v.domain, isRecord);
}
