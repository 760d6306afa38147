/**
 * The Rasa conformance cases, once, over both transports: what Rasa concludes from each answer
 * must not depend on whether it called /webhook or ActionService/Webhook. The gRPC side is a
 * client built from the project's proto, sending what Rasa Pro sends (test/support/grpc.ts).
 */
import { defineAction } from '../../../src/sdk/action';
import { ActionExecutionRejection } from '../../../src/errors';
import { SlotSet } from '../../../src/sdk/events';
import type { TrackerEvent } from '../../../src/protocol/events';
import { domainAction, echoAction, rejectingAction, throwingAction } from '../../support/actions';
import { registryOf, startTestServer, type TestServer } from '../../support/server';
import { webhookBody } from '../../support/webhook-body';
import { TRANSPORTS, type CallOutcome, type RasaTransport } from '../../support/rasa-transports';

const RESPONSE_KEYS = ['text', 'buttons', 'elements', 'custom', 'template', 'response', 'image', 'attachment'];
const MARKER = 'ada.lovelace@example.org';

const richAction = defineAction({
  name: 'action_rich',
  run({ dispatcher }) {
    dispatcher.utterMessage({ text: 'pick one', buttons: [{ title: 'Yes', payload: '/affirm' }] });
    dispatcher.utterMessage({ response: 'utter_greet', name: 'Ada', custom: { nested: { list: [1, 'two', false, null] } } });
    return [SlotSet('a', 1.5), SlotSet('b', null), SlotSet('c', false), SlotSet('d', ['x', { y: 0 }])];
  },
});

const thrownRejection = defineAction({
  name: 'action_thrown_rejection',
  run() {
    throw new ActionExecutionRejection('action_thrown_rejection', 'not in this state');
  },
});

/** Reads the tracker back: how many events, the last user text, a slot, the active loop. */
const trackerAction = defineAction({
  name: 'action_read_tracker',
  run({ tracker, dispatcher }) {
    const events = tracker.events;
    dispatcher.utterMessage({
      text: JSON.stringify({ count: events.length, last: tracker.latestMessage?.text ?? null, city: tracker.getSlot('city') ?? null, loop: tracker.activeLoopName ?? null, paused: tracker.isPaused() }),
    });
  },
});

const MISSING_DOMAIN_DIGEST = (digest: string | undefined, domain?: unknown): Record<string, unknown> => {
  const body = webhookBody('action_show_domain');
  delete body.domain;
  if (digest !== undefined) body.domain_digest = digest;
  if (domain !== undefined) body.domain = domain;
  return body;
};

// Without `version`: Domain has no such field on the proto, and Rasa Pro drops unknown fields.
const DOMAIN_A = { slots: { user_name: { type: 'text' } }, actions: ['action_show_domain'], intents: ['greet', { goodbye: { use_entities: [] } }] };
const DOMAIN_B = { slots: { city: { type: 'text' } }, actions: ['action_show_domain'], responses: { utter_hi: [{ text: 'hi' }] } };

function ran(o: CallOutcome): { events: Record<string, unknown>[]; responses: Record<string, unknown>[] } {
  if (o.kind !== 'ran') throw new Error(`expected the action to run, got ${o.kind}`);
  return o;
}

