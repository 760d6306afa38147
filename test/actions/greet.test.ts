import { greet, slotValidation } from '../../actions/greet';
import { SlotSet } from '../../src/sdk/events';
import { SLOT_VALIDATION_ACTION } from '../../src/sdk/forms';
import { runAction } from '../../src/sdk/testkit';

/** The slot as the assistant's domain declares it: filled from text outside any form. */
const domain = { slots: { user_name: { type: 'text', mappings: [{ type: 'from_text' }] } } };

describe('action_greet', () => {
  it('greets by name when user_name is set', async () => {
    const out = await runAction(greet, { slots: { user_name: 'Ada' } });
    expect(greet.name).toBe('action_greet');
    expect(out.texts).toEqual(['Hello, Ada! How can I help you today?']);
    expect(out.events).toEqual([]);
  });

  it('greets without a name when user_name is unset or null', async () => {
    expect((await runAction(greet)).texts).toEqual(['Hello! How can I help you today?']);
    expect((await runAction(greet, { slots: { user_name: null } })).texts).toEqual(['Hello! How can I help you today?']);
  });

  it('declares the slot it reads', () => {
    expect(greet.slotNames).toEqual(['user_name']);
  });
});

describe('action_validate_slot_mappings (user_name)', () => {
  it('is the global slot validation action', () => {
    expect(slotValidation.name).toBe(SLOT_VALIDATION_ACTION);
  });

  it('normalizes spacing and capitalization', async () => {
    const out = await runAction(slotValidation, { text: '  ada   lovelace ', extracted: { user_name: '  ada   lovelace ' }, domain });
    expect(out.events).toEqual([SlotSet('user_name', 'Ada Lovelace')]);
    expect(out.texts).toEqual([]);
  });

  it('keeps hyphens and apostrophes, capitalizing after a hyphen', async () => {
    const out = await runAction(slotValidation, { extracted: { user_name: "jean-luc o'neil" }, domain });
    expect(out.slotsSet).toEqual({ user_name: "Jean-Luc O'neil" });
  });

  it('rejects something that is not a name with a message and null', async () => {
    const out = await runAction(slotValidation, { text: '1234', extracted: { user_name: '1234' }, domain });
    expect(out.events).toEqual([SlotSet('user_name', null)]);
    expect(out.texts).toEqual(["Sorry, that doesn't look like a name. What should I call you?"]);
  });

  it('rejects empty and overlong names', async () => {
    for (const value of ['   ', 'a'.repeat(61), 42]) {
      const out = await runAction(slotValidation, { extracted: { user_name: value }, domain });
      expect(out.events).toEqual([SlotSet('user_name', null)]);
    }
  });

  it('leaves user_name alone when the domain binds it to a form', async () => {
    const formDomain = { slots: { user_name: { type: 'text', mappings: [{ type: 'from_text', conditions: [{ active_loop: 'intro_form' }] }] } } };
    const out = await runAction(slotValidation, { extracted: { user_name: '1234' }, domain: formDomain });
    expect(out.events).toEqual([]);
  });
});
