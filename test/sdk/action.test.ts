import { z } from 'zod';
import type { RasaEvent } from '../../src/protocol/events';
import { defineAction, type ActionCall, type SlotProblem } from '../../src/sdk/action';
import { Dispatcher } from '../../src/sdk/dispatcher';
import { ActionExecutionRejection } from '../../src/errors';
import { SlotSet } from '../../src/sdk/events';
import { Tracker } from '../../src/sdk/tracker';
import { runAction } from '../../src/sdk/testkit';

const callWith = (slots: Record<string, unknown>, domain: ActionCall['domain'] = null): ActionCall => ({
  tracker: new Tracker({ sender_id: 'u1', slots, events: [] }),
  dispatcher: new Dispatcher(),
  domain,
  services: {},
});

const booking = z.object({
  city: z.string().min(2).describe('the city you travel to'),
  nights: z.coerce.number().int().positive().describe('the number of nights'),
  breakfast: z.enum(['yes', 'no']).optional().transform((v) => v === 'yes'),
});

describe('defineAction', () => {
  it('builds an action of kind "action" listing its slot names', () => {
    const a = defineAction({ name: 'action_book', slots: booking, run: () => [] });
    expect(a).toMatchObject({ name: 'action_book', kind: 'action', slotNames: ['city', 'nights', 'breakfast'] });
    expect(defineAction({ name: 'action_plain', run: () => [] }).slotNames).toEqual([]);
  });

  it('hands run the slots parsed and typed, with transforms applied', async () => {
    let seen: unknown;
    const a = defineAction({
      name: 'action_book',
      slots: booking,
      run({ slots }) {
        seen = slots;
        const nights: number = slots.nights;
        return [SlotSet('total_nights', nights * 2)];
      },
    });
    const out = await runAction(a, { slots: { city: 'Paris', nights: '3', breakfast: 'yes', unrelated: 'x' } });
    expect(seen).toEqual({ city: 'Paris', nights: 3, breakfast: true });
    expect(out.events).toEqual([SlotSet('total_nights', 6)]);
  });

  it('treats null slots as missing, so optional slots may be unset', async () => {
    let seen: unknown;
    const a = defineAction({
      name: 'action_book',
      slots: z.object({ city: z.string(), note: z.string().optional() }),
      run({ slots }) {
        seen = slots;
      },
    });
    const out = await runAction(a, { slots: { city: 'Rome', note: null } });
    expect(seen).toEqual({ city: 'Rome' });
    expect(out.events).toEqual([]);
  });

  it('gives run the call, the sender id and an empty slots object without a schema', async () => {
    let seen: { slots: unknown; senderId: string; hasTracker: boolean } | undefined;
    const a = defineAction({
      name: 'action_plain',
      run(ctx) {
        seen = { slots: ctx.slots, senderId: ctx.senderId, hasTracker: ctx.tracker instanceof Tracker };
        ctx.dispatcher.utterMessage('ok');
      },
    });
    const out = await runAction(a, { senderId: 'alice' });
    expect(seen).toEqual({ slots: {}, senderId: 'alice', hasTracker: true });
    expect(out.texts).toEqual(['ok']);
  });

  it('supports async run', async () => {
    const a = defineAction({ name: 'action_async', run: async () => [SlotSet('done', true)] });
    expect((await runAction(a)).events).toEqual([SlotSet('done', true)]);
  });

  describe('a missing required slot', () => {
    const run = jest.fn();
    const a = defineAction({ name: 'action_book', slots: booking, run });

    it('does not reach run and asks for it with the schema description', async () => {
      const out = await runAction(a, { slots: { city: 'Paris', nights: null } });
      expect(run).not.toHaveBeenCalled();
      expect(out.events).toEqual([]);
      expect(out.texts).toHaveLength(1);
      expect(out.texts[0]).toContain('the number of nights');
    });

    it('dispatches utter_ask_<slot> when the domain has it', async () => {
      const domain = { responses: { utter_ask_nights: [{ text: 'How many nights?' }] } };
      const out = await runAction(a, { slots: { city: 'Paris' }, domain });
      expect(run).not.toHaveBeenCalled();
      expect(out.responses).toHaveLength(1);
      expect(out.responses[0]).toMatchObject({ text: null, response: 'utter_ask_nights', template: 'utter_ask_nights' });
    });

    it('asks for the first missing slot only', async () => {
      const out = await runAction(a, { slots: {} });
      expect(out.texts).toHaveLength(1);
      expect(out.texts[0]).toContain('the city you travel to');
    });

    it('falls back to the slot name, spaced out, without a description', async () => {
      const b = defineAction({ name: 'action_x', slots: z.object({ order_id: z.string() }), run });
      const out = await runAction(b);
      expect(out.texts[0]).toContain('order id');
    });
  });

  describe('an invalid slot', () => {
    it('is answered with a message naming it, not passed to run', async () => {
      const run = jest.fn();
      const a = defineAction({ name: 'action_book', slots: booking, run });
      const out = await runAction(a, { slots: { city: 'P', nights: 2 } });
      expect(run).not.toHaveBeenCalled();
      expect(out.texts).toHaveLength(1);
      expect(out.texts[0]).toContain('the city you travel to');
      expect(out.texts[0]).not.toContain('I still need');
    });

    it('is not asked for with utter_ask_<slot> (the user gave a value)', async () => {
      const a = defineAction({ name: 'action_book', slots: booking, run: () => [] });
      const domain = { responses: { utter_ask_nights: [{ text: 'How many nights?' }] } };
      const out = await runAction(a, { slots: { city: 'Paris', nights: -1 }, domain });
      expect(out.responses[0]?.response).toBeNull();
      expect(out.texts[0]).toContain('the number of nights');
    });

    it('keeps a description set before .optional()', async () => {
      const a = defineAction({ name: 'action_x', slots: z.object({ email: z.email().describe('your e-mail address').optional() }), run: () => [] });
      const out = await runAction(a, { slots: { email: 'nope' } });
      expect(out.texts[0]).toContain('your e-mail address');
    });
  });

  it('lets onInvalidSlots answer instead, with every problem', async () => {
    let problems: SlotProblem[] = [];
    const a = defineAction({
      name: 'action_book',
      slots: booking,
      run: () => [],
      onInvalidSlots(p, call) {
        problems = p;
        call.dispatcher.utterMessage({ response: 'utter_cannot_book' });
        return [SlotSet('city', null)];
      },
    });
    const out = await runAction(a, { slots: { city: 'P' } });
    expect(problems).toEqual([
      expect.objectContaining({ slot: 'city', missing: false, description: 'the city you travel to' }),
      expect.objectContaining({ slot: 'nights', missing: true, description: 'the number of nights' }),
    ]);
    expect(problems[0]!.message).toEqual(expect.any(String));
    expect(out.events).toEqual([SlotSet('city', null)]);
    expect(out.responses.map((r) => r.response)).toEqual(['utter_cannot_book']);
  });

  it('an onInvalidSlots returning nothing yields no events', async () => {
    const a = defineAction({ name: 'action_book', slots: booking, run: () => [], onInvalidSlots: () => undefined });
    expect(await a.run(callWith({}))).toEqual([]);
  });

  describe('reject()', () => {
    it('throws ActionExecutionRejection with rasa_sdk’s default message', async () => {
      const a = defineAction({ name: 'action_guarded', run: ({ reject }) => reject() });
      const error = await a.run(callWith({})).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(ActionExecutionRejection);
      expect((error as ActionExecutionRejection).message).toBe("Custom action 'action_guarded' rejected execution.");
      expect((error as ActionExecutionRejection).actionName).toBe('action_guarded');
    });

    it('carries a custom message', async () => {
      const a = defineAction({
        name: 'action_guarded',
        run: async (ctx): Promise<RasaEvent[]> => ctx.reject('not now'),
      });
      await expect(a.run(callWith({}))).rejects.toMatchObject({ name: 'ActionExecutionRejection', message: 'not now', actionName: 'action_guarded' });
    });
  });

  it('passes errors thrown by run through', async () => {
    const a = defineAction({
      name: 'action_boom',
      run() {
        throw new Error('boom');
      },
    });
    await expect(a.run(callWith({}))).rejects.toThrow('boom');
  });
});
