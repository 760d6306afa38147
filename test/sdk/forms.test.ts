import { z } from 'zod';
import type { TrackerEvent } from '../../src/protocol/events';
import { SlotSet } from '../../src/sdk/events';
import {
  SLOT_VALIDATION_ACTION,
  defineFormValidation,
  defineSlotValidation,
  globalSlots,
  zodValidator,
  type ValidatorContext,
} from '../../src/sdk/forms';
import { buildTracker, formDomain, runAction } from '../../src/sdk/testkit';

const slotEvent = (name: string, value: unknown) => SlotSet(name, value) as TrackerEvent;

describe('defineFormValidation', () => {
  it('is named validate_<form> and lists the slots it handles', () => {
    const a = defineFormValidation({ form: 'booking_form', extract: { city: () => ({}) }, validate: { city: (v) => ({ city: v }), nights: (v) => ({ nights: v }) } });
    expect(a).toMatchObject({ name: 'validate_booking_form', kind: 'form_validation', slotNames: ['city', 'nights'] });
  });

  it('reproduces the SDK example: valid value normalized, invalid one set to null', async () => {
    const a = defineFormValidation({
      form: 'some_form',
      validate: {
        slot1: (value) => ({ slot1: value === 'correct_value' ? 'validated_value' : null }),
        slot2: (value) => ({ slot2: value === 'correct_value' ? 'validated_value' : null }),
      },
    });
    const tracker = buildTracker({ events: [slotEvent('slot1', 'correct_value'), slotEvent('slot2', 'incorrect_value')] });
    const out = await runAction(a, { tracker, domain: formDomain('some_form', ['slot1', 'slot2']) });
    expect(out.events).toEqual([SlotSet('slot1', 'validated_value'), SlotSet('slot2', null)]);
  });

  it('takes the required slots from domain.forms[form].required_slots', async () => {
    const validate = jest.fn((value: unknown, ctx: ValidatorContext) => ({ [ctx.slot]: value }));
    const a = defineFormValidation({ form: 'f', validate: { a: validate, b: validate } });
    const out = await runAction(a, { extracted: { a: 1, b: 2 }, domain: formDomain('f', ['a']) });
    expect(out.events).toEqual([SlotSet('a', 1)]);
    expect(validate).toHaveBeenCalledTimes(1);
    expect(validate.mock.calls[0]![1]).toMatchObject({ slot: 'a', domainSlots: ['a'] });
  });

  it('reads Rasa 2.x required_slots given as a mapping', async () => {
    const a = defineFormValidation({ form: 'f', validate: { a: () => ({ a: 'ok' }) } });
    const out = await runAction(a, { extracted: { a: 1 }, domain: { forms: { f: { required_slots: { a: [{ type: 'from_text' }] } } } } });
    expect(out.events).toEqual([SlotSet('a', 'ok')]);
  });

  it('validates nothing when the domain does not declare the form', async () => {
    const validate = jest.fn(() => ({ a: 'x' }));
    const a = defineFormValidation({ form: 'f', validate: { a: validate } });
    expect((await runAction(a, { extracted: { a: 1 }, domain: formDomain('other_form', ['a']) })).events).toEqual([]);
    expect((await runAction(a, { extracted: { a: 1 }, domain: null })).events).toEqual([]);
    expect(validate).not.toHaveBeenCalled();
  });

  it('validates only the trailing slot events, and returns required candidates without a validator unchanged', async () => {
    const seen: unknown[] = [];
    const a = defineFormValidation({ form: 'f', validate: { a: (v) => (seen.push(v), { a: v }) } });
    const tracker = buildTracker({ events: [slotEvent('a', 'old'), { event: 'action', name: 'action_listen', timestamp: null }, slotEvent('b', 'B'), slotEvent('c', 'C')] });
    const out = await runAction(a, { tracker, domain: formDomain('f', ['a', 'b']) });
    expect(seen).toEqual([]);
    // b is required but has no validator: kept; c is not required: dropped.
    expect(out.events).toEqual([SlotSet('b', 'B')]);
  });

  it('sends the validator’s message and rejects the value (zodValidator)', async () => {
    const a = defineFormValidation({
      form: 'f',
      validate: { nights: zodValidator(z.coerce.number().int().min(1).max(30), 'Please give 1 to 30 nights.') },
    });
    const ok = await runAction(a, { extracted: { nights: '3' }, domain: formDomain('f', ['nights']) });
    expect(ok.events).toEqual([SlotSet('nights', 3)]);
    expect(ok.texts).toEqual([]);
    const bad = await runAction(a, { extracted: { nights: '90' }, domain: formDomain('f', ['nights']) });
    expect(bad.events).toEqual([SlotSet('nights', null)]);
    expect(bad.texts).toEqual(['Please give 1 to 30 nights.']);
  });

  it('zodValidator can build its message from the error', async () => {
    const a = defineFormValidation({ form: 'f', validate: { code: zodValidator(z.string().length(4), (e) => `bad code: ${e.issues.length} issue(s)`) } });
    const out = await runAction(a, { extracted: { code: 'abc' }, domain: formDomain('f', ['code']) });
    expect(out.texts).toEqual(['bad code: 1 issue(s)']);
  });

  it('keeps the candidate when a validator returns something other than an object', async () => {
    const returns: unknown[] = [undefined, null, 'x', 5, ['a'], true];
    for (const r of returns) {
      const a = defineFormValidation({ form: 'f', validate: { a: () => r as undefined } });
      const out = await runAction(a, { extracted: { a: 'kept' }, domain: formDomain('f', ['a']) });
      expect(out.events).toEqual([SlotSet('a', 'kept')]);
    }
  });

  it('accepts sync and async validators and extractors', async () => {
    const a = defineFormValidation({
      form: 'f',
      extract: { b: async () => ({ b: 'from-async-extractor' }) },
      validate: {
        a: (v) => ({ a: `${String(v)}-sync` }),
        b: async (v) => {
          await new Promise((resolve) => setImmediate(resolve));
          return { b: `${String(v)}-async` };
        },
      },
    });
    const out = await runAction(a, { extracted: { a: 'x' }, domain: formDomain('f', ['a', 'b']) });
    expect(out.slotsSet).toEqual({ a: 'x-sync', b: 'from-async-extractor-async' });
  });

  describe('extractors', () => {
    it('run before validators, their output is visible to later extractors and is validated', async () => {
      const order: string[] = [];
      const a = defineFormValidation({
        form: 'trip_form',
        extract: {
          origin: ({ tracker }) => {
            order.push('extract_origin');
            return { origin: tracker.latestText?.split(' to ')[0] };
          },
          destination: ({ tracker }) => {
            order.push('extract_destination');
            // Sees the origin extracted just before.
            return { destination: tracker.getSlot('origin') === 'Paris' ? 'Rome' : null };
          },
        },
        validate: {
          origin: (v) => (order.push('validate_origin'), { origin: String(v).toUpperCase() }),
          destination: (v) => (order.push('validate_destination'), { destination: `${String(v)}!` }),
        },
      });
      const out = await runAction(a, { text: 'Paris to Rome', domain: formDomain('trip_form', ['origin', 'destination']) });
      expect(order).toEqual(['extract_origin', 'extract_destination', 'validate_origin', 'validate_destination']);
      expect(out.events).toEqual([SlotSet('origin', 'PARIS'), SlotSet('destination', 'Rome!')]);
    });

    it('are returned even without a validator, and only run for required slots', async () => {
      const notRequired = jest.fn(() => ({ other: 'x' }));
      const a = defineFormValidation({ form: 'f', extract: { a: () => ({ a: 'A' }), other: notRequired } });
      const out = await runAction(a, { text: 'hi', domain: formDomain('f', ['a']) });
      expect(out.events).toEqual([SlotSet('a', 'A')]);
      expect(notRequired).not.toHaveBeenCalled();
    });

    it('may set slots that are not required, which are then dropped', async () => {
      const a = defineFormValidation({ form: 'f', extract: { a: () => ({ a: 'A', scratch: 1 }) } });
      const out = await runAction(a, { text: 'hi', domain: formDomain('f', ['a']) });
      expect(out.events).toEqual([SlotSet('a', 'A')]);
    });

    it('returning a non-object sets nothing', async () => {
      const a = defineFormValidation({ form: 'f', extract: { a: () => undefined, b: () => null } });
      expect((await runAction(a, { text: 'hi', domain: formDomain('f', ['a', 'b']) })).events).toEqual([]);
    });

    it('are found for dashed slot names under the underscored name', async () => {
      const a = defineFormValidation({
        form: 'f',
        extract: { first_name: () => ({ 'first-name': 'ada' }) },
        validate: { first_name: (v) => ({ 'first-name': String(v).toUpperCase() }) },
      });
      const out = await runAction(a, { text: 'ada', domain: formDomain('f', ['first-name']) });
      expect(out.events).toEqual([SlotSet('first-name', 'ADA')]);
    });
  });

  describe('a validator setting other slots', () => {
    it('wins over that slot’s unvalidated candidate, and new keys come after the candidates', async () => {
      const a = defineFormValidation({ form: 'f', validate: { a: () => ({ extra: 1, a: 'A', b: 'from-a' }) } });
      const out = await runAction(a, { extracted: { a: 'x', b: 'y' }, domain: formDomain('f', ['a', 'b']) });
      expect(out.events).toEqual([SlotSet('a', 'A'), SlotSet('b', 'from-a'), SlotSet('extra', 1)]);
    });

    it('makes the change visible to later validators through the tracker', async () => {
      let seenA: unknown;
      const a = defineFormValidation({
        form: 'f',
        validate: {
          a: () => ({ a: 'A' }),
          b: (v, { tracker }) => {
            seenA = tracker.getSlot('a');
            return { b: v };
          },
        },
      });
      await runAction(a, { extracted: { a: 'x', b: 'y' }, domain: formDomain('f', ['a', 'b']) });
      expect(seenA).toBe('A');
    });
  });

  describe('required slots changed at run time', () => {
    // A form that needs `dish` only for people who said they are vegetarian.
    const food = (extra: Partial<Parameters<typeof defineFormValidation>[0]> = {}) =>
      defineFormValidation({
        form: 'food_form',
        requiredSlots: (domainSlots, { tracker }) => (tracker.getSlot('vegetarian') === true ? [...domainSlots, 'dish'] : domainSlots.filter((s) => s !== 'cuisine')),
        ...extra,
      });
    const domain = formDomain('food_form', ['vegetarian', 'cuisine']);

    it('appends requested_slot with the first unfilled required slot', async () => {
      const out = await runAction(food(), { slots: { cuisine: 'thai' }, extracted: { vegetarian: true }, domain });
      expect(out.events).toEqual([SlotSet('vegetarian', true), SlotSet('requested_slot', 'dish')]);
    });

    it('sets requested_slot to null when every required slot is filled', async () => {
      const out = await runAction(food(), { slots: { cuisine: 'thai', dish: 'curry' }, extracted: { vegetarian: true }, domain });
      expect(out.events).toEqual([SlotSet('vegetarian', true), SlotSet('requested_slot', null)]);
      // A removed slot no longer has to be filled.
      const out2 = await runAction(food(), { slots: { cuisine: null }, extracted: { vegetarian: false }, domain });
      expect(out2.events).toEqual([SlotSet('vegetarian', false), SlotSet('requested_slot', null)]);
    });

    it('counts a slot just rejected by its validator as unfilled', async () => {
      const action = food({ validate: { dish: (v) => ({ dish: v === 'steak' ? null : v }) } });
      const out = await runAction(action, { slots: { vegetarian: true, cuisine: 'thai' }, extracted: { dish: 'steak' }, domain });
      expect(out.events).toEqual([SlotSet('dish', null), SlotSet('requested_slot', 'dish')]);
    });

    it('counts a slot given only by the trailing events (no validator) as filled', async () => {
      const tracker = buildTracker({ slots: { vegetarian: true, cuisine: 'thai' }, events: [slotEvent('dish', 'curry')] });
      const out = await runAction(food(), { tracker, domain });
      expect(out.events).toEqual([SlotSet('dish', 'curry'), SlotSet('requested_slot', null)]);
    });

    it('adds no requested_slot when requiredSlots returns exactly the domain slots', async () => {
      const same = defineFormValidation({ form: 'food_form', requiredSlots: (domainSlots) => [...domainSlots] });
      const out = await runAction(same, { extracted: { vegetarian: true }, domain });
      expect(out.events).toEqual([SlotSet('vegetarian', true)]);
      const none = defineFormValidation({ form: 'food_form' });
      expect((await runAction(none, { extracted: { vegetarian: true }, domain })).events).toEqual([SlotSet('vegetarian', true)]);
    });

    it('adds requested_slot when only the order differs', async () => {
      const reordered = defineFormValidation({ form: 'food_form', requiredSlots: (d) => [...d].reverse() });
      const out = await runAction(reordered, { extracted: { vegetarian: true }, domain });
      expect(out.events).toEqual([SlotSet('vegetarian', true), SlotSet('requested_slot', 'cuisine')]);
    });

    it('validates slots the override adds, and skips slots it removes', async () => {
      const validated: string[] = [];
      const action = food({
        validate: {
          dish: (v) => (validated.push('dish'), { dish: v }),
          cuisine: (v) => (validated.push('cuisine'), { cuisine: v }),
        },
      });
      const out = await runAction(action, { extracted: { vegetarian: false, cuisine: 'thai', dish: 'x' }, domain });
      expect(validated).toEqual([]);
      expect(out.events).toEqual([SlotSet('vegetarian', false), SlotSet('requested_slot', null)]);
    });

    it('accepts an async override', async () => {
      const action = defineFormValidation({ form: 'food_form', requiredSlots: async () => ['cuisine'] });
      const out = await runAction(action, { extracted: { vegetarian: true }, domain });
      expect(out.events).toEqual([SlotSet('requested_slot', 'cuisine')]);
    });
  });
});

