/**
 * An action slower than the budget: Dialogflow gets a graceful "still working" answer in time and
 * the action keeps running to completion in the background.
 */
import { ActionRegistry } from '../../../src/sdk/registry';
import { DEFAULT_MESSAGES } from '../../../src/channels/dialogflow/mapping';
import { cxRequest, esRequest, expectValidCx, expectValidEs, postJson, startDialogflowServer } from '../../support/dialogflow';
import { gated } from '../../support/dialogflow-actions';

describe('Dialogflow deadline fallback', () => {
  it('ES: answers "pending" when the action outlives the budget, and the action still finishes', async () => {
    const slow = gated('action_slow');
    const srv = await startDialogflowServer(new ActionRegistry().register(slow.action), { deadlineMs: 50 });
    try {
      // The gate is only opened after the answer arrived, so the action cannot win the race.
      const res = await postJson(`${srv.url}/dialogflow/es`, esRequest({ intent: 'slow' }));
      expect(res.status).toBe(200);
      expectValidEs(res.body);
      expect(res.body).toEqual({ fulfillmentText: DEFAULT_MESSAGES.pending, fulfillmentMessages: [{ text: { text: [DEFAULT_MESSAGES.pending] } }] });
      slow.release();
      await slow.done;
    } finally {
      slow.release();
      await srv.close();
    }
  });

  it('CX: answers "pending" too', async () => {
    const slow = gated('action_slow');
    const srv = await startDialogflowServer(new ActionRegistry().register(slow.action), { deadlineMs: 50 });
    try {
      const res = await postJson(`${srv.url}/dialogflow/cx`, cxRequest({ tag: 'slow' }));
      expect(res.status).toBe(200);
      expectValidCx(res.body);
      expect(res.body).toEqual({ fulfillmentResponse: { messages: [{ text: { text: [DEFAULT_MESSAGES.pending] } }], mergeBehavior: 'APPEND' } });
      slow.release();
      await slow.done;
    } finally {
      slow.release();
      await srv.close();
    }
  });

  it('an action that finishes inside the budget is answered normally', async () => {
    const fast = gated('action_fast');
    fast.release();
    const srv = await startDialogflowServer(new ActionRegistry().register(fast.action), { deadlineMs: 10_000 });
    try {
      const res = await postJson(`${srv.url}/dialogflow/es`, esRequest({ intent: 'fast' }));
      expect((res.body as { fulfillmentText: string }).fulfillmentText).toBe('finally done');
    } finally {
      await srv.close();
    }
  });
});

describe('asking again after a "pending" answer', () => {
  const pendingEs = { fulfillmentText: DEFAULT_MESSAGES.pending, fulfillmentMessages: [{ text: { text: [DEFAULT_MESSAGES.pending] } }] };

  it('joins the run under way, then delivers its result once, without running the action twice', async () => {
    const slow = gated('action_slow');
    const srv = await startDialogflowServer(new ActionRegistry().register(slow.action), { deadlineMs: 50 });
    const url = `${srv.url}/dialogflow/es`;
    try {
      expect((await postJson(url, esRequest({ intent: 'slow', text: 'where is it?' }))).body).toEqual(pendingEs);
      // Still running: the second ask waits on the same run and is told "pending" again.
      expect((await postJson(url, esRequest({ intent: 'slow', text: 'any news?' }))).body).toEqual(pendingEs);
      expect(slow.runs()).toBe(1);

      slow.release();
      await slow.done;
      const third = await postJson(url, esRequest({ intent: 'slow', text: 'and now?' }));
      expectValidEs(third.body);
      expect((third.body as { fulfillmentText: string }).fulfillmentText).toBe('finally done');
      expect(slow.runs()).toBe(1);

      // The result was handed over; the next ask is a new run.
      const fourth = await postJson(url, esRequest({ intent: 'slow' }));
      expect((fourth.body as { fulfillmentText: string }).fulfillmentText).toBe('finally done');
      expect(slow.runs()).toBe(2);
    } finally {
      slow.release();
      await srv.close();
    }
  });

  it('starts a new run when the action`s inputs changed (another order number)', async () => {
    const slow = gated('action_slow');
    const srv = await startDialogflowServer(new ActionRegistry().register(slow.action), { deadlineMs: 50 });
    const url = `${srv.url}/dialogflow/cx`;
    try {
      await postJson(url, cxRequest({ tag: 'slow', parameters: { order: 'A-1' } }));
      await postJson(url, cxRequest({ tag: 'slow', parameters: { order: 'B-2' } }));
      expect(slow.runs()).toBe(2);
      slow.release();
      await slow.done;
      const a = await postJson(url, cxRequest({ tag: 'slow', parameters: { order: 'A-1' } }));
      expectValidCx(a.body);
      expect(JSON.stringify(a.body)).toContain('order A-1 is on its way');
      expect(slow.runs()).toBe(2);
    } finally {
      slow.release();
      await srv.close();
    }
  });
});
