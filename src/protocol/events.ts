/**
 * Every event Rasa accepts back from an action server, as zod schemas and types.
 *
 * The shapes follow Rasa's response validator: `event` names a known type, `timestamp` is
 * number|null, `metadata` object|null, and a few types constrain their own fields. Extra keys
 * are allowed everywhere (Rasa allows them), so the schemas are loose objects.
 */
import { z } from 'zod';

const common = {
  timestamp: z.number().nullable().optional(),
  metadata: z.record(z.string(), z.unknown()).nullable().optional(),
};

const nullableString = z.string().nullable().optional();
/**
 * Any JSON value, null included, but present: Rasa's schema requires the key, and a value left
 * `undefined` in code vanishes from the serialized JSON. (A plain boolean check, not a type guard,
 * so the inferred type stays `unknown`.)
 */
const requiredValue = z.unknown().refine((v): boolean => v !== undefined, { message: 'value is required (use null to unset)' });
const flowFields = { flow_id: z.string().optional(), step_id: z.string().optional() };
const agentFields = { agent_id: z.string().optional(), flow_id: z.string().optional() };

export const EntitySchema = z.looseObject({
  entity: z.string(),
  value: requiredValue,
  start: z.number().int().optional(),
  end: z.number().int().optional(),
  confidence: z.number().optional(),
  confidence_entity: z.number().optional(),
  extractor: nullableString,
  role: nullableString,
  group: nullableString,
});
export type Entity = z.infer<typeof EntitySchema>;

export const IntentSchema = z.looseObject({ name: z.string(), confidence: z.number().optional() });
export type Intent = z.infer<typeof IntentSchema>;

export const ParseDataSchema = z.looseObject({
  text: nullableString,
  intent: IntentSchema.optional(),
  intent_ranking: z.array(IntentSchema).optional(),
  entities: z.array(EntitySchema).optional(),
  message_id: nullableString,
  metadata: z.record(z.string(), z.unknown()).nullable().optional(),
});
export type ParseData = z.infer<typeof ParseDataSchema>;

const ev = <N extends string, S extends z.ZodRawShape>(name: N, shape: S) =>
  z.looseObject({ event: z.literal(name), ...common, ...shape });

/** One schema per event name; the keys are the wire names. */
export const eventSchemas = {
  slot: ev('slot', { name: z.string(), value: requiredValue }),
  reset_slots: ev('reset_slots', {}),
  followup: ev('followup', { name: z.string() }),
  reminder: ev('reminder', {
    intent: z.string(),
    entities: z.union([z.array(EntitySchema), z.record(z.string(), z.unknown())]).nullable().optional(),
    date_time: z.string(),
    name: nullableString,
    kill_on_user_msg: z.boolean().optional(),
  }),
  cancel_reminder: ev('cancel_reminder', {
    intent: nullableString,
    entities: z.union([z.array(EntitySchema), z.record(z.string(), z.unknown())]).nullable().optional(),
    name: nullableString,
  }),
  action_execution_rejected: ev('action_execution_rejected', {
    name: z.string(),
    policy: nullableString,
    confidence: z.number().nullable().optional(),
  }),
  active_loop: ev('active_loop', { name: nullableString }),
  form: ev('form', { name: nullableString }),
  loop_interrupted: ev('loop_interrupted', { is_interrupted: z.boolean() }),
  form_validation: ev('form_validation', { validate: z.boolean() }),
  restart: ev('restart', {}),
  session_started: ev('session_started', {}),
  session_ended: ev('session_ended', {}),
  user: ev('user', {
    text: nullableString,
    // Rasa's schema wants an object here: null makes Rasa reject the whole response.
    parse_data: ParseDataSchema.optional(),
    input_channel: nullableString,
    message_id: nullableString,
  }),
  user_featurization: ev('user_featurization', { use_text_for_featurization: z.boolean().optional() }),
  entities: ev('entities', { entities: z.array(EntitySchema) }),
  bot: ev('bot', { text: nullableString, data: z.record(z.string(), z.unknown()).nullable().optional() }),
  agent: ev('agent', { text: nullableString, data: z.unknown().optional() }),
  action: ev('action', {
    name: nullableString,
    policy: nullableString,
    confidence: z.number().nullable().optional(),
    action_text: nullableString,
    hide_rule_turn: z.boolean().optional(),
  }),
  undo: ev('undo', {}),
  rewind: ev('rewind', {}),
  pause: ev('pause', {}),
  resume: ev('resume', {}),
  export: ev('export', {}),
  // Rasa Pro (CALM) events: accepted only by newer Rasa Pro versions.
  flow_started: ev('flow_started', flowFields),
  flow_interrupted: ev('flow_interrupted', flowFields),
  flow_resumed: ev('flow_resumed', flowFields),
  flow_completed: ev('flow_completed', flowFields),
  flow_cancelled: ev('flow_cancelled', flowFields),
  agent_started: ev('agent_started', agentFields),
  agent_completed: ev('agent_completed', { ...agentFields, status: z.string().optional() }),
  agent_interrupted: ev('agent_interrupted', agentFields),
  agent_resumed: ev('agent_resumed', agentFields),
  agent_cancelled: ev('agent_cancelled', { ...agentFields, reason: z.string().optional() }),
  stack: ev('stack', { update: z.string().optional() }),
  routing_session_ended: ev('routing_session_ended', {}),
  error: ev('error', {}),
} as const;

export type EventName = keyof typeof eventSchemas;
export const EVENT_NAMES = Object.keys(eventSchemas) as EventName[];

type Schemas = typeof eventSchemas;
/** The typed JSON of one event, by wire name: `RasaEventOf<'slot'>`. */
export type RasaEventOf<N extends EventName> = z.infer<Schemas[N]>;
/** Any event Rasa accepts from an action server. */
export type RasaEvent = { [N in EventName]: RasaEventOf<N> }[EventName];

export const RasaEventSchema = z.discriminatedUnion(
  'event',
  Object.values(eventSchemas) as unknown as [Schemas[EventName], ...Schemas[EventName][]],
);

export function isEventName(name: unknown): name is EventName {
  return typeof name === 'string' && Object.prototype.hasOwnProperty.call(eventSchemas, name);
}

/**
 * The minimal shape of an event inside an incoming tracker. Rasa sends thousands of these per
 * call; the server checks only that each is an object with a string `event`, and the helpers
 * read the fields they need defensively.
 */
export interface TrackerEvent {
  event: string;
  timestamp?: number | null;
  [key: string]: unknown;
}