describe('globalSlots', () => {
  it('lists slots without a mapping conditioned on an active loop', () => {
    const domain = {
      slots: {
        user_name: { type: 'text', mappings: [{ type: 'from_entity', entity: 'name' }] },
        no_mappings: { type: 'any' },
        intent_conditioned: { type: 'text', mappings: [{ type: 'from_text', conditions: [{ requested_slot: 'x' }] }] },
        null_loop: { type: 'text', mappings: [{ type: 'from_text', conditions: [{ active_loop: null }] }] },
        form_slot: { type: 'text', mappings: [{ type: 'from_text', conditions: [{ active_loop: 'booking_form', requested_slot: 'form_slot' }] }] },
        mixed: { type: 'text', mappings: [{ type: 'from_entity', entity: 'x' }, { type: 'from_text', conditions: [{ active_loop: 'f' }] }] },
      },
    };
    expect(globalSlots(domain)).toEqual(['user_name', 'no_mappings', 'intent_conditioned', 'null_loop']);
  });

  it('is empty without slots', () => {
    expect(globalSlots(null)).toEqual([]);
    expect(globalSlots({})).toEqual([]);
    expect(globalSlots({ slots: [] })).toEqual([]);
  });
});

describe('defineSlotValidation', () => {
  const domain = {
    slots: {
      user_name: { type: 'text', mappings: [{ type: 'from_text' }] },
      city: { type: 'text', mappings: [{ type: 'from_text', conditions: [{ active_loop: 'trip_form' }] }] },
    },
  };

  it('is action_validate_slot_mappings and validates global slots only', async () => {
    const a = defineSlotValidation({
      validate: { user_name: (v) => ({ user_name: String(v).trim() }), city: () => ({ city: 'never' }) },
    });
    expect(a).toMatchObject({ name: SLOT_VALIDATION_ACTION, kind: 'slot_validation', slotNames: ['user_name', 'city'] });
    expect(SLOT_VALIDATION_ACTION).toBe('action_validate_slot_mappings');
    const out = await runAction(a, { extracted: { user_name: '  ada ', city: 'Rome' }, domain });
    expect(out.events).toEqual([SlotSet('user_name', 'ada')]);
  });

  it('runs extractors for global slots and never adds requested_slot', async () => {
    const a = defineSlotValidation({
      extract: { user_name: ({ tracker }) => ({ user_name: tracker.latestText }), city: () => ({ city: 'never' }) },
      requiredSlots: () => ['user_name'],
    });
    const out = await runAction(a, { text: 'Ada', domain });
    expect(out.events).toEqual([SlotSet('user_name', 'Ada')]);
  });
});
