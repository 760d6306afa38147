/**
 * The proto's typed messages (as @grpc/proto-loader decodes them, snake_case fields as in the
 * .proto) turned into the JSON body Rasa posts to /webhook, and the /webhook answer turned back.
 * The body then takes the HTTP path's own checks (src/channels/rasa/webhook.ts), so both
 * transports accept and refuse the same calls.
 *
 * As rasa_sdk's MessageToDict, unset fields are left out (proto3 cannot tell "" from absent);
 * where the /webhook body needs a value the tracker always has, it gets the proto's default.
 */
import { toProtoStruct, type JsonObject, type ProtoStruct as DecodedStruct, type StructReader } from './struct';
import type { WireStruct } from './struct-wire';

/** A Struct as proto-loader's objects, or as already read to JSON by webhook-codec.ts. */
type ProtoStruct = DecodedStruct | WireStruct;

export interface ProtoTracker {
  sender_id?: string;
  slots?: ProtoStruct | null;
  latest_message?: ProtoStruct | null;
  events?: ProtoStruct[];
  paused?: boolean;
  followup_action?: string;
  active_loop?: Record<string, string>;
  latest_action_name?: string;
  stack?: ProtoStruct[];
  user_id?: string;
}

/** A domain list entry: a bare name, or `{name: settings}`. */
export interface ProtoNamed {
  string_value?: string;
  dict_value?: ProtoStruct | null;
}

export interface ProtoDomain {
  config?: ProtoStruct | null;
  session_config?: ProtoStruct | null;
  intents?: ProtoNamed[];
  entities?: ProtoNamed[];
  slots?: ProtoStruct | null;
  responses?: ProtoStruct | null;
  actions?: ProtoNamed[];
  forms?: ProtoStruct | null;
  e2e_actions?: ProtoStruct[];
}

export interface ProtoWebhookRequest {
  next_action?: string;
  sender_id?: string;
  tracker?: ProtoTracker | null;
  domain?: ProtoDomain | null;
  version?: string;
  domain_digest?: string;
}

export interface ProtoWebhookResponse {
  events: DecodedStruct[];
  responses: DecodedStruct[];
}

/** The map<string, string> active loop; its two flags travel as "true"/"false". */
function activeLoop(map: Record<string, string>): JsonObject {
  const out: JsonObject = { ...map };
  for (const flag of ['is_interrupted', 'rejected']) {
    if (out[flag] === 'true') out[flag] = true;
    else if (out[flag] === 'false') out[flag] = false;
  }
  return out;
}

function trackerJson(t: ProtoTracker, fallbackSenderId: string | undefined, read: StructReader): JsonObject {
  const tracker: JsonObject = {
    sender_id: t.sender_id || fallbackSenderId || '',
    slots: read.object(t.slots, 3),
    events: read.objects(t.events, 3),
    paused: t.paused ?? false,
  };
  if (t.latest_message) tracker.latest_message = read.object(t.latest_message, 3);
  if (t.followup_action !== undefined) tracker.followup_action = t.followup_action;
  if (t.active_loop && Object.keys(t.active_loop).length > 0) tracker.active_loop = activeLoop(t.active_loop);
  if (t.latest_action_name !== undefined) {
    tracker.latest_action_name = t.latest_action_name;
    // The HTTP tracker names the latest action in both forms; actions may read either.
    tracker.latest_action = { action_name: t.latest_action_name };
  }
  if (t.stack && t.stack.length > 0) tracker.stack = read.objects(t.stack, 3);
  if (t.user_id !== undefined) tracker.user_id = t.user_id;
  return tracker;
}

function namedList(list: ProtoNamed[], read: StructReader): unknown[] {
  return list.map((item) => (item.dict_value ? read.object(item.dict_value, 4) : (item.string_value ?? '')));
}

/** The domain as domain.yml's JSON form: intents, entities and actions as names or `{name: settings}`. */
function domainJson(d: ProtoDomain, read: StructReader): JsonObject {
  const domain: JsonObject = {};
  for (const key of ['config', 'session_config', 'slots', 'responses', 'forms'] as const) {
    const struct = d[key];
    if (struct) domain[key] = read.object(struct, 3);
  }
  for (const key of ['intents', 'entities', 'actions'] as const) {
    const list = d[key];
    if (list && list.length > 0) domain[key] = namedList(list, read);
  }
  if (d.e2e_actions && d.e2e_actions.length > 0) domain.e2e_actions = read.objects(d.e2e_actions, 3);
  return domain;
}

/** The /webhook JSON body this gRPC request stands for. */
export function webhookBodyOf(req: ProtoWebhookRequest, read: StructReader): JsonObject {
  const body: JsonObject = {};
  if (req.next_action) body.next_action = req.next_action;
  if (req.sender_id) body.sender_id = req.sender_id;
  if (req.version) body.version = req.version;
  if (req.domain_digest !== undefined) body.domain_digest = req.domain_digest;
  if (req.tracker) body.tracker = trackerJson(req.tracker, req.sender_id, read);
  if (req.domain) body.domain = domainJson(req.domain, read);
  return body;
}

/** The /webhook answer's `{events, responses}` (or rasa_sdk's `null` for "nothing to run"): the objects a WebhookResponse carries. */
export function webhookResponseJson(body: unknown): { events: JsonObject[]; responses: JsonObject[] } {
  const b = (typeof body === 'object' && body !== null ? body : {}) as { events?: unknown[]; responses?: unknown[] };
  const objects = (list: unknown[] | undefined) => (Array.isArray(list) ? list : []).filter((x): x is JsonObject => typeof x === 'object' && x !== null);
  return { events: objects(b.events), responses: objects(b.responses) };
}

/** The same as a WebhookResponse message for proto-loader's serializer. */
export function webhookResponseOf(body: unknown): ProtoWebhookResponse {
  const json = webhookResponseJson(body);
  return { events: json.events.map(toProtoStruct), responses: json.responses.map(toProtoStruct) };
}