describe.each(TRANSPORTS)('Rasa conformance over %s', (_name, open) => {
  let s: TestServer;
  let t: RasaTransport;
  beforeAll(async () => {
    s = await startTestServer(registryOf(echoAction, richAction, rejectingAction, thrownRejection, throwingAction, trackerAction, domainAction));
    t = await open(s);
  });
  afterAll(async () => {
    await t.close();
    await s.close();
  });

  describe('happy path', () => {
    it('answers the events and responses the action produced', async () => {
      const o = ran(await t.call(webhookBody('action_echo', { senderId: 'conv-1' })));
      expect(o.events).toEqual([{ event: 'slot', timestamp: null, name: 'seen', value: 'conv-1' }]);
      expect(o.responses).toHaveLength(1);
      expect(o.responses[0]!.text).toBe('hello conv-1');
    });

    it('every response carries the eight rasa_sdk keys; nulls, falses, numbers and nesting survive', async () => {
      const o = ran(await t.call(webhookBody('action_rich')));
      for (const r of o.responses) expect(Object.keys(r)).toEqual(expect.arrayContaining(RESPONSE_KEYS));
      expect(o.responses[0]).toEqual({ text: 'pick one', buttons: [{ title: 'Yes', payload: '/affirm' }], elements: [], custom: {}, template: null, response: null, image: null, attachment: null });
      expect(o.responses[1]).toMatchObject({ text: null, template: 'utter_greet', response: 'utter_greet', name: 'Ada', custom: { nested: { list: [1, 'two', false, null] } } });
      expect(o.events).toEqual([
        { event: 'slot', timestamp: null, name: 'a', value: 1.5 },
        { event: 'slot', timestamp: null, name: 'b', value: null },
        { event: 'slot', timestamp: null, name: 'c', value: false },
        { event: 'slot', timestamp: null, name: 'd', value: ['x', { y: 0 }] },
      ]);
    });

    it('the tracker arrives whole: slots, latest message, active loop, paused', async () => {
      const body = webhookBody('action_read_tracker', { slots: { city: 'Lyon' }, text: 'where is my order', activeLoop: 'order_form', events: [{ event: 'session_started', timestamp: null }] as TrackerEvent[] });
      const o = ran(await t.call(body));
      expect(JSON.parse(String(o.responses[0]!.text))).toEqual({ count: 3, last: 'where is my order', city: 'Lyon', loop: 'order_form', paused: false });
    });
  });

  it('no next_action: nothing runs, no events', async () => {
    const body: Record<string, unknown> = { ...webhookBody('action_echo') };
    delete body.next_action;
    expect(await t.call(body)).toEqual({ kind: 'ran', events: [], responses: [] });
  });

  describe('unknown action', () => {
    it('with a tracker', async () => expect(await t.call(webhookBody('x'))).toEqual({ kind: 'action_not_found', action_name: 'x' }));
    it('with no tracker at all (answered before the tracker is read)', async () => expect(await t.call({ next_action: 'x' })).toEqual({ kind: 'action_not_found', action_name: 'x' }));
  });

  describe('rejection', () => {
    it('ctx.reject() uses the default message', async () => {
      expect(await t.call(webhookBody('action_reject'))).toEqual({ kind: 'rejected', action_name: 'action_reject', message: "Custom action 'action_reject' rejected execution." });
    });
    it('a thrown ActionExecutionRejection keeps its message', async () => {
      expect(await t.call(webhookBody('action_thrown_rejection'))).toEqual({ kind: 'rejected', action_name: 'action_thrown_rejection', message: 'not in this state' });
    });
  });

  describe('bad input is a clear refusal with the problems listed, never a crash', () => {
    const withTracker = (patch: Record<string, unknown>) => {
      const body = webhookBody('action_echo');
      return { ...body, tracker: { ...(body.tracker as Record<string, unknown>), ...patch } };
    };
    const expectInvalid = async (body: Record<string, unknown>, path: RegExp) => {
      const o = await t.call(body);
      if (o.kind !== 'invalid') throw new Error(`expected invalid, got ${o.kind}`);
      expect(o.body).toEqual({ error: expect.any(String), code: 'invalid_request', issues: expect.any(Array), request_id: expect.any(String) });
      expect((o.body.issues as { path: string }[]).map((i) => i.path)).toEqual(expect.arrayContaining([expect.stringMatching(path)]));
    };
    it('missing tracker', () => expectInvalid({ next_action: 'action_echo' }, /^tracker$/));
    it('an event without a string `event`', () => expectInvalid(withTracker({ events: [{ event: 'restart' }, { name: 'x' }] }), /^tracker\.events\.1$/));
    it('an event whose `event` is a number', () => expectInvalid(withTracker({ events: [{ event: 7 }] }), /^tracker\.events\.0$/));
    it('an active loop whose flag is not a boolean', () => expectInvalid(withTracker({ active_loop: { name: 'f', is_interrupted: 'maybe' } }), /^tracker\.active_loop\.is_interrupted$/));
    it('a latest message whose intent is a list', () => expectInvalid(withTracker({ latest_message: { intent: ['greet'] } }), /^tracker\.latest_message\.intent$/));

  });

  describe('an action that throws', () => {
    it('is an internal error naming the action and request id, leaking neither tracker data nor stack', async () => {
      const o = await t.call(webhookBody('action_throw', { senderId: 'conv-secret-7', slots: { email: MARKER } }));
      if (o.kind !== 'internal') throw new Error(`expected internal, got ${o.kind}`);
      expect(o.body).toMatchObject({ code: 'internal_error', action_name: 'action_throw', request_id: expect.any(String) });
      expect(o.raw.includes(MARKER)).toBe(false);
      expect(o.raw.includes('conv-secret-7')).toBe(false);
      expect(o.raw.includes('database exploded')).toBe(false);
      expect(/\bat .+:\d+:\d+/.test(o.raw)).toBe(false);
    });
    it('and the server keeps answering', async () => {
      await t.call(webhookBody('action_throw'));
      expect((await t.call(webhookBody('action_echo'))).kind).toBe('ran');
    });
  });

  describe('domain handshake: a digest alone → "resend with the domain"', () => {
    const seen = async (body: Record<string, unknown>) => JSON.parse(String(ran(await t.call(body)).responses[0]!.text)) as unknown;

    it('asks for the domain, caches it under its digest, and reuses it for that digest only', async () => {
      expect(await t.call(MISSING_DOMAIN_DIGEST(`a-${_name}`))).toEqual({ kind: 'domain_not_found', action_name: 'action_show_domain' });
      expect(await seen(MISSING_DOMAIN_DIGEST(`a-${_name}`, DOMAIN_A))).toEqual(DOMAIN_A);
      expect(await seen(MISSING_DOMAIN_DIGEST(`a-${_name}`))).toEqual(DOMAIN_A);
      expect((await t.call(MISSING_DOMAIN_DIGEST(`b-${_name}`))).kind).toBe('domain_not_found');
    });

    it('another domain under a cached digest is used for that call only', async () => {
      expect(await seen(MISSING_DOMAIN_DIGEST(`c-${_name}`, DOMAIN_A))).toEqual(DOMAIN_A);
      expect(await seen(MISSING_DOMAIN_DIGEST(`c-${_name}`, DOMAIN_B))).toEqual(DOMAIN_B);
      expect(await seen(MISSING_DOMAIN_DIGEST(`c-${_name}`))).toEqual(DOMAIN_A);
    });

    it('with neither domain nor digest', async () => expect((await t.call(MISSING_DOMAIN_DIGEST(undefined))).kind).toBe('domain_not_found'));
    it('the unknown-action answer still comes first', async () => {
      expect((await t.call({ ...MISSING_DOMAIN_DIGEST(`d-${_name}`), next_action: 'action_nope' })).kind).toBe('action_not_found');
    });
  });

  it('a 1000-event tracker arrives whole and answers', async () => {
    const events: TrackerEvent[] = [];
    for (let i = 0; i < 500; i++) {
      events.push({ event: 'user', text: `message ${i}`, timestamp: 1_700_000_000 + i, parse_data: { intent: { name: 'greet', confidence: 0.9 }, entities: [{ entity: 'n', value: i }] } } as TrackerEvent);
      events.push({ event: 'bot', text: `answer ${i}`, timestamp: 1_700_000_000 + i, data: { buttons: null } } as TrackerEvent);
    }
    const o = ran(await t.call(webhookBody('action_read_tracker', { events, slots: { city: 'Oslo' } })));
    expect(JSON.parse(String(o.responses[0]!.text))).toEqual({ count: 1000, last: null, city: 'Oslo', loop: null, paused: false });
  });
});
