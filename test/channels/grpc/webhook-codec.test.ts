/**
 * The fast Webhook codec (webhook-codec.ts, struct-wire.ts) against the path it replaces:
 * proto-loader's decode + toObject + StructReader for requests, toProtoStruct + proto-loader's
 * serializer for answers. Same JSON out of the same bytes, the same bytes out of the same JSON,
 * and bad bytes refused the way protobufjs refused them.
 */
import * as loader from '@grpc/proto-loader';
import { AppError } from '../../../src/errors';
import { webhookBodyOf, webhookResponseJson, webhookResponseOf, type ProtoWebhookRequest } from '../../../src/channels/grpc/messages';
import { PROTO_LOADER_OPTIONS, protoFiles } from '../../../src/channels/grpc/proto-files';
import { grpcFailureOf, GrpcCode } from '../../../src/channels/grpc/status';
import { StructReader, toProtoStruct } from '../../../src/channels/grpc/struct';
import { decodeStruct, MAX_MESSAGE_DEPTH, WireStruct } from '../../../src/channels/grpc/struct-wire';
import { protobufOfLoader, webhookCodec } from '../../../src/channels/grpc/webhook-codec';
import { prng, randomValue } from '../../support/fuzz';
import { toWebhookRequest } from '../../support/grpc';
import { webhookBody } from '../../support/webhook-body';

type Json = Record<string, unknown>;

const definitions = loader.loadSync([protoFiles().action], PROTO_LOADER_OPTIONS);
const service = definitions['action_server_webhook.ActionService'] as loader.ServiceDefinition;
const webhook = service.Webhook!;
const stream = service.WebhookStream!;
const codec = webhookCodec(protobufOfLoader(), protoFiles().action);
const reader = new StructReader(64);

/** The request bytes Rasa Pro would send for this /webhook body. */
const bytesOf = (body: Json): Buffer => webhook.requestSerialize(toWebhookRequest(body));
/** The /webhook body the old path (proto-loader's objects) read from these bytes. */
const before = (bytes: Buffer, read = reader): Json => webhookBodyOf(webhook.requestDeserialize(bytes) as ProtoWebhookRequest, read);
const after = (bytes: Buffer, read = reader): Json => webhookBodyOf(codec.decodeRequest(bytes), read);

/** A Struct's bytes, by proto-loader (a WebhookResponse with one event is `0x0a len <struct>`). */
function structBytes(obj: Json): Buffer {
  const res = webhook.responseSerialize({ events: [toProtoStruct(obj)], responses: [] });
  let pos = 1;
  let len = 0;
  for (let shift = 0; ; shift += 7) {
    const b = res[pos++]!;
    len |= (b & 127) << shift;
    if (b < 128) break;
  }
  return res.subarray(pos, pos + len);
}

const varint = (n: number): number[] => {
  const out: number[] = [];
  while (n > 127) {
    out.push((n & 127) | 128);
    n >>>= 7;
  }
  out.push(n);
  return out;
};
const field = (no: number, bytes: Buffer): Buffer => Buffer.concat([Buffer.from(varint((no << 3) | 2)), Buffer.from(varint(bytes.length)), bytes]);
const entry = (key: string, value: Buffer): Buffer => field(1, Buffer.concat([field(1, Buffer.from(key)), field(2, value)]));

const nested: Json = {
  text: 'héllo ☃ \u0000',
  empty_string: '',
  '': 'empty key',
  int: 42,
  negative: -7.25,
  zero: 0,
  big: 1e308,
  tiny: 5e-324,
  yes: true,
  no: false,
  nothing: null,
  empty_object: {},
  empty_list: [],
  list: [1, 'two', null, false, { three: [3, [4, []]] }, []],
  deep: { a: { b: { c: { d: ['e'] } } } },
};

