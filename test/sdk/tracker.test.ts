import type { TrackerEvent } from '../../src/protocol/events';
import type { TrackerState } from '../../src/protocol/request';
import { Tracker } from '../../src/sdk/tracker';

const tracker = (state: Partial<TrackerState> = {}) => new Tracker({ sender_id: 'u1', ...state });
const action = (name: string, timestamp: number | null = null): TrackerEvent => ({ event: 'action', name, timestamp });
const user = (text: string, input_channel: string | null = null): TrackerEvent => ({ event: 'user', text, input_channel, timestamp: null });
const slot = (name: string, value: unknown): TrackerEvent => ({ event: 'slot', name, value, timestamp: null });
const ev = (event: string): TrackerEvent => ({ event, timestamp: null });
const names = (events: TrackerEvent[]) => events.map((e) => (e.event === 'action' || e.event === 'slot' ? `${e.event}:${String(e.name)}` : e.event === 'user' ? `user:${String(e.text)}` : e.event));

describe('getSlot and currentSlotValues', () => {
  it('returns the value, null for unknown slots, and keeps falsy values', () => {
    const t = tracker({ slots: { city: 'Paris', count: 0, flag: false, empty: null } });
    expect(t.getSlot('city')).toBe('Paris');
    expect(t.getSlot('count')).toBe(0);
    expect(t.getSlot('flag')).toBe(false);
    expect(t.getSlot('empty')).toBeNull();
    expect(t.getSlot('unknown')).toBeNull();
    // Not fooled by keys every object inherits.
    expect(t.getSlot('toString')).toBeNull();
    expect(t.currentSlotValues()).toEqual({ city: 'Paris', count: 0, flag: false, empty: null });
  });

  it('treats null or absent slots as none', () => {
    expect(tracker({ slots: null }).getSlot('a')).toBeNull();
    expect(tracker().currentSlotValues()).toEqual({});
  });
});

describe('latestMessage', () => {
  it('defaults to {} when absent or null', () => {
    expect(tracker().latestMessage).toEqual({});
    expect(tracker({ latest_message: null }).latestMessage).toEqual({});
    expect(tracker().latestText).toBeNull();
    expect(tracker().latestMetadata).toEqual({});
  });

  it('exposes text and metadata', () => {
    const t = tracker({ latest_message: { text: 'hi', metadata: { token: 't' } } });
    expect(t.latestText).toBe('hi');
    expect(t.latestMetadata).toEqual({ token: 't' });
  });
});

describe('getLatestEntityValues', () => {
  const t = tracker({
    latest_message: {
      entities: [
        { entity: 'city', value: 'Paris' },
        { entity: 'city', value: 'Berlin', role: 'from' },
        { entity: 'city', value: 'Rome', role: 'to', group: '1' },
        { entity: 'city', value: 'Oslo', role: null, group: null },
        { entity: 'city', value: 'Lima', group: '1' },
        { entity: 'date', value: 'today' },
      ],
    },
  });

  it('without role or group returns only entities that have neither', () => {
    expect(t.getLatestEntityValues('city')).toEqual(['Paris', 'Oslo']);
  });

  it('matches role and group exactly', () => {
    expect(t.getLatestEntityValues('city', { role: 'from' })).toEqual(['Berlin']);
    expect(t.getLatestEntityValues('city', { role: 'to' })).toEqual([]);
    expect(t.getLatestEntityValues('city', { role: 'to', group: '1' })).toEqual(['Rome']);
    expect(t.getLatestEntityValues('city', { group: '1' })).toEqual(['Lima']);
    expect(t.getLatestEntityValues('date')).toEqual(['today']);
    expect(t.getLatestEntityValues('person')).toEqual([]);
  });

  it('is empty without a latest message or entities', () => {
    expect(tracker().getLatestEntityValues('city')).toEqual([]);
    expect(tracker({ latest_message: { entities: null } }).getLatestEntityValues('city')).toEqual([]);
  });
});

describe('getIntentOfLatestMessage', () => {
  const ranking = (...names: string[]) => tracker({ latest_message: { intent: { name: 'ignored' }, intent_ranking: names.map((name) => ({ name, confidence: 0.5 })) } });

  it('reads the ranking, not the intent field', () => {
    expect(ranking('greet', 'bye').getIntentOfLatestMessage()).toBe('greet');
  });

  it('skips nlu_fallback to the runner-up unless told not to', () => {
    expect(ranking('nlu_fallback', 'greet').getIntentOfLatestMessage()).toBe('greet');
    expect(ranking('nlu_fallback', 'greet').getIntentOfLatestMessage(false)).toBe('nlu_fallback');
    expect(ranking('nlu_fallback').getIntentOfLatestMessage()).toBeNull();
    // Only the top entry is checked for the fallback.
    expect(ranking('greet', 'nlu_fallback').getIntentOfLatestMessage()).toBe('greet');
  });

  it('is null without a message or with an empty ranking', () => {
    expect(tracker().getIntentOfLatestMessage()).toBeNull();
    expect(ranking().getIntentOfLatestMessage()).toBeNull();
    expect(tracker({ latest_message: { intent: { name: 'greet' } } }).getIntentOfLatestMessage()).toBeNull();
  });
});

