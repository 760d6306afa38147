/** The turn logic every translating channel shares, without any channel's wire format. */
import { answerTurn, type TurnRequest } from '../../../src/channels/core/answer-turn';
import { PendingRuns } from '../../../src/channels/core/pending-runs';
import { buildTurn } from '../../../src/channels/core/turn-tracker';
import { silentLogger } from '../../../src/observability/logger';
import { defineAction } from '../../../src/sdk/action';
import { SlotSet } from '../../../src/sdk/events';
import { Executor } from '../../../src/sdk/executor';
import { ActionRegistry } from '../../../src/sdk/registry';

const greet = defineAction({
  name: 'action_greet',
  run({ tracker, dispatcher }) {
    dispatcher.utterMessage({ text: `hello ${tracker.senderId}` });
    return [SlotSet('greeted', true)];
  },
});
const reject = defineAction({ name: 'action_reject', run: (ctx) => ctx.reject() });
const crash = defineAction({
  name: 'action_crash',
  run() {
    throw new Error('boom');
  },
});
const slow = defineAction({ name: 'action_slow', run: () => new Promise<void>((r) => setTimeout(r, 200)) });

function request(candidates: string[], over: Partial<TurnRequest> = {}): TurnRequest {
  const executor = new Executor(new ActionRegistry().register(greet).register(reject).register(crash).register(slow), {});
  return {
    executor,
    logger: silentLogger(),
    pending: new PendingRuns(),
    candidates,
    turnFor: () =>
      buildTurn({ senderId: 'conv-1', channel: 'test', slots: {}, text: 'hi', intent: 'greet', confidence: 1, extracted: {}, metadata: {}, messageId: null, activeLoop: null }, null),
    channel: 'test',
    session: 'session-1',
    deadlineMs: 5_000,
    isExternalFollowup: () => false,
    fallbacks: { unknown: 'UNKNOWN', pending: 'PENDING', failed: 'FAILED' },
    log: {},
    noActionWarning: 'no action',
    ...over,
  };
}

describe('answerTurn', () => {
  it('runs the first registered candidate on the turn the channel built', async () => {
    const answer = await answerTurn(request(['action_missing', 'action_greet']));
    expect(answer).toMatchObject({ kind: 'done', action: 'action_greet' });
    if (answer.kind !== 'done') throw new Error('not done');
    expect(answer.outcome.responses.map((r) => r.text)).toEqual(['hello conv-1']);
    expect(answer.outcome.events).toEqual([expect.objectContaining({ event: 'slot', name: 'greeted', value: true })]);
  });

  it.each([
    [['action_missing'], 'UNKNOWN', null],
    [['action_reject'], 'UNKNOWN', 'action_reject'],
    [['action_crash'], 'FAILED', 'action_crash'],
  ])('%j is answered with the fallback %s', async (candidates, text, action) => {
    expect(await answerTurn(request(candidates))).toEqual({ kind: 'said', text, action });
  });

  it('answers "pending" when the action outlives the deadline', async () => {
    expect(await answerTurn(request(['action_slow'], { deadlineMs: 20 }))).toEqual({ kind: 'said', text: 'PENDING', action: 'action_slow' });
  });
});
