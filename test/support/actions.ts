/** Small actions that make the server's behaviour observable from the outside. */
import { defineAction } from '../../src/sdk/action';
import { SlotSet } from '../../src/sdk/events';

/** Greets the conversation and sets `seen` to its sender id: proves the tracker arrived. */
export const echoAction = defineAction({
  name: 'action_echo',
  run({ tracker, dispatcher }) {
    dispatcher.utterMessage({ text: `hello ${tracker.senderId}` });
    return [SlotSet('seen', tracker.senderId)];
  },
});

/** Utters the domain it was handed, as JSON, so a test can see which domain the action got. */
export const domainAction = defineAction({
  name: 'action_show_domain',
  run({ domain, dispatcher }) {
    dispatcher.utterMessage({ text: JSON.stringify(domain) });
  },
});

/** Declines to run with the default rejection message. */
export const rejectingAction = defineAction({
  name: 'action_reject',
  run(ctx) {
    ctx.reject();
  },
});

/** Crashes with a message that quotes the tracker (so a leak of the message would leak PII). */
export const throwingAction = defineAction({
  name: 'action_throw',
  run({ tracker }) {
    throw new Error(`database exploded while handling ${JSON.stringify(tracker.slots)}`);
  },
});

/** An action that waits until the test releases it, to hold a call in flight. */
export function gatedAction(name = 'action_slow') {
  let release: () => void = () => undefined;
  let markStarted: () => void = () => undefined;
  const gate = new Promise<void>((r) => (release = r));
  const started = new Promise<void>((r) => (markStarted = r));
  const action = defineAction({
    name,
    async run({ dispatcher }) {
      markStarted();
      await gate;
      dispatcher.utterMessage({ text: 'finally done' });
    },
  });
  return { action, started, release: () => release() };
}