describe('restarts', () => {
  it('finds the events after the latest restart', () => {
    const events = [user('a'), ev('restart'), user('b'), ev('restart'), action('action_session_start'), user('c')];
    const t = tracker({ events });
    expect(t.idxAfterLatestRestart()).toBe(4);
    expect(t.eventsAfterLatestRestart()).toEqual([events[4], events[5]]);
  });

  it('starts at 0 without a restart', () => {
    const t = tracker({ events: [user('a'), action('x')] });
    expect(t.idxAfterLatestRestart()).toBe(0);
    expect(t.eventsAfterLatestRestart()).toHaveLength(2);
    expect(tracker().eventsAfterLatestRestart()).toEqual([]);
  });

  it('is past the end when the restart is the last event', () => {
    const t = tracker({ events: [user('a'), ev('restart')] });
    expect(t.idxAfterLatestRestart()).toBe(2);
    expect(t.eventsAfterLatestRestart()).toEqual([]);
  });
});

describe('activeLoopName', () => {
  it('is null for an absent, empty or unset loop', () => {
    expect(tracker().activeLoopName).toBeNull();
    expect(tracker({ active_loop: {} }).activeLoopName).toBeNull();
    expect(tracker({ active_loop: { name: null } }).activeLoopName).toBeNull();
    expect(tracker({ active_loop: { name: 'should_not_be_set' } }).activeLoopName).toBeNull();
  });

  it('is the loop name, falling back to the deprecated active_form', () => {
    expect(tracker({ active_loop: { name: 'booking_form' } }).activeLoopName).toBe('booking_form');
    expect(tracker({ active_form: { name: 'old_form' } }).activeLoopName).toBe('old_form');
    expect(tracker({ active_loop: { name: 'new_form' }, active_form: { name: 'old_form' } }).activeLoopName).toBe('new_form');
  });
});

describe('slotsToValidate', () => {
  it('takes only the trailing run of slot events, later values winning', () => {
    const t = tracker({ events: [slot('old', 1), user('hi'), slot('a', 1), slot('b', 2), slot('a', 3)] });
    expect(t.slotsToValidate()).toEqual({ a: 3, b: 2 });
  });

  it('is empty when the last event is not a slot', () => {
    expect(tracker({ events: [slot('a', 1), action('x')] }).slotsToValidate()).toEqual({});
    expect(tracker().slotsToValidate()).toEqual({});
  });

  it('keeps null values (a slot being unset)', () => {
    expect(tracker({ events: [user('x'), slot('a', null)] }).slotsToValidate()).toEqual({ a: null });
  });
});

describe('addSlots', () => {
  it('sets the slots and appends the events, so they join the trailing run', () => {
    const t = tracker({ slots: { a: 1 }, events: [user('x'), slot('a', 1)] });
    t.addSlots([{ event: 'slot', name: 'b', value: 2 }]);
    expect(t.getSlot('b')).toBe(2);
    expect(t.slotsToValidate()).toEqual({ a: 1, b: 2 });
  });

  it('does not change the state it was built from', () => {
    const state: TrackerState = { sender_id: 'u', slots: { a: 1 }, events: [] };
    const t = new Tracker(state);
    t.addSlots([{ event: 'slot', name: 'a', value: 2 }]);
    expect(state.slots).toEqual({ a: 1 });
  });
});

describe('appliedEvents', () => {
  it('restart clears everything before it', () => {
    const t = tracker({ events: [user('a'), action('x'), ev('restart'), user('b')] });
    expect(names(t.appliedEvents())).toEqual(['user:b']);
  });

  it('undo removes back to and including the last action', () => {
    const t = tracker({ events: [action('a1'), user('u'), action('a2'), slot('s', 1), ev('undo')] });
    expect(names(t.appliedEvents())).toEqual(['action:a1', 'user:u']);
  });

  it('rewind removes the last user event and the action before it', () => {
    const t = tracker({
      events: [action('action_listen'), user('first'), action('utter_x'), action('action_listen'), user('second'), slot('s', 1), ev('rewind')],
    });
    expect(names(t.appliedEvents())).toEqual(['action:action_listen', 'user:first', 'action:utter_x']);
  });

  it('undo and rewind with nothing to remove empty the list', () => {
    expect(tracker({ events: [user('a'), ev('undo')] }).appliedEvents()).toEqual([]);
    expect(tracker({ events: [action('a'), ev('rewind')] }).appliedEvents()).toEqual([]);
  });

  it('keeps session_started (unlike Rasa, the SDK does not reset on it)', () => {
    const t = tracker({ events: [user('a'), ev('session_started'), user('b')] });
    expect(names(t.appliedEvents())).toEqual(['user:a', 'session_started', 'user:b']);
  });
});

