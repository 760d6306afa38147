/**
 * The hand-written shallow checks of the /webhook hot path (isPlainValidEnvelope,
 * isPlainValidBody) against the zod schemas they stand in for: they accept realistic Rasa
 * bodies, and never accept a body the schemas reject, field by field and value by value.
 */
import { isPlainValidBody, isPlainValidEnvelope, WebhookBodySchema, WebhookEnvelopeSchema } from '../../src/protocol/request';
import { webhookBody } from '../support/webhook-body';

const fullBody = () => ({
  next_action: 'action_noop',
  sender_id: 'conv-1',
  version: '3.6.21',
  domain_digest: 'abc',
  domain: { intents: ['greet'], slots: {} },
  tracker: {
    sender_id: 'conv-1',
    slots: { email: null, requested_slot: null },
    latest_message: {
      text: 'hi',
      intent: { name: 'greet', confidence: 0.9 },
      intent_ranking: [
        { name: 'greet', confidence: 0.9 },
        { name: 'bye', confidence: 0.1 },
      ],
      entities: [{ entity: 'day', value: 'monday', start: 0, end: 6 }],
      message_id: 'm1',
      metadata: { channel: 'rest' },
    },
    latest_event_time: 1732435200.5,
    followup_action: null,
    paused: false,
    events: [
      { event: 'action', name: 'action_listen', timestamp: 1 },
      { event: 'user', text: 'hi', parse_data: {} },
    ],
    latest_input_channel: 'rest',
    active_loop: { name: 'ticket_form', is_interrupted: false, rejected: false, trigger_message: {} },
    active_form: {},
    latest_action: { action_name: 'action_listen' },
    latest_action_name: 'action_listen',
    stack: [],
    user_id: 'u1',
  },
});

/** Values of every JSON type (and a few JS-only ones) to put where the schema expects something else. */
const probes: unknown[] = [null, undefined, 0, 1.5, -1, Number.NaN, Number.POSITIVE_INFINITY, '', 'x', true, false, [], [1], ['x'], [{}], [null], {}, { a: 1 }, { constructor: 1 }, Object.create(null), new Date(0)];

type Json = Record<string, unknown>;
/** Every path to an object field in `v` (arrays: their first and last element). */
function paths(v: unknown, at: (string | number)[] = []): (string | number)[][] {
  const out: (string | number)[][] = [];
  if (Array.isArray(v)) {
    for (const i of new Set([0, v.length - 1])) if (i >= 0) out.push([...at, i], ...paths(v[i], [...at, i]));
  } else if (typeof v === 'object' && v !== null) {
    for (const k of Object.keys(v)) out.push([...at, k], ...paths((v as Json)[k], [...at, k]));
  }
  return out;
}
function withValue(root: Json, path: (string | number)[], value: unknown): Json {
  const copy = JSON.parse(JSON.stringify(root)) as Json;
  let node: Json = copy;
  for (const key of path.slice(0, -1)) node = node[key as string] as Json;
  node[path[path.length - 1] as string] = value;
  return copy;
}

describe('hot-path shallow checks vs the zod schemas', () => {
  it('accept realistic bodies (so the fast path is taken)', () => {
    for (const body of [fullBody(), webhookBody('action_greet', { senderId: 'x', slots: { a: 1 } })]) {
      expect(WebhookEnvelopeSchema.safeParse(body).success).toBe(true);
      expect(isPlainValidEnvelope(body)).toBe(true);
      expect(WebhookBodySchema.safeParse(body).success).toBe(true);
      expect(isPlainValidBody(body)).toBe(true);
    }
  });

  it('never accept what the schemas reject, whatever value any field (or an added key) gets', () => {
    const base = fullBody();
    const targets = [...paths(base), ['extra'], ['tracker', 'extra'], ['tracker', 'latest_message', 'extra'], ['tracker', 'active_loop', 'extra']];
    let rejectedByZod = 0;
    let acceptedByFastCheck = 0;
    for (const path of targets) {
      for (const probe of probes) {
        const body = withValue(base, path, probe);
        const envelopeOk = WebhookEnvelopeSchema.safeParse(body).success;
        const bodyOk = WebhookBodySchema.safeParse(body).success;
        if (!envelopeOk || !bodyOk) rejectedByZod++;
        if (isPlainValidEnvelope(body) && isPlainValidBody(body)) acceptedByFastCheck++;
        if (isPlainValidEnvelope(body) && !envelopeOk) throw new Error(`envelope fast check accepted ${JSON.stringify(path)} = ${String(probe)}`);
        if (isPlainValidBody(body) && !bodyOk) throw new Error(`body fast check accepted ${JSON.stringify(path)} = ${String(probe)}`);
      }
    }
    // The probes do hit the schemas' limits and the fast checks do say yes, or this proves nothing.
    expect(rejectedByZod).toBeGreaterThan(200);
    expect(acceptedByFastCheck).toBeGreaterThan(200);
  });

  it('reject non-objects at the top and in the tracker', () => {
    for (const v of [null, [], 'x', 1, { tracker: [] }, { tracker: null }, { tracker: {} }]) expect(isPlainValidBody(v)).toBe(false);
    expect(isPlainValidEnvelope([])).toBe(false);
  });
});