describe('webhook codec: requests', () => {
  it('reads nested structs, lists, nulls, numbers, bools and empty ones as the old path did', () => {
    const body = webhookBody('action_echo', { slots: nested, events: [{ event: 'slot', name: 'x', value: nested }, {}, { event: 'user', text: 'hi', parse_data: { intent: { name: 'greet', confidence: 0.98 }, entities: [] } }] as never });
    const bytes = bytesOf(body);
    const read = after(bytes);
    expect(read).toEqual(before(bytes));
    expect((read.tracker as Json).slots).toEqual(nested);
    expect(((read.tracker as Json).events as Json[])[1]).toEqual({});
  });

  it('reads the optional fields, the active loop, the stack and the domain as the old path did', () => {
    const body = webhookBody('action_echo', {}, { domain_digest: 'abc', domain: { intents: ['greet', { bye: { use_entities: [] } }], entities: ['city'], actions: ['action_echo'], slots: { city: { type: 'text' } }, responses: { utter_hi: [{ text: 'hi' }] }, e2e_actions: [{ a: 1 }] } });
    const tracker = body.tracker as Json;
    Object.assign(tracker, { followup_action: 'action_x', latest_action_name: 'action_listen', user_id: 'u1', active_loop: { name: 'form', is_interrupted: false, rejected: true }, stack: [{ frame_id: 'f1', type: 'flow' }] });
    const bytes = bytesOf(body);
    const read = after(bytes);
    expect(read).toEqual(before(bytes));
    expect(read.domain_digest).toBe('abc');
    expect((read.tracker as Json).stack).toEqual([{ frame_id: 'f1', type: 'flow' }]);
  });

  it('a minimal request (no tracker, no domain) reads the same', () => {
    const bytes = bytesOf({ next_action: 'action_echo' });
    expect(after(bytes)).toEqual(before(bytes));
    expect(after(bytes)).toEqual({ next_action: 'action_echo' });
  });

  it('random JSON (seeded) reads the same both ways', () => {
    const rnd = prng(20261202);
    const keys = ['a', 'b', 'event', 'value', '', 'é', 'constructor', 'toString'];
    for (let i = 0; i < 200; i++) {
      const slots = { s: randomValue(rnd, keys), t: randomValue(rnd, keys) };
      const events = Array.from({ length: 3 }, () => ({ event: 'x', v: randomValue(rnd, keys) })) as never;
      const bytes = bytesOf(webhookBody('action_echo', { slots, events }));
      expect({ i, body: after(bytes) }).toEqual({ i, body: before(bytes) });
    }
  });

  it('unknown fields inside a Struct are skipped, as protobufjs skips them', () => {
    const known = structBytes({ a: 1 });
    const withUnknown = Buffer.concat([known, Buffer.from([0x18, 0x05]), field(9, Buffer.from('zz'))]);
    expect(decodeStruct(withUnknown).json).toEqual({ a: 1 });
  });

  it('a Value with several members set reads as the last one in the .proto, as toObject picked', () => {
    // string_value (3) then number_value (2): toObject named `stringValue` the kind.
    const value = Buffer.concat([field(3, Buffer.from('s')), Buffer.from([0x11]), Buffer.alloc(8)]);
    expect(decodeStruct(entry('k', value)).json).toEqual({ k: 's' });
  });

  it('a "__proto__" key is dropped, and nothing\'s prototype changes', () => {
    const struct = decodeStruct(Buffer.concat([entry('__proto__', field(5, entry('polluted', field(3, Buffer.from('yes'))))), entry('ok', field(3, Buffer.from('1')))]));
    expect(struct.json).toEqual({ ok: '1' });
    expect(Object.getPrototypeOf(struct.json)).toBe(Object.prototype);
    expect(({} as Json).polluted).toBeUndefined();
  });

  it('keys reused from the key table are the right ones (same lengths, anagrams, non-ASCII, long, empty)', () => {
    const keys = ['ab', 'ba', 'é', 'e\u0301', 'x'.repeat(24), 'x'.repeat(25), '', 'aB', 'Ab', ...Array.from({ length: 3000 }, (_, i) => `k${i}`)];
    const obj = Object.fromEntries(keys.map((k, i) => [k, i]));
    for (let round = 0; round < 3; round++) expect(decodeStruct(structBytes(obj)).json).toEqual(obj);
    const reversed = Object.fromEntries([...keys].reverse().map((k, i) => [k, i]));
    expect(decodeStruct(structBytes(reversed)).json).toEqual(reversed);
  });

  it('counts the levels a Struct spans, for JSON_MAX_DEPTH', () => {
    expect(decodeStruct(structBytes({})).levels).toBe(1);
    expect(decodeStruct(structBytes({ a: 1 })).levels).toBe(1);
    expect(decodeStruct(structBytes({ a: [] })).levels).toBe(2);
    expect(decodeStruct(structBytes({ a: [{ b: {} }], c: 'x' })).levels).toBe(4);
  });
});

