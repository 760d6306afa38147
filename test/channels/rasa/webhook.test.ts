import { defineAction } from '../../../src/sdk/action';
import { ActionExecutionRejection } from '../../../src/errors';
import { SlotSet } from '../../../src/sdk/events';
import { echoAction, rejectingAction, throwingAction } from '../../support/actions';
import { postWebhook, request } from '../../support/http';
import { registryOf, startTestServer, type TestServer } from '../../support/server';
import { webhookBody } from '../../support/webhook-body';

const RESPONSE_KEYS = ['text', 'buttons', 'elements', 'custom', 'template', 'response', 'image', 'attachment'];

const richAction = defineAction({
  name: 'action_rich',
  run({ dispatcher }) {
    dispatcher.utterMessage({ text: 'pick one', buttons: [{ title: 'Yes', payload: '/affirm' }] });
    dispatcher.utterMessage({ response: 'utter_greet', name: 'Ada' });
    return [SlotSet('a', 1), SlotSet('b', null)];
  },
});

const thrownRejection = defineAction({
  name: 'action_thrown_rejection',
  run() {
    throw new ActionExecutionRejection('action_thrown_rejection', 'not in this state');
  },
});

const MARKER = 'ada.lovelace@example.org';

describe('POST /webhook', () => {
  let s: TestServer;
  beforeAll(async () => {
    s = await startTestServer(registryOf(echoAction, richAction, rejectingAction, thrownRejection, throwingAction));
  });
  afterAll(() => s.close());

  describe('happy path', () => {
    it('answers {events, responses} in that key order', async () => {
      const res = await postWebhook(s.url, webhookBody('action_echo', { senderId: 'conv-1' }));
      expect(res.status).toBe(200);
      expect(res.headers['content-type']).toMatch(/^application\/json/);
      expect(res.text.startsWith('{"events":')).toBe(true);
      const body = res.json() as { events: unknown[]; responses: Record<string, unknown>[] };
      expect(Object.keys(body)).toEqual(['events', 'responses']);
      expect(body.events).toEqual([{ event: 'slot', timestamp: null, name: 'seen', value: 'conv-1' }]);
      expect(body.responses).toHaveLength(1);
      expect(body.responses[0]!.text).toBe('hello conv-1');
    });

    it('every response carries the eight rasa_sdk keys, extra keys at top level', async () => {
      const res = await postWebhook(s.url, webhookBody('action_rich'));
      expect(res.status).toBe(200);
      const body = res.json() as { events: unknown[]; responses: Record<string, unknown>[] };
      for (const r of body.responses) expect(Object.keys(r)).toEqual(expect.arrayContaining(RESPONSE_KEYS));
      expect(body.responses[0]).toEqual({
        text: 'pick one',
        buttons: [{ title: 'Yes', payload: '/affirm' }],
        elements: [],
        custom: {},
        template: null,
        response: null,
        image: null,
        attachment: null,
      });
      expect(body.responses[1]).toMatchObject({ text: null, template: 'utter_greet', response: 'utter_greet', name: 'Ada' });
      expect(body.events).toEqual([
        { event: 'slot', timestamp: null, name: 'a', value: 1 },
        { event: 'slot', timestamp: null, name: 'b', value: null },
      ]);
    });

    it('echoes a sane X-Request-Id and replaces an insane one', async () => {
      const sane = await postWebhook(s.url, webhookBody('action_echo'), { 'X-Request-Id': 'rasa-req.42:a' });
      expect(sane.headers['x-request-id']).toBe('rasa-req.42:a');
      const insane = await postWebhook(s.url, webhookBody('action_echo'), { 'X-Request-Id': 'bad id with spaces <script>' });
      expect(insane.headers['x-request-id']).toMatch(/^[\w.:-]+$/);
      expect(insane.headers['x-request-id']).not.toContain('script');
      const none = await postWebhook(s.url, webhookBody('action_echo'));
      expect(none.headers['x-request-id']).toMatch(/^[\w.:-]+$/);
    });
  });

  describe('routing', () => {
    it.each(['/webhook/', '/webhook?token=abc', '/webhook/?x=1'])('POST %s runs the action', async (path) => {
      const raw = JSON.stringify(webhookBody('action_echo', { senderId: 'routed' }));
      const res = await request(s.url, { method: 'POST', path, headers: { 'Content-Type': 'application/json' }, body: raw });
      expect(res.status).toBe(200);
      expect(res.json()).toMatchObject({ responses: [{ text: 'hello routed' }] });
    });

    it('POST to another path is a 404, not a "use POST" 405', async () => {
      const res = await request(s.url, { method: 'POST', path: '/WEBHOOK', headers: { 'Content-Type': 'application/json' }, body: '{}' });
      expect(res.status).toBe(404);
      expect(res.json()).toMatchObject({ code: 'not_found' });
    });
  });

  describe('no next_action → 200 with a literal null body', () => {
    const cases: [string, Record<string, unknown>][] = [
      ['missing', {}],
      ['empty string', { next_action: '' }],
      ['null', { next_action: null }],
      ['false', { next_action: false }],
      ['0', { next_action: 0 }],
    ];
    it.each(cases)('%s', async (_label, patch) => {
      const body: Record<string, unknown> = { ...webhookBody('action_echo'), ...patch };
      if (_label === 'missing') delete body.next_action;
      const res = await postWebhook(s.url, body);
      expect(res.status).toBe(200);
      expect(res.text).toBe('null');
    });

    it('even without a tracker', async () => {
      const res = await postWebhook(s.url, { next_action: null });
      expect(res.status).toBe(200);
      expect(res.text).toBe('null');
    });
  });

  describe('unknown action → 404 before the tracker is read', () => {
    it('with a tracker', async () => {
      const res = await postWebhook(s.url, webhookBody('x'));
      expect(res.status).toBe(404);
      expect(res.text).toBe(`{"error":"No registered action found for name 'x'.","action_name":"x"}`);
    });

    it('with no tracker at all', async () => {
      const res = await postWebhook(s.url, { next_action: 'x' });
      expect(res.status).toBe(404);
      expect(res.json()).toEqual({ error: "No registered action found for name 'x'.", action_name: 'x' });
    });

    it('with a broken tracker', async () => {
      const res = await postWebhook(s.url, { next_action: 'x', tracker: 'not a tracker' });
      expect(res.status).toBe(404);
    });

    it('a numeric next_action is just not found', async () => {
      const res = await postWebhook(s.url, { next_action: 42 });
      expect(res.status).toBe(404);
      expect(res.json()).toEqual({ error: "No registered action found for name '42'.", action_name: '42' });
    });
  });

  describe('rejection → 400 {error, action_name}', () => {
    it('ctx.reject() uses the default message', async () => {
      const res = await postWebhook(s.url, webhookBody('action_reject'));
      expect(res.status).toBe(400);
      expect(res.json()).toEqual({ error: "Custom action 'action_reject' rejected execution.", action_name: 'action_reject' });
    });

    it('a thrown ActionExecutionRejection keeps its message', async () => {
      const res = await postWebhook(s.url, webhookBody('action_thrown_rejection'));
      expect(res.status).toBe(400);
      expect(res.json()).toEqual({ error: 'not in this state', action_name: 'action_thrown_rejection' });
    });
  });

  describe('unreadable bodies → 400 JSON', () => {
    it('malformed JSON', async () => {
      const res = await postWebhook(s.url, '{"next_action": "action_echo", ');
      expect(res.status).toBe(400);
      expect(res.json()).toMatchObject({ error: expect.stringMatching(/JSON/), code: 'invalid_request' });
    });

    it('empty body', async () => {
      const res = await postWebhook(s.url, '');
      expect(res.status).toBe(400);
      expect(res.json()).toEqual({ error: 'Invalid body request' });
    });

    it('JSON null', async () => {
      const res = await postWebhook(s.url, 'null');
      expect(res.status).toBe(400);
      expect(res.json()).toEqual({ error: 'Invalid body request' });
    });

    it.each([['an array', '[{"next_action":"action_echo"}]'], ['a number', '42'], ['a string', '"action_echo"'], ['true', 'true']])(
      'JSON that is %s',
      async (_label, raw) => {
        const res = await postWebhook(s.url, raw);
        expect(res.status).toBe(400);
        expect(res.json()).toMatchObject({ code: 'invalid_request', error: expect.any(String), request_id: expect.any(String) });
      },
    );
  });

  describe('wrongly shaped calls → 400 with issues', () => {
    interface Invalid {
      error: string;
      code: string;
      issues: { path: string; message: string }[];
      request_id: string;
    }
    const expectInvalid = async (body: unknown, path: RegExp): Promise<Invalid> => {
      const res = await postWebhook(s.url, body);
      expect(res.status).toBe(400);
      const json = res.json() as Invalid;
      expect(json).toEqual({ error: expect.any(String), code: 'invalid_request', issues: expect.any(Array), request_id: expect.any(String) });
      expect(json.issues.length).toBeGreaterThan(0);
      for (const i of json.issues) expect(i).toEqual({ path: expect.any(String), message: expect.any(String) });
      expect(json.issues.map((i) => i.path)).toEqual(expect.arrayContaining([expect.stringMatching(path)]));
      expect(res.headers['x-request-id']).toBe(json.request_id);
      return json;
    };
    const withTracker = (patch: Record<string, unknown>) => {
      const body = webhookBody('action_echo');
      return { ...body, tracker: { ...(body.tracker as Record<string, unknown>), ...patch } };
    };

    it('missing tracker', async () => {
      const json = await expectInvalid({ next_action: 'action_echo' }, /^tracker$/);
      expect(json.error).toContain('action_echo');
    });
    it('tracker is not an object', () => expectInvalid({ next_action: 'action_echo', tracker: [] }, /^tracker$/));
    it('tracker without sender_id', async () => {
      const body = webhookBody('action_echo');
      const { sender_id: _dropped, ...tracker } = body.tracker as Record<string, unknown>;
      await expectInvalid({ ...body, tracker }, /^tracker\.sender_id$/);
    });
    it('slots not an object', () => expectInvalid(withTracker({ slots: ['user_name'] }), /^tracker\.slots$/));
    it('events not an array', () => expectInvalid(withTracker({ events: { event: 'slot' } }), /^tracker\.events$/));
    it('an event that is not an object', () => expectInvalid(withTracker({ events: [{ event: 'restart' }, 'restart'] }), /^tracker\.events\.1$/));
    it('an event without a string `event`', () => expectInvalid(withTracker({ events: [{ event: 7 }] }), /^tracker\.events\.0$/));
    it('paused not a boolean', () => expectInvalid(withTracker({ paused: 'yes' }), /^tracker\.paused$/));
    it('version a number', () => expectInvalid({ ...webhookBody('action_echo'), version: 3.16 }, /^version$/));
    it('next_action a list', () => expectInvalid({ ...webhookBody('action_echo'), next_action: ['action_echo'] }, /^next_action$/));
    it('domain not an object', () => expectInvalid({ ...webhookBody('action_echo'), domain: 'domain.yml' }, /^domain$/));
  });

  describe('an action that throws → 500 without leaking', () => {
    it('names the action and the request id, and contains neither stack nor request data', async () => {
      const body = webhookBody('action_throw', { senderId: 'conv-secret-7', slots: { email: MARKER } });
      const res = await postWebhook(s.url, body, { 'X-Request-Id': 'req-500-check' });
      expect(res.status).toBe(500);
      const json = res.json() as Record<string, unknown>;
      expect(json).toMatchObject({ code: 'internal_error', action_name: 'action_throw', request_id: 'req-500-check' });
      expect(json.error).toEqual(expect.stringContaining('action_throw'));
      expect(json.error).toEqual(expect.stringContaining('req-500-check'));
      expect(json).not.toHaveProperty('request_body');
      expect(res.text).not.toContain(MARKER);
      expect(res.text).not.toContain('conv-secret-7');
      expect(res.text).not.toContain('database exploded');
      expect(res.text).not.toMatch(/\bat .+:\d+:\d+/);
      expect(res.text).not.toContain('.ts');
    });

    it('the server keeps answering after a crash', async () => {
      await postWebhook(s.url, webhookBody('action_throw'));
      const res = await postWebhook(s.url, webhookBody('action_echo'));
      expect(res.status).toBe(200);
    });
  });
});
