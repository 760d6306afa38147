import { RasaEventSchema } from '../../src/protocol/events';
import {
  ActionExecuted,
  ActionExecutionRejected,
  ActionReverted,
  ActiveLoop,
  AgentUttered,
  AllSlotsReset,
  BotUttered,
  ConversationPaused,
  ConversationResumed,
  EntitiesAdded,
  FollowupAction,
  LoopInterrupted,
  ReminderCancelled,
  ReminderScheduled,
  Restarted,
  SessionEnded,
  SessionStarted,
  SlotSet,
  StoryExported,
  UserUttered,
  UserUtteranceReverted,
} from '../../src/sdk/events';
import { checkEvent } from '../fixtures/rasa-response-schema';

const when = new Date(Date.UTC(2026, 10, 24, 8, 30, 0, 250));
const entity = { entity: 'city', value: 'Paris', role: 'destination', group: null };

/** Each constructor call with the exact JSON it must produce (key set and values). */
const cases: [string, unknown, Record<string, unknown>][] = [
  ['SlotSet', SlotSet('a', 1), { event: 'slot', timestamp: null, name: 'a', value: 1 }],
  ['SlotSet without value', SlotSet('a'), { event: 'slot', timestamp: null, name: 'a', value: null }],
  ['SlotSet with timestamp', SlotSet('a', { x: [1] }, { timestamp: 12.5 }), { event: 'slot', timestamp: 12.5, name: 'a', value: { x: [1] } }],
  ['AllSlotsReset', AllSlotsReset(), { event: 'reset_slots', timestamp: null }],
  ['Restarted', Restarted(), { event: 'restart', timestamp: null }],
  ['SessionStarted', SessionStarted(), { event: 'session_started', timestamp: null }],
  ['SessionEnded', SessionEnded(), { event: 'session_ended', timestamp: null, metadata: null }],
  ['SessionEnded with metadata', SessionEnded({ reason: 'idle' }), { event: 'session_ended', timestamp: null, metadata: { reason: 'idle' } }],
  ['UserUtteranceReverted', UserUtteranceReverted(), { event: 'rewind', timestamp: null }],
  ['ActionReverted', ActionReverted(), { event: 'undo', timestamp: null }],
  ['StoryExported', StoryExported(), { event: 'export', timestamp: null }],
  ['ConversationPaused', ConversationPaused(), { event: 'pause', timestamp: null }],
  ['ConversationResumed', ConversationResumed(), { event: 'resume', timestamp: null }],
  ['FollowupAction', FollowupAction('action_next'), { event: 'followup', timestamp: null, name: 'action_next' }],
  [
    'ReminderScheduled',
    ReminderScheduled('EXTERNAL_remind', when),
    { event: 'reminder', timestamp: null, intent: 'EXTERNAL_remind', entities: null, date_time: '2026-11-24T08:30:00.250Z', name: null, kill_on_user_msg: true },
  ],
  [
    'ReminderScheduled with options',
    ReminderScheduled('EXTERNAL_remind', when, { entities: [entity], name: 'r1', killOnUserMessage: false, timestamp: 3 }),
    { event: 'reminder', timestamp: 3, intent: 'EXTERNAL_remind', entities: [entity], date_time: '2026-11-24T08:30:00.250Z', name: 'r1', kill_on_user_msg: false },
  ],
  ['ReminderCancelled (all)', ReminderCancelled(), { event: 'cancel_reminder', timestamp: null, intent: null, entities: null, name: null }],
  [
    'ReminderCancelled by name and intent',
    ReminderCancelled({ name: 'r1', intent: 'EXTERNAL_remind', entities: { city: 'Paris' } }),
    { event: 'cancel_reminder', timestamp: null, intent: 'EXTERNAL_remind', entities: { city: 'Paris' }, name: 'r1' },
  ],
  ['ActionExecuted', ActionExecuted('action_x'), { event: 'action', timestamp: null, name: 'action_x', policy: null, confidence: null }],
  [
    'ActionExecuted with policy',
    ActionExecuted('action_x', { policy: 'RulePolicy', confidence: 0.7 }),
    { event: 'action', timestamp: null, name: 'action_x', policy: 'RulePolicy', confidence: 0.7 },
  ],
  [
    'ActionExecutionRejected',
    ActionExecutionRejected('action_x'),
    { event: 'action_execution_rejected', timestamp: null, name: 'action_x', policy: null, confidence: null },
  ],
  [
    'ActionExecutionRejected with policy',
    ActionExecutionRejected('action_x', { policy: 'TEDPolicy', confidence: 0 }),
    { event: 'action_execution_rejected', timestamp: null, name: 'action_x', policy: 'TEDPolicy', confidence: 0 },
  ],
  [
    'UserUttered',
    UserUttered('hello'),
    {
      event: 'user',
      timestamp: null,
      text: 'hello',
      parse_data: { text: 'hello', intent: { name: '', confidence: 0 }, entities: [] },
      input_channel: null,
    },
  ],
  [
    'UserUttered with parse data and channel',
    UserUttered('to Paris', { parseData: { text: 'to Paris', intent: { name: 'travel', confidence: 1 }, entities: [entity] }, inputChannel: 'rest' }),
    {
      event: 'user',
      timestamp: null,
      text: 'to Paris',
      parse_data: { text: 'to Paris', intent: { name: 'travel', confidence: 1 }, entities: [entity] },
      input_channel: 'rest',
    },
  ],
  ['BotUttered', BotUttered(), { event: 'bot', timestamp: null, text: null, data: null, metadata: null }],
  [
    'BotUttered with data',
    BotUttered('Hi', { data: { buttons: [] }, metadata: { utter_action: 'utter_greet' } }),
    { event: 'bot', timestamp: null, text: 'Hi', data: { buttons: [] }, metadata: { utter_action: 'utter_greet' } },
  ],
  ['AgentUttered', AgentUttered(), { event: 'agent', timestamp: null, text: null, data: null }],
  ['AgentUttered with data', AgentUttered('over to you', { queue: 'l2' }), { event: 'agent', timestamp: null, text: 'over to you', data: { queue: 'l2' } }],
  ['ActiveLoop', ActiveLoop('booking_form'), { event: 'active_loop', timestamp: null, name: 'booking_form' }],
  ['ActiveLoop(null)', ActiveLoop(null), { event: 'active_loop', timestamp: null, name: null }],
  ['LoopInterrupted', LoopInterrupted(true), { event: 'loop_interrupted', timestamp: null, is_interrupted: true }],
  ['LoopInterrupted(false)', LoopInterrupted(false), { event: 'loop_interrupted', timestamp: null, is_interrupted: false }],
  ['EntitiesAdded', EntitiesAdded([entity]), { event: 'entities', timestamp: null, entities: [entity] }],
];

