import type { RasaEvent } from '../../src/protocol/events';
import type { Action, ActionServices } from '../../src/sdk/action';
import { defineAction } from '../../src/sdk/action';
import { ActionNotFound } from '../../src/errors';
import { FollowupAction, SlotSet } from '../../src/sdk/events';
import { Executor } from '../../src/sdk/executor';
import { ActionRegistry, DuplicateActionError } from '../../src/sdk/registry';
import { buildTracker } from '../../src/sdk/testkit';

/** An action returning whatever it is given, bypassing the types as a careless JS action could. */
const returning = (name: string, value: unknown): Action => ({
  name,
  kind: 'action',
  slotNames: [],
  run: async () => value as RasaEvent[],
});

describe('Executor', () => {
  it('looks actions up and throws ActionNotFound for unknown names', () => {
    const a = returning('action_a', []);
    const executor = new Executor(new ActionRegistry().register(a));
    expect(executor.lookup('action_a')).toBe(a);
    expect(() => executor.lookup('action_nope')).toThrow(ActionNotFound);
    expect(() => executor.lookup('action_nope')).toThrow("No registered action found for name 'action_nope'.");
  });

  it('returns the events and the dispatched responses', async () => {
    const a = defineAction({
      name: 'action_a',
      run({ dispatcher, tracker }) {
        dispatcher.utterMessage(`hi ${String(tracker.getSlot('name'))}`);
        return [SlotSet('seen', true), FollowupAction('action_b')];
      },
    });
    const executor = new Executor(new ActionRegistry().register(a));
    const out = await executor.execute(a, { tracker: buildTracker({ slots: { name: 'Ada' } }), domain: null });
    expect(out.events).toEqual([SlotSet('seen', true), FollowupAction('action_b')]);
    expect(out.responses.map((r) => r.text)).toEqual(['hi Ada']);
    expect(out.dropped).toBe(0);
  });

  it('drops returned values that are not event objects and counts them', async () => {
    const good = SlotSet('a', 1);
    const a = returning('action_sloppy', [null, good, 'slot', 5, undefined, [good], { name: 'a' }, { event: '' }, { event: 3 }, FollowupAction('x')]);
    const out = await new Executor(new ActionRegistry().register(a)).execute(a, { tracker: buildTracker(), domain: null });
    expect(out.events).toEqual([good, FollowupAction('x')]);
    expect(out.dropped).toBe(8);
  });

  it('treats a non-array return as no events', async () => {
    for (const value of [undefined, null, 'x', { event: 'slot', name: 'a', value: 1 }]) {
      const a = returning('action_odd', value);
      const out = await new Executor(new ActionRegistry().register(a)).execute(a, { tracker: buildTracker(), domain: null });
      expect(out).toEqual({ events: [], responses: [], dropped: 0 });
    }
  });

  it('hands the action its services, the domain and the abort signal', async () => {
    let seen: unknown;
    const a: Action = {
      name: 'action_probe',
      kind: 'action',
      slotNames: [],
      async run(call) {
        seen = { services: call.services, domain: call.domain, signal: call.signal, sender: call.tracker.senderId };
        return [];
      },
    };
    const services: ActionServices = {};
    const signal = new AbortController().signal;
    await new Executor(new ActionRegistry().register(a), services).execute(a, { tracker: buildTracker({ senderId: 's1' }), domain: { intents: [] }, signal });
    expect(seen).toEqual({ services, domain: { intents: [] }, signal, sender: 's1' });
    expect((seen as { services: unknown }).services).toBe(services);
  });
});

describe('ActionRegistry', () => {
  it('keeps actions by name in registration order', () => {
    const a = returning('b_action', []);
    const b = returning('a_action', []);
    const r = new ActionRegistry().register(a).register(b);
    expect(r.list()).toEqual([a, b]);
    expect(r.size).toBe(2);
    expect(r.has('a_action')).toBe(true);
    expect(r.get('b_action')).toBe(a);
    expect(r.get('nope')).toBeUndefined();
    expect(r.has('toString')).toBe(false);
  });

  it('refuses a second action with the same name, naming both sources', () => {
    const r = new ActionRegistry().register(returning('action_a', []), 'actions/one.ts');
    const register = () => r.register(returning('action_a', []), 'actions/two.ts');
    expect(register).toThrow(DuplicateActionError);
    expect(register).toThrow(/action_a.*actions\/one\.ts.*actions\/two\.ts/);
  });
});