describe('webhook codec: too deep and unreadable', () => {
  /** `{d: {d: ... {}}}`, `depth` objects in all. */
  const deepObject = (depth: number): Json => {
    let v: Json = {};
    for (let i = 1; i < depth; i++) v = { d: v };
    return v;
  };

  it('past JSON_MAX_DEPTH: a validation AppError (INVALID_ARGUMENT), exactly where the old path refused', () => {
    const shallow = new StructReader(8);
    // tracker.slots is level 3: slots spanning 6 levels reach 8, 7 levels reach 9.
    const ok = bytesOf(webhookBody('action_echo', { slots: deepObject(6) }));
    const tooDeep = bytesOf(webhookBody('action_echo', { slots: deepObject(7) }));
    expect(after(ok, shallow)).toEqual(before(ok, shallow));
    const err = (() => {
      try {
        after(tooDeep, shallow);
      } catch (e) {
        return e;
      }
      return null;
    })();
    expect(err).toBeInstanceOf(AppError);
    expect((err as AppError).kind).toBe('validation');
    expect(grpcFailureOf(err, {}).code).toBe(GrpcCode.INVALID_ARGUMENT);
    expect(() => before(tooDeep, shallow)).toThrow((err as Error).message);
  });

  it('a list at the limit counts as a level too', () => {
    const shallow = new StructReader(4);
    const bytes = bytesOf(webhookBody('action_echo', { slots: { a: [] } }));
    const deeper = bytesOf(webhookBody('action_echo', { slots: { a: [[]] } }));
    expect(after(bytes, shallow)).toEqual(before(bytes, shallow));
    expect(() => after(deeper, shallow)).toThrow(AppError);
    expect(() => before(deeper, shallow)).toThrow(AppError);
  });

  it(`past ${MAX_MESSAGE_DEPTH} nested messages: "maximum nesting depth exceeded", as protobufjs`, () => {
    let value = field(3, Buffer.from('x'));
    for (let i = 0; i < 60; i++) value = field(5, entry('d', value));
    const bytes = Buffer.concat([field(1, Buffer.from('action_echo')), field(3, field(2, entry('deep', value)))]);
    expect(() => webhook.requestDeserialize(bytes)).toThrow(/nesting depth/);
    expect(() => codec.decodeRequest(bytes)).toThrow(/nesting depth/);
  });

  it('garbage bytes throw (the server answers INVALID_ARGUMENT), never return', () => {
    expect(() => codec.decodeRequest(Buffer.from([0x7f, 0x01, 0x02]))).toThrow(/invalid wire type/);
    // A Struct whose map entry claims more bytes than there are.
    expect(() => decodeStruct(Buffer.from([0x0a, 0x7f, 0x0a, 0x01]))).toThrow(RangeError);
    // A Value string running past its message's end.
    expect(() => decodeStruct(Buffer.concat([Buffer.from([0x0a, 0x06]), field(1, Buffer.from('k')), Buffer.from([0x12, 0x01, 0x1a])]))).toThrow(RangeError);
    // Wire type 7 inside a Value.
    expect(() => decodeStruct(entry('k', Buffer.from([0x0f])))).toThrow(/invalid wire type/);
  });

  it('random bytes inside a Struct either read or throw an Error, never crash otherwise', () => {
    const rnd = prng(7);
    const good = structBytes(nested);
    let threw = 0;
    for (let i = 0; i < 500; i++) {
      const bytes = Buffer.from(good);
      for (let k = 0; k < 3; k++) bytes[Math.floor(rnd() * bytes.length)] = Math.floor(rnd() * 256);
      try {
        expect(decodeStruct(bytes)).toBeInstanceOf(WireStruct);
      } catch (e) {
        expect(e).toBeInstanceOf(Error);
        threw++;
      }
    }
    expect(threw).toBeGreaterThan(0);
  });
});

describe('webhook codec: answers', () => {
  const answer = {
    events: [{ event: 'slot', name: 'x', value: nested }, {}, { event: 'bot', text: 'hi', when: new Date(0), skip: undefined, fn: () => 1, nan: NaN, inf: -Infinity, big: 10n, list: [undefined, () => 1, Symbol('s'), 1] }],
    responses: [{ text: 'hello', buttons: [{ title: 'a', payload: '/a' }] }],
  };

  it('WebhookResponse: the same bytes as toProtoStruct + proto-loader, read back to the same JSON', () => {
    const fast = codec.encodeResponse(webhookResponseJson(answer));
    expect(fast.equals(webhook.responseSerialize(webhookResponseOf(answer)))).toBe(true);
    const back = webhook.responseDeserialize(fast) as { events: unknown[] };
    expect(reader.objects(back.events as never, 1)[0]).toEqual({ event: 'slot', name: 'x', value: nested });
  });

  it('an empty answer (rasa_sdk\'s null) is an empty message', () => {
    expect(codec.encodeResponse(webhookResponseJson(null)).length).toBe(0);
    expect(webhook.responseSerialize(webhookResponseOf(null)).length).toBe(0);
  });

  it('WebhookStreamEvent final_result and error: the same bytes as proto-loader', () => {
    const json = webhookResponseJson(answer);
    expect(codec.encodeStreamEvent({ final_result: json }).equals(stream.responseSerialize({ final_result: webhookResponseOf(answer) }))).toBe(true);
    const error = { action_name: 'action_x', message: '{"error":"no"}' };
    expect(codec.encodeStreamEvent({ error }).equals(stream.responseSerialize({ error }))).toBe(true);
    const unnamed = { action_name: '', message: '' };
    expect(codec.encodeStreamEvent({ error: unnamed }).equals(stream.responseSerialize({ error: unnamed }))).toBe(true);
  });
});
