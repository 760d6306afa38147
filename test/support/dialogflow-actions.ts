/** Test-only actions covering what the adapter must translate: slots, forms, follow-ups, rich messages. */
import { z } from 'zod';
import { defineAction } from '../../src/sdk/action';
import { AppError } from '../../src/errors';
import { AllSlotsReset, FollowupAction, SlotSet } from '../../src/sdk/events';
import { defineFormValidation, zodValidator } from '../../src/sdk/forms';
import { ActionRegistry } from '../../src/sdk/registry';

export const rememberColor = defineAction({
  name: 'action_remember_color',
  slots: z.object({ color: z.string().describe('a colour') }),
  run({ slots, dispatcher }) {
    dispatcher.utterMessage({ text: `I'll remember ${slots.color}.` });
    return [SlotSet('favorite_color', slots.color)];
  },
});

export const recallColor = defineAction({
  name: 'action_recall_color',
  slots: z.object({ favorite_color: z.string().optional() }),
  run({ slots, dispatcher }) {
    dispatcher.utterMessage({ text: slots.favorite_color ? `Your favourite colour is ${slots.favorite_color}.` : "I don't know your favourite colour." });
  },
});

export const forgetColor = defineAction({
  name: 'action_forget_color',
  run({ dispatcher }) {
    dispatcher.utterMessage({ text: 'Forgotten.' });
    return [SlotSet('favorite_color', null)];
  },
});

export const showOptions = defineAction({
  name: 'action_show_options',
  run({ dispatcher }) {
    dispatcher.utterButtons('How urgent is it?', [
      { title: 'Low', payload: '/inform{"severity":"low"}' },
      { title: 'High', payload: '/inform{"severity":"high"}' },
    ]);
  },
});

export const showLinks = defineAction({
  name: 'action_show_links',
  run({ dispatcher }) {
    dispatcher.utterButtons('Read more:', [
      { title: 'Status page', payload: 'https://status.example.com' },
      { title: 'Back', payload: '/back' },
    ]);
  },
});

export const showPicture = defineAction({
  name: 'action_show_picture',
  run({ dispatcher }) {
    dispatcher.utterMessage({ image: 'https://cdn.example.com/cat.png', alt: 'A cat' });
    dispatcher.utterMessage({ custom: { platform: 'SLACK', blocks: [{ type: 'divider' }] } });
    dispatcher.utterMessage({ custom: { richContent: [[{ type: 'info', title: 'Ticket' }]] } });
  },
});

/** Names one of our actions as follow-up: the adapter runs it in the same turn. */
export const chainToRecall = defineAction({
  name: 'action_chain',
  run({ dispatcher }) {
    dispatcher.utterMessage({ text: 'Let me check.' });
    return [SlotSet('favorite_color', 'teal'), FollowupAction('action_recall_color')];
  },
});

/** Names a follow-up the mapping sends to Dialogflow (ES event / CX page). */
export const handOff = defineAction({
  name: 'action_hand_off',
  run() {
    return [SlotSet('ticket_id', 'T-17'), FollowupAction('action_external')];
  },
});

export const external = defineAction({
  name: 'action_external',
  run({ dispatcher }) {
    dispatcher.utterMessage({ text: 'should not run in-process' });
  },
});

/** Reads the identity token from the channel metadata, as an action behind Rasa would. */
export const whoAmI = defineAction({
  name: 'action_who_am_i',
  run({ tracker, dispatcher }) {
    const token = tracker.latestMetadata.identity_token;
    dispatcher.utterMessage({ text: `sender=${tracker.senderId} token=${String(token)} text=${tracker.latestText} intent=${tracker.getIntentOfLatestMessage()}` });
  },
});

export const resetAll = defineAction({
  name: 'action_reset_all',
  run() {
    return [AllSlotsReset()];
  },
});

export const upstreamDown = defineAction({
  name: 'action_upstream_down',
  run() {
    throw new AppError('upstream_unavailable', 'CRM timed out');
  },
});

export const crash = defineAction({
  name: 'action_crash',
  run() {
    throw new Error('secret internals');
  },
});

export const validateTicketForm = defineFormValidation({
  form: 'ticket_form',
  validate: {
    severity: zodValidator(z.enum(['low', 'high']), 'Severity must be low or high.'),
    email: zodValidator(z.string().trim().toLowerCase().pipe(z.email()), "That email address doesn't look right."),
  },
});

/**
 * Waits for the test to release it, so the deadline fallback is reached without timing guesses.
 * Reads an optional `order` slot (its input) and counts its runs.
 */
export function gated(name = 'action_slow') {
  let release: () => void = () => undefined;
  let finished: () => void = () => undefined;
  const gate = new Promise<void>((r) => (release = r));
  const done = new Promise<void>((r) => (finished = r));
  let runs = 0;
  const action = defineAction({
    name,
    slots: z.object({ order: z.string().optional() }),
    async run({ slots, dispatcher }) {
      runs++;
      await gate;
      dispatcher.utterMessage({ text: slots.order ? `order ${slots.order} is on its way` : 'finally done' });
      finished();
    },
  });
  return { action, release: () => release(), done, runs: () => runs };
}

export function testRegistry(): ActionRegistry {
  const registry = new ActionRegistry();
  for (const a of [
    rememberColor,
    recallColor,
    forgetColor,
    showOptions,
    showLinks,
    showPicture,
    chainToRecall,
    handOff,
    external,
    whoAmI,
    resetAll,
    upstreamDown,
    crash,
    validateTicketForm,
  ]) {
    registry.register(a);
  }
  return registry;
}
