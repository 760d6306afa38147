/**
 * Hostile input against the real server on 127.0.0.1: random JSON, wrong types, huge strings,
 * prototype-pollution keys, invalid UTF-8, deep nesting, gzip bombs. Seeded, so a failure names
 * the seed and case that reproduce it. Proves: no 5xx, no crash, bounded memory, and valid calls
 * interleaved with the garbage still get the right answer.
 */
import zlib from 'node:zlib';
import { echoAction } from '../helpers/actions';
import { request } from '../helpers/http';
import { registryOf, startTestServer, type TestServer } from '../helpers/server';
import { webhookBody } from '../helpers/webhook-body';

jest.setTimeout(120_000);

const SEED = Number(process.env.FUZZ_SEED ?? 0x5eed6);
const CASES = 1200;

let bombBody: Buffer | undefined;
/** 64 MB of spaces, ~64 kB gzipped; built once. */
const gzipBomb = (): Buffer => (bombBody ??= zlib.gzipSync(Buffer.alloc(64 * 1024 * 1024, 0x20)));

/** mulberry32: tiny, deterministic. */
function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function hostileBody(rnd: () => number): { body: Buffer; headers: Record<string, string> } {
  const pick = <T>(xs: T[]): T => xs[Math.floor(rnd() * xs.length)]!;
  const json = (v: unknown) => Buffer.from(JSON.stringify(v));
  const valid = webhookBody('action_echo', { senderId: 'fuzz' });
  const randomValue = (depth: number): unknown => {
    const r = rnd();
    if (depth > 3 || r < 0.3) return pick([null, true, 0, -1, 1e308, 'x', '', '\u0000', '\ud800', 'é'.repeat(50)]);
    if (r < 0.6) return Array.from({ length: Math.floor(rnd() * 4) }, () => randomValue(depth + 1));
    return Object.fromEntries(Array.from({ length: Math.floor(rnd() * 4) }, () => [pick(['next_action', 'tracker', 'sender_id', 'events', 'slots', '__proto__', 'constructor', 'prototype', 'domain']), randomValue(depth + 1)]));
  };
  const kind = Math.floor(rnd() * 9);
  const ct = { 'Content-Type': 'application/json' };
  switch (kind) {
    case 0:
      return { body: json(randomValue(0)), headers: ct };
    case 1: // valid shape, wrong types in one field
      return { body: json({ ...valid, [pick(['next_action', 'tracker', 'sender_id', 'version', 'domain'])]: randomValue(2) }), headers: ct };
    case 2: // prototype pollution
      return { body: Buffer.from(`{"__proto__":{"polluted":true},"constructor":{"prototype":{"polluted":true}},"next_action":"action_echo","tracker":{"sender_id":"p","slots":{"__proto__":{"x":1}},"latest_message":{},"events":[]}}`), headers: ct };
    case 3: // huge string
      return { body: json({ ...valid, sender_id: 'A'.repeat(200_000 + Math.floor(rnd() * 100_000)) }), headers: ct };
    case 4: // invalid UTF-8 bytes inside a string
      return { body: Buffer.concat([Buffer.from('{"next_action":"action_echo","sender_id":"'), Buffer.from([0xc3, 0x28, 0xff, 0xfe]), Buffer.from('","tracker":{}}')]), headers: ct };
    case 5: // deep nesting
      return { body: Buffer.from('['.repeat(5_000 + Math.floor(rnd() * 50_000)) + ']'.repeat(10)), headers: ct };
    case 6: // gzip bomb: small on the wire, large when inflated
      return { body: gzipBomb(), headers: { ...ct, 'Content-Encoding': 'gzip' } };
    case 7: // truncated / random bytes
      return { body: Buffer.from(Array.from({ length: Math.floor(rnd() * 300) }, () => Math.floor(rnd() * 256))), headers: ct };
    default: // a lying or odd content type / encoding
      return { body: json(valid).subarray(0, Math.floor(rnd() * 200)), headers: { 'Content-Type': pick(['text/plain', 'application/json; charset=latin1', 'application/x-www-form-urlencoded']), 'Content-Encoding': pick(['identity', 'br', 'deflate', 'x-nope']) } };
  }
}

describe(`fuzzing POST /webhook (seed ${SEED})`, () => {
  let s: TestServer;
  beforeAll(async () => {
    s = await startTestServer(registryOf(echoAction), { bodyLimit: 1024 * 1024 });
  });
  afterAll(() => s.close());

  it(`answers ${CASES} hostile bodies without a 5xx or a crash, and keeps serving valid calls`, async () => {
    const rnd = prng(SEED);
    const validBody = JSON.stringify(webhookBody('action_echo', { senderId: 'still-here' }));
    global.gc?.();
    const rssBefore = process.memoryUsage().rss;
    let answered = 0;
    for (let i = 0; i < CASES; i++) {
      const c = hostileBody(rnd);
      const res = await request(s.url, { method: 'POST', path: '/webhook', headers: c.headers, body: c.body }).catch((err: Error) => ({ status: -1, text: err.message }));
      // A closed connection after refusing an oversized body is fine; a 5xx or no answer to the next call is not.
      if (res.status >= 200) answered++;
      expect({ seed: SEED, case: i, status: res.status < 500 }).toEqual({ seed: SEED, case: i, status: true });
      if (i % 50 === 0) {
        const ok = await request(s.url, { method: 'POST', path: '/webhook', headers: { 'Content-Type': 'application/json' }, body: validBody });
        expect({ case: i, status: ok.status }).toEqual({ case: i, status: 200 });
        expect(ok.json()).toMatchObject({ responses: [{ text: 'hello still-here' }] });
      }
    }
    // Nearly every hostile body got a real HTTP answer (not just a dropped connection).
    expect(answered).toBeGreaterThan(CASES * 0.9);
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
    global.gc?.();
    // Server and test share this process: growth stays well under what buffering the bombs would cost.
    expect(process.memoryUsage().rss - rssBefore).toBeLessThan(400 * 1024 * 1024);
  });
});