describe('getLastEventFor and lastExecutedActionHas', () => {
  const events = [action('action_a', 1), user('u1'), action('action_b', 2), action('action_listen', 3), user('u2'), slot('action_b', 'v')];

  it('finds the newest applied event of a type', () => {
    expect(tracker({ events }).getLastEventFor('action')).toMatchObject({ name: 'action_listen' });
    expect(tracker({ events }).getLastEventFor('user')).toMatchObject({ text: 'u2' });
    expect(tracker({ events }).getLastEventFor('bot')).toBeNull();
  });

  it('skips excluded action names and `skip` matches', () => {
    const t = tracker({ events });
    expect(t.getLastEventFor('action', { exclude: ['action_listen'] })).toMatchObject({ name: 'action_b' });
    expect(t.getLastEventFor('action', { exclude: ['action_listen'], skip: 1 })).toMatchObject({ name: 'action_a' });
    expect(t.getLastEventFor('action', { exclude: ['action_listen'], skip: 2 })).toBeNull();
    expect(t.getLastEventFor('action', { skip: 1 })).toMatchObject({ name: 'action_b' });
  });

  it('applies `exclude` to actions only', () => {
    expect(tracker({ events }).getLastEventFor('slot', { exclude: ['action_b'] })).toMatchObject({ name: 'action_b', value: 'v' });
  });

  it('looks at applied events only', () => {
    const t = tracker({ events: [...events, ev('undo')] });
    expect(t.getLastEventFor('action')).toMatchObject({ name: 'action_b' });
  });

  it('lastExecutedActionHas ignores action_listen', () => {
    const t = tracker({ events });
    expect(t.lastExecutedActionHas('action_b')).toBe(true);
    expect(t.lastExecutedActionHas('action_listen')).toBe(false);
    expect(t.lastExecutedActionHas('action_a', 1)).toBe(true);
    expect(t.lastExecutedActionHas('action_a')).toBe(false);
    expect(tracker().lastExecutedActionHas('action_a')).toBe(false);
  });
});

describe('state flags', () => {
  it('isPaused reads `paused`', () => {
    expect(tracker({ paused: true }).isPaused()).toBe(true);
    expect(tracker({ paused: false }).isPaused()).toBe(false);
    expect(tracker({ paused: null }).isPaused()).toBe(false);
  });

  it('getLatestInputChannel is the channel of the last user event', () => {
    expect(tracker({ events: [user('a', 'slack'), action('x'), user('b', 'rest'), action('y')] }).getLatestInputChannel()).toBe('rest');
    expect(tracker({ events: [user('a', 'slack'), user('b', null)] }).getLatestInputChannel()).toBeNull();
    expect(tracker({ events: [action('x')] }).getLatestInputChannel()).toBeNull();
  });
});

describe('currentState', () => {
  it('round-trips the fields Rasa sends', () => {
    const state: TrackerState = {
      sender_id: 'u1',
      slots: { a: 1 },
      latest_message: { text: 'hi', intent_ranking: [] },
      events: [user('hi', 'rest'), action('action_x', 17.5)],
      paused: true,
      active_loop: { name: 'f', is_interrupted: false },
      latest_action_name: 'action_x',
      stack: [{ frame: 1 }],
      user_id: 'person-1',
    };
    const out = tracker(state).currentState();
    expect(out).toEqual({
      sender_id: 'u1',
      slots: { a: 1 },
      latest_message: { text: 'hi', intent_ranking: [] },
      latest_event_time: 17.5,
      paused: true,
      events: state.events,
      latest_input_channel: 'rest',
      active_loop: { name: 'f', is_interrupted: false },
      latest_action_name: 'action_x',
      stack: [{ frame: 1 }],
      user_id: 'person-1',
    });
    const again = new Tracker(out);
    expect(again.currentState()).toEqual(out);
  });

  it('has a null latest_event_time without events or timestamps', () => {
    expect(tracker().currentState().latest_event_time).toBeNull();
    expect(tracker({ events: [user('a')] }).currentState().latest_event_time).toBeNull();
  });
});
