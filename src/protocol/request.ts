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
