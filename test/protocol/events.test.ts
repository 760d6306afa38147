import { EVENT_NAMES, RasaEventSchema, eventSchemas, isEventName, type EventName } from '../../src/protocol/events';
import { checkEvent, checkResponse, schemaEventNames } from '../fixtures/rasa-response-schema';

const entity = { entity: 'city', value: 'Paris', start: 0, end: 5, confidence: 0.9, extractor: 'DIETClassifier', role: null, group: null };

/** One hand-written, valid example per wire name, as Rasa would accept it back. */
const examples: Record<EventName, Record<string, unknown>> = {
  slot: { event: 'slot', timestamp: null, name: 'city', value: 'Paris' },
  reset_slots: { event: 'reset_slots', timestamp: 1700000000.5 },
  followup: { event: 'followup', timestamp: null, name: 'action_next' },
  reminder: {
    event: 'reminder',
    timestamp: null,
    intent: 'EXTERNAL_remind',
    entities: [entity],
    date_time: '2026-11-24T08:00:00.000Z',
    name: 'r1',
    kill_on_user_msg: false,
  },
  cancel_reminder: { event: 'cancel_reminder', timestamp: null, intent: null, entities: null, name: null },
  action_execution_rejected: { event: 'action_execution_rejected', timestamp: null, name: 'action_x', policy: null, confidence: null },
  active_loop: { event: 'active_loop', timestamp: null, name: null },
  form: { event: 'form', timestamp: null, name: 'booking_form' },
  loop_interrupted: { event: 'loop_interrupted', timestamp: null, is_interrupted: true },
  form_validation: { event: 'form_validation', timestamp: null, validate: false },
  restart: { event: 'restart', timestamp: null },
  session_started: { event: 'session_started', timestamp: null },
  session_ended: { event: 'session_ended', timestamp: null, metadata: { reason: 'idle' } },
  user: {
    event: 'user',
    timestamp: null,
    text: 'to Paris',
    parse_data: {
      text: 'to Paris',
      intent: { name: 'travel', confidence: 0.98 },
      intent_ranking: [{ name: 'travel', confidence: 0.98 }],
      entities: [entity],
      message_id: 'm1',
      metadata: {},
    },
    input_channel: 'rest',
    message_id: 'm1',
  },
  user_featurization: { event: 'user_featurization', timestamp: null, use_text_for_featurization: true },
  entities: { event: 'entities', timestamp: null, entities: [entity] },
  bot: { event: 'bot', timestamp: null, text: 'Hi', data: { buttons: [] }, metadata: { utter_action: 'utter_greet' } },
  agent: { event: 'agent', timestamp: null, text: 'Handing over', data: { any: 'thing' } },
  action: { event: 'action', timestamp: null, name: 'action_listen', policy: 'RulePolicy', confidence: 1, action_text: null, hide_rule_turn: false },
  undo: { event: 'undo', timestamp: null },
  rewind: { event: 'rewind', timestamp: null },
  pause: { event: 'pause', timestamp: null },
  resume: { event: 'resume', timestamp: null },
  export: { event: 'export', timestamp: null },
  flow_started: { event: 'flow_started', timestamp: null, flow_id: 'transfer_money' },
  flow_interrupted: { event: 'flow_interrupted', timestamp: null, flow_id: 'transfer_money', step_id: 'ask_amount' },
  flow_resumed: { event: 'flow_resumed', timestamp: null, flow_id: 'transfer_money', step_id: 'ask_amount' },
  flow_completed: { event: 'flow_completed', timestamp: null, flow_id: 'transfer_money', step_id: 'END' },
  flow_cancelled: { event: 'flow_cancelled', timestamp: null, flow_id: 'transfer_money', step_id: 'ask_amount' },
  agent_started: { event: 'agent_started', timestamp: null, agent_id: 'a1', flow_id: 'f1' },
  agent_completed: { event: 'agent_completed', timestamp: null, agent_id: 'a1', flow_id: 'f1', status: 'done' },
  agent_interrupted: { event: 'agent_interrupted', timestamp: null, agent_id: 'a1', flow_id: 'f1' },
  agent_resumed: { event: 'agent_resumed', timestamp: null, agent_id: 'a1', flow_id: 'f1' },
  agent_cancelled: { event: 'agent_cancelled', timestamp: null, agent_id: 'a1', flow_id: 'f1', reason: 'user asked' },
  stack: { event: 'stack', timestamp: null, update: '[{"op":"add","path":"/0","value":{}}]' },
  routing_session_ended: { event: 'routing_session_ended', timestamp: null },
  error: { event: 'error', timestamp: null, metadata: null },
};