describe.each(cases)('%s', (_label, made, expected) => {
  it('produces the exact rasa_sdk JSON', () => {
    // toStrictEqual: no extra keys and no key left undefined.
    expect(made).toStrictEqual(expected);
    expect(JSON.parse(JSON.stringify(made))).toStrictEqual(expected);
  });

  it('is valid for Rasa’s response schema', () => {
    expect(checkEvent(made).errors).toEqual([]);
  });

  it('is accepted by RasaEventSchema', () => {
    expect(RasaEventSchema.safeParse(made).success).toBe(true);
  });
});

describe('every constructor', () => {
  it('takes a timestamp', () => {
    const o = { timestamp: 42 };
    const made = [
      SlotSet('a', 1, o),
      AllSlotsReset(o),
      Restarted(o),
      SessionStarted(o),
      SessionEnded(null, o),
      UserUtteranceReverted(o),
      ActionReverted(o),
      StoryExported(o),
      ConversationPaused(o),
      ConversationResumed(o),
      FollowupAction('a', o),
      ReminderScheduled('i', when, o),
      ReminderCancelled(o),
      ActionExecuted('a', o),
      ActionExecutionRejected('a', o),
      UserUttered('x', o),
      BotUttered('x', o),
      AgentUttered('x', null, o),
      ActiveLoop(null, o),
      LoopInterrupted(true, o),
      EntitiesAdded([], o),
    ];
    for (const e of made) expect(e.timestamp).toBe(42);
  });
});

describe('UserUttered parse_data', () => {
  it('is an object, because Rasa rejects a user event whose parse_data is null', () => {
    const made = UserUttered(null);
    expect(made.parse_data).toEqual({ text: null, intent: { name: '', confidence: 0 }, entities: [] });
    // What rasa_sdk's helper emits: Rasa's schema refuses it.
    const sdkStyle = { event: 'user', timestamp: null, text: 'hello', parse_data: null, input_channel: null };
    expect(checkEvent(sdkStyle).valid).toBe(false);
    expect(checkEvent(made).valid).toBe(true);
  });
});
