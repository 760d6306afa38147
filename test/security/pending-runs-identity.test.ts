/**
 * Finding 10 of the security audit (#13): a Dialogflow run that outlived the deadline was kept
 * under a key without the caller's identity, so a second turn in the same session without the
 * token joined it and received the first caller's order. Runs are keyed on the message metadata
 * (where the identity token travels) too.
 */
import { defineAction } from '../../src/sdk/action';
import { esRequest, postJson, startDialogflowServer, type StartedServer } from '../support/dialogflow';
import { registryOf } from '../support/server';

let adaRunsFinished = 0;

/** Slow, and answers with what only the caller with the token may see. */
const lookup = defineAction({
  name: 'action_private_lookup',
  async run({ tracker, dispatcher }) {
    await new Promise((r) => setTimeout(r, 300));
    const token = tracker.latestMessage.metadata?.identity_token;
    dispatcher.utterMessage({ text: token === 'token-of-ada' ? "Ada's order ships tomorrow." : 'Please sign in first.' });
    if (token === 'token-of-ada') adaRunsFinished++;
  },
});

describe('a pending Dialogflow run', () => {
  let srv: StartedServer;
  beforeAll(async () => {
    srv = await startDialogflowServer(registryOf(lookup), { deadlineMs: 50 });
  });
  afterAll(() => srv?.close());

  const ask = async (payload: Record<string, unknown>) => {
    const res = await postJson(`${srv.url}/dialogflow/es`, esRequest({ intent: 'private_lookup', text: 'where is my order', payload }));
    expect(res.status).toBe(200);
    return (res.body as { fulfillmentText?: string }).fulfillmentText ?? '';
  };

  it("is joined by the same caller asking again, never by another caller's turn in the session", async () => {
    const first = await ask({ identity_token: 'token-of-ada' });
    expect(first).not.toContain('Ada');
    // Ada's run finishes after the deadline; its result is kept for her to ask again.
    for (let i = 0; i < 200 && adaRunsFinished === 0; i++) await new Promise((r) => setTimeout(r, 25));
    await new Promise((r) => setTimeout(r, 50));
    // The same session, without the token: a question of its own, not Ada's answer.
    expect(await ask({})).not.toContain("Ada's order");
    // Ada asking again gets her result.
    expect(await ask({ identity_token: 'token-of-ada' })).toBe("Ada's order ships tomorrow.");
    expect(adaRunsFinished).toBe(1);
  });
});