/** Events both Rasa's schema and ours must refuse, with why. */
const invalid: [string, unknown][] = [
  ['unknown event name', { event: 'slot_set', name: 'a', value: 1 }],
  ['event name missing', { name: 'a', value: 1 }],
  ['event name not a string', { event: 7 }],
  ['not an object', 'slot'],
  ['null', null],
  ['slot without value', { event: 'slot', timestamp: null, name: 'a' }],
  ['slot without name', { event: 'slot', timestamp: null, value: 1 }],
  ['slot name not a string', { event: 'slot', name: 3, value: 1 }],
  ['timestamp as string', { event: 'restart', timestamp: '2026-01-01' }],
  ['metadata as array', { event: 'restart', metadata: [] }],
  ['metadata as string', { event: 'session_ended', metadata: 'x' }],
  ['user with parse_data null', { event: 'user', timestamp: null, text: 'hi', parse_data: null, input_channel: null }],
  ['user text as number', { event: 'user', text: 5 }],
  ['user entity without value', { event: 'user', text: 'x', parse_data: { entities: [{ entity: 'city' }] } }],
  ['entities without entities', { event: 'entities', timestamp: null }],
  ['entities entry without value', { event: 'entities', entities: [{ entity: 'city' }] }],
  ['entities entry with string start', { event: 'entities', entities: [{ entity: 'city', value: 'x', start: '0' }] }],
  ['action confidence as string', { event: 'action', name: 'a', confidence: 'high' }],
  ['action hide_rule_turn as string', { event: 'action', name: 'a', hide_rule_turn: 'yes' }],
  ['flow_started flow_id as number', { event: 'flow_started', flow_id: 1 }],
  ['stack update as object', { event: 'stack', update: { op: 'add' } }],
  ['agent_completed status as number', { event: 'agent_completed', status: 1 }],
  ['agent_cancelled reason as boolean', { event: 'agent_cancelled', reason: false }],
];

describe('EVENT_NAMES', () => {
  it('lists exactly the event names of Rasa’s response schema (core and Pro)', () => {
    expect([...EVENT_NAMES].sort()).toEqual([...schemaEventNames].sort());
    expect(Object.keys(examples).sort()).toEqual([...EVENT_NAMES].sort());
  });

  it('isEventName knows the wire names and nothing else', () => {
    for (const name of EVENT_NAMES) expect(isEventName(name)).toBe(true);
    for (const other of ['SlotSet', 'slot_set', '', 'toString', '__proto__', 'constructor', 1, null, undefined]) {
      expect(isEventName(other)).toBe(false);
    }
  });
});

describe.each(EVENT_NAMES)('a hand-written "%s" event', (name) => {
  const example = examples[name];

  it('is valid for Rasa’s response schema', () => {
    expect(checkEvent(example).errors).toEqual([]);
  });

  it('is accepted by RasaEventSchema and by its own schema, unchanged', () => {
    const parsed = RasaEventSchema.safeParse(example);
    expect(parsed.success).toBe(true);
    expect(parsed.data).toEqual(example);
    expect(eventSchemas[name].safeParse(example).success).toBe(true);
  });

  it('keeps unknown extra keys (Rasa allows them)', () => {
    const withExtra = { ...example, x_custom: { nested: true } };
    expect(checkEvent(withExtra).valid).toBe(true);
    expect(RasaEventSchema.parse(withExtra)).toEqual(withExtra);
  });
});

describe.each(invalid)('an event with %s', (_why, event) => {
  it('is rejected by Rasa’s response schema', () => {
    expect(checkEvent(event).valid).toBe(false);
  });

  it('is rejected by RasaEventSchema', () => {
    expect(RasaEventSchema.safeParse(event).success).toBe(false);
  });
});

describe('slot value', () => {
  it('may be null or any JSON value but must be present', () => {
    for (const value of [null, 0, false, '', [], { a: 1 }]) {
      const e = { event: 'slot', name: 'a', value };
      expect(checkEvent(e).valid).toBe(true);
      expect(RasaEventSchema.safeParse(e).success).toBe(true);
    }
    expect(RasaEventSchema.safeParse({ event: 'slot', name: 'a', value: undefined }).success).toBe(false);
  });
});

describe('response body', () => {
  const entry = { text: 'Hi', buttons: [], elements: [], custom: {}, template: null, response: null, image: null, attachment: null };

  it('accepts the shape rasa_sdk sends and an empty object', () => {
    expect(checkResponse({ events: Object.values(examples), responses: [entry] }).errors).toEqual([]);
    expect(checkResponse({}).valid).toBe(true);
  });

  it('fails as a whole when one event is bad', () => {
    const body = { events: [examples.slot, { event: 'user', text: 'x', parse_data: null }], responses: [] };
    expect(checkResponse(body).valid).toBe(false);
  });

  it('refuses a non-object top level and non-array events', () => {
    expect(checkResponse(null).valid).toBe(false);
    expect(checkResponse([]).valid).toBe(false);
    expect(checkResponse({ events: examples.slot }).valid).toBe(false);
    expect(checkResponse({ responses: [entry, 'text'] }).valid).toBe(false);
  });
});
