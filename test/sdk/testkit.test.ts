import { TrackerStateSchema } from '../../src/protocol/request';
import { defineAction } from '../../src/sdk/action';
import type { RasaEvent } from '../../src/protocol/events';
import { SessionEnded, SlotSet } from '../../src/sdk/events';
import { Tracker } from '../../src/sdk/tracker';
import { buildTracker, formDomain, runAction } from '../../src/sdk/testkit';

describe('buildTracker', () => {
  it('builds an empty conversation by default', () => {
    const state = buildTracker();
    expect(state).toEqual({
      sender_id: 'test-user',
      slots: {},
      latest_message: null,
      events: [],
      paused: false,
      followup_action: null,
      active_loop: {},
      latest_action_name: null,
      latest_input_channel: null,
    });
    expect(TrackerStateSchema.safeParse(state).success).toBe(true);
  });

  it('adds the latest message as action_listen + user events after the given events', () => {
    const entities = [{ entity: 'city', value: 'Paris' }];
    const earlier = [{ event: 'bot', text: 'Where to?', timestamp: null }];
    const state = buildTracker({ text: 'to Paris', intent: 'travel', entities, metadata: { token: 't' }, events: earlier });
    const latest = { text: 'to Paris', intent: { name: 'travel', confidence: 1 }, intent_ranking: [{ name: 'travel', confidence: 1 }], entities, metadata: { token: 't' } };
    expect(state.latest_message).toEqual(latest);
    expect(state.events).toEqual([
      earlier[0],
      { event: 'action', name: 'action_listen', timestamp: null },
      { event: 'user', text: 'to Paris', parse_data: latest, input_channel: 'test', timestamp: null },
    ]);
    expect(state.latest_action_name).toBe('action_listen');
    expect(state.latest_input_channel).toBe('test');
    expect(TrackerStateSchema.safeParse(state).success).toBe(true);

    const t = new Tracker(state);
    expect(t.getIntentOfLatestMessage()).toBe('travel');
    expect(t.getLatestEntityValues('city')).toEqual(['Paris']);
    expect(t.latestMetadata).toEqual({ token: 't' });
    expect(t.getLatestInputChannel()).toBe('test');
  });

  it('appends extracted values as trailing slot events and sets them', () => {
    const state = buildTracker({ slots: { a: 1, b: 'old' }, text: 'hi', extracted: { b: 'new', c: 3 } });
    expect(state.slots).toEqual({ a: 1, b: 'new', c: 3 });
    expect(state.events!.slice(-2)).toEqual([SlotSet('b', 'new'), SlotSet('c', 3)]);
    expect(new Tracker(state).slotsToValidate()).toEqual({ b: 'new', c: 3 });
  });

  it('sets the active loop, requested slot, sender, paused flag and latest action', () => {
    const state = buildTracker({ senderId: 'ada', activeLoop: 'trip_form', requestedSlot: 'city', paused: true, latestActionName: 'trip_form' });
    expect(state).toMatchObject({
      sender_id: 'ada',
      slots: { requested_slot: 'city' },
      active_loop: { name: 'trip_form', is_interrupted: false, rejected: false },
      paused: true,
      latest_action_name: 'trip_form',
    });
    const t = new Tracker(state);
    expect(t.activeLoopName).toBe('trip_form');
    expect(t.getSlot('requested_slot')).toBe('city');
    expect(t.isPaused()).toBe(true);
    expect(buildTracker({ requestedSlot: null }).slots).toEqual({ requested_slot: null });
  });
});

describe('runAction', () => {
  const echo = defineAction({
    name: 'action_echo',
    run({ tracker, dispatcher }) {
      dispatcher.utterMessage(`you said ${String(tracker.latestText)}`);
      dispatcher.utterMessage({ response: 'utter_more' });
      return [SlotSet('a', 1), SlotSet('b', 2), SlotSet('a', 3), { event: 'followup', timestamp: null, name: 'action_x' }];
    },
  });

  it('returns events, responses, texts and the slots set (later events winning)', async () => {
    const out = await runAction(echo, { text: 'hello' });
    expect(out.events).toHaveLength(4);
    expect(out.texts).toEqual(['you said hello', null]);
    expect(out.responses[1]).toMatchObject({ response: 'utter_more' });
    expect(out.slotsSet).toEqual({ a: 3, b: 2 });
  });

  it('uses a given tracker state instead of building one', async () => {
    const out = await runAction(echo, { tracker: { sender_id: 'x', latest_message: { text: 'from state' } }, text: 'ignored' });
    expect(out.texts[0]).toBe('you said from state');
  });

  it('passes the domain (null by default)', async () => {
    const domains: unknown[] = [];
    const probe = defineAction({ name: 'action_probe', run: ({ domain }) => void domains.push(domain) });
    await runAction(probe);
    await runAction(probe, { domain: { responses: {} } });
    expect(domains).toEqual([null, { responses: {} }]);
  });
});

describe('formDomain', () => {
  it('declares one form with its required slots, keeping other domain keys', () => {
    expect(formDomain('trip_form', ['origin', 'destination'])).toEqual({ forms: { trip_form: { required_slots: ['origin', 'destination'] } } });
    expect(formDomain('f', ['a'], { responses: { utter_ask_a: [] } })).toEqual({ responses: { utter_ask_a: [] }, forms: { f: { required_slots: ['a'] } } });
  });
});

describe('runAction refuses events the assistant’s Rasa would reject', () => {
  const ending = defineAction({ name: 'action_end', run: () => [SlotSet('done', true), SessionEnded()] });

  it('session_ended under Rasa 3.6: the run fails, naming the event and the first Rasa that accepts it', async () => {
    await expect(runAction(ending, { rasaVersion: '3.6.21' })).rejects.toThrow(
      "action 'action_end' returned events Rasa 3.6.21 rejects: session_ended (accepted from Rasa 3.16.0)",
    );
  });

  it('the same action passes for Rasa 3.16, and by default (the newest Rasa)', async () => {
    expect((await runAction(ending, { rasaVersion: '3.16.0' })).events.map((e) => e.event)).toEqual(['slot', 'session_ended']);
    expect((await runAction(ending)).events).toHaveLength(2);
  });

  it('an event type no Rasa knows fails even without a version', async () => {
    const odd = defineAction({ name: 'action_odd', run: () => [{ event: 'slot_sett', timestamp: null } as unknown as RasaEvent] });
    await expect(runAction(odd)).rejects.toThrow('slot_sett (no Rasa version accepts it)');
  });

  it('a version that is not one is a mistake in the test', async () => {
    await expect(runAction(ending, { rasaVersion: 'three' })).rejects.toThrow("rasaVersion 'three' is not a Rasa version");
  });
});
