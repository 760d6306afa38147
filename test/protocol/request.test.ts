import { TrackerStateSchema, WebhookBodySchema, WebhookEnvelopeSchema } from '../../src/protocol/request';

/** A tracker as newest Rasa's current_state() sends it. */
const rasaTracker = {
  sender_id: 'conv-1',
  slots: { user_name: null, requested_slot: null, session_started_metadata: null },
  latest_message: {
    text: 'hello',
    intent: { name: 'greet', confidence: 0.99 },
    intent_ranking: [{ name: 'greet', confidence: 0.99 }],
    entities: [],
    message_id: 'abc',
    metadata: {},
  },
  latest_event_time: 1732435200.12,
  followup_action: null,
  paused: false,
  stack: [],
  events: [
    { event: 'action', timestamp: 1, name: 'action_session_start', policy: null, confidence: 1, action_text: null, hide_rule_turn: false },
    { event: 'session_started', timestamp: 1 },
    { event: 'user', timestamp: 2, text: 'hello', parse_data: {}, input_channel: 'rest', message_id: 'abc', metadata: {} },
  ],
  latest_input_channel: 'rest',
  active_loop: {},
  latest_action: { action_name: 'action_listen' },
  latest_action_name: 'action_listen',
};

describe('TrackerStateSchema', () => {
  it('accepts what Rasa sends, keeping unknown keys', () => {
    const withExtra = { ...rasaTracker, future_field: { x: 1 } };
    const parsed = TrackerStateSchema.safeParse(withExtra);
    expect(parsed.success).toBe(true);
    expect(parsed.data).toEqual(withExtra);
  });

  it('accepts a minimal tracker and nulls where Rasa may send them', () => {
    expect(TrackerStateSchema.safeParse({ sender_id: 'x' }).success).toBe(true);
    const nulls = { sender_id: 'x', slots: null, latest_message: null, events: null, active_loop: null, paused: null, stack: null };
    expect(TrackerStateSchema.safeParse(nulls).success).toBe(true);
  });

  it('requires a string sender_id, with a readable message', () => {
    const missing = TrackerStateSchema.safeParse({ events: [] });
    expect(missing.success).toBe(false);
    expect(missing.error!.issues[0]).toMatchObject({ path: ['sender_id'], message: 'tracker.sender_id must be a string' });
    expect(TrackerStateSchema.safeParse({ sender_id: 5 }).success).toBe(false);
  });

  it('requires every event to be an object with a string event, pointing at the first bad one', () => {
    for (const bad of [null, 'user', [], { timestamp: 1 }, { event: 3 }]) {
      const parsed = TrackerStateSchema.safeParse({ sender_id: 'x', events: [{ event: 'restart' }, bad] });
      expect(parsed.success).toBe(false);
      expect(parsed.error!.issues[0]).toMatchObject({ path: ['events', 1], message: 'each tracker event must be an object with a string "event"' });
    }
  });

  it('does not look inside events beyond their name', () => {
    const events = [{ event: 'slot' }, { event: 'made_up_event', anything: [1, 2] }, { event: 'user', parse_data: null }];
    expect(TrackerStateSchema.safeParse({ sender_id: 'x', events }).success).toBe(true);
  });

  it('refuses wrongly typed top-level fields', () => {
    for (const bad of [{ slots: [] }, { slots: 'x' }, { paused: 'no' }, { events: {} }, { latest_message: 'hi' }, { active_loop: 'f' }, { latest_event_time: 'now' }]) {
      expect(TrackerStateSchema.safeParse({ sender_id: 'x', ...bad }).success).toBe(false);
    }
  });
});

describe('WebhookEnvelopeSchema', () => {
  it('accepts the fields read before the action is looked up', () => {
    expect(WebhookEnvelopeSchema.safeParse({ next_action: 'action_greet', sender_id: 'x', version: '3.10.0', domain_digest: 'abc' }).success).toBe(true);
    expect(WebhookEnvelopeSchema.safeParse({}).success).toBe(true);
    expect(WebhookEnvelopeSchema.safeParse({ next_action: null, version: null }).success).toBe(true);
  });

  it('refuses a version that is not a string, with a readable message', () => {
    const parsed = WebhookEnvelopeSchema.safeParse({ next_action: 'a', version: 3 });
    expect(parsed.success).toBe(false);
    expect(parsed.error!.issues[0]).toMatchObject({ path: ['version'], message: 'version must be a string' });
  });

  it('refuses a next_action that is an object', () => {
    expect(WebhookEnvelopeSchema.safeParse({ next_action: { name: 'a' } }).success).toBe(false);
  });
});

describe('WebhookBodySchema', () => {
  it('needs a tracker, and a domain that is an object when present', () => {
    expect(WebhookBodySchema.safeParse({ next_action: 'a', tracker: rasaTracker, domain: { intents: ['greet'] } }).success).toBe(true);
    expect(WebhookBodySchema.safeParse({ tracker: rasaTracker, domain: null }).success).toBe(true);
    expect(WebhookBodySchema.safeParse({ tracker: rasaTracker }).success).toBe(true);
    expect(WebhookBodySchema.safeParse({ next_action: 'a' }).success).toBe(false);
    expect(WebhookBodySchema.safeParse({ tracker: rasaTracker, domain: [] }).success).toBe(false);
    expect(WebhookBodySchema.safeParse({ tracker: rasaTracker, domain: 'x' }).success).toBe(false);
  });
});
