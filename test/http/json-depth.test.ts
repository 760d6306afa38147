/**
 * JSON_MAX_DEPTH: well-formed but deeply nested bodies are refused with a 400 JSON body on every
 * inbound JSON route (/webhook, /dialogflow/es|cx, /hooks/:source), before they are parsed;
 * brackets inside strings do not count, so ordinary bodies that quote "[[[[" still pass.
 */
import { loadConfig } from '../../src/config';
import { InboundHooks } from '../../src/channels/hooks/inbound-hooks';
import { Outbox } from '../../src/delivery/outbox';
import { signature } from '../../src/http/signature';
import { silentLogger } from '../../src/observability/logger';
import { createActionServer, type ActionServer } from '../../src/server/app';
import { DEFAULT_JSON_MAX_DEPTH, exceedsJsonDepth, nestsDeeperThan } from '../../src/http/json-depth';
import { SCAN_BEFORE_PARSE_BYTES } from '../../src/channels/rasa/webhook';
import { migrate, type PgStore } from '../../src/store';
import { echoAction } from '../support/actions';
import { postWebhook, request, type RawResponse } from '../support/http';
import { webhookBody } from '../support/webhook-body';
import { createPgSchema, type PgSchema } from '../support/stores';
import { cxRequest, esRequest, MAPPING_FILE } from '../support/dialogflow';
import { testRegistry } from '../support/dialogflow-actions';
import { pick, prng, type Random } from '../support/fuzz';

const HOOK_SECRET = 'depth-hook-secret-0123456789';
const bytes = (s: string) => Buffer.from(s, 'utf8');

/** `levels` arrays inside one another: `[[[...]]]`, well-formed. */
const nestedArrays = (levels: number) => '['.repeat(levels) + ']'.repeat(levels);
/** `levels` objects inside one another: `{"a":{"a":...1...}}`, well-formed. */
const nestedObjects = (levels: number) => '{"a":'.repeat(levels) + '1' + '}'.repeat(levels);

/** The exact nesting depth of a parsed value (test oracle for the byte scan). */
function depthOf(v: unknown): number {
  if (typeof v !== 'object' || v === null) return 0;
  const children = Array.isArray(v) ? v : Object.values(v);
  return 1 + children.reduce<number>((max, c) => Math.max(max, depthOf(c)), 0);
}

/** `json` with the JSON string "__DEEP__" replaced by `raw` (a nested value written as text). */
const withDeep = (json: unknown, raw: string) => JSON.stringify(json).replace('"__DEEP__"', raw);

/** Text full of brackets and escaped quotes: nests nothing, as it is all inside strings. */
const BRACKETY = '[[[[[['.repeat(100) + '{{{{ \\"[[[ \\\\' + '{'.repeat(300);

describe('exceedsJsonDepth', () => {
  it.each([
    ['[]', 1],
    ['{"a":[{"b":[1,2,{}]}]}', 5],
    [nestedArrays(64), 64],
    [nestedObjects(65), 65],
    [JSON.stringify({ text: BRACKETY, list: [[['x']]] }), 4],
    [JSON.stringify(['\\"[', '"', '\\', '}]]]', ['[']]), 2],
    [JSON.stringify({ 'é[ü{': ['日本[語'] }), 2],
  ])('measures %s as depth %i', (text, depth) => {
    expect(depthOf(JSON.parse(text))).toBe(depth);
    expect(exceedsJsonDepth(bytes(text), depth)).toBe(false);
    expect(exceedsJsonDepth(bytes(text), depth - 1)).toBe(true);
    // The walk of the parsed value (small /webhook bodies) agrees with the byte scan.
    expect(nestsDeeperThan(JSON.parse(text), depth)).toBe(false);
    expect(nestsDeeperThan(JSON.parse(text), depth - 1)).toBe(true);
  });

  it('the walk counts nothing for scalars, and walks a 100k-deep value without overflowing the stack', () => {
    for (const scalar of [null, 1, 'x', true]) expect(nestsDeeperThan(scalar, 1)).toBe(false);
    expect(nestsDeeperThan(JSON.parse(nestedArrays(100_000)), 64)).toBe(true);
  });

  it.each([
    ['brackets inside strings', '["[[[", "{{{", "]]]}}}"]', 1],
    ['an escaped quote followed by brackets, still inside the string', String.raw`["a\"[[[{{", 1]`, 1],
    ['a backslash that ends a string (the quote after it closes the string)', String.raw`["\\", [[1]]]`, 3],
    ['a string of backslashes only, before real nesting', String.raw`{"a":"\\\\","b":[[[]]]}`, 4],
    ['an escaped backslash and an escaped quote next to each other', String.raw`[["\\\"]"], [[0]]]`, 3],
    ['whitespace between the brackets', '[ [\n\t[ {"a" :\r\n[ ] } ] ] ]', 5],
    ['multi-byte characters next to brackets', '[["日本語{"],{"é":["ü]"]}]', 3],
    ['a string of even length (the string loop reads two bytes a round)', '["ab",[[0]]]', 3],
    ['a string of odd length', '["abc",[[0]]]', 3],
    ['an escaped quote on either byte of a round', String.raw`["\"", "a\"", [[0]]]`, 3],
    ['empty strings and escaped characters that are not quotes', String.raw`["", "\n\u005b\/", [[""]]]`, 3],
  ])('%s', (_what, text, depth) => {
    const exact = depthOf(JSON.parse(text));
    expect(exact).toBe(depth);
    expect(exceedsJsonDepth(bytes(text), depth)).toBe(false);
    expect(exceedsJsonDepth(bytes(text), depth - 1)).toBe(true);
  });

  it('is exact at the limit: 64 levels pass a limit of 64, 65 do not (arrays, objects, and both mixed)', () => {
    const mixed = (levels: number) => Array.from({ length: levels }, (_, i) => (i % 2 ? '{"k":' : '[')).join('') + '0' + Array.from({ length: levels }, (_, i) => (i % 2 ? '}' : ']')).reverse().join('');
    for (const build of [nestedArrays, nestedObjects, mixed]) {
      expect(depthOf(JSON.parse(build(64)))).toBe(64);
      expect(exceedsJsonDepth(bytes(build(64)), 64)).toBe(false);
      expect(exceedsJsonDepth(bytes(build(65)), 64)).toBe(true);
    }
  });

  it('sees nothing in an unterminated string, however many brackets follow its quote', () => {
    expect(exceedsJsonDepth(bytes('["open' + '['.repeat(1000)), 64)).toBe(false);
    // An escaped quote does not close it ...
    expect(exceedsJsonDepth(bytes('["open\\"' + '['.repeat(1000)), 64)).toBe(false);
    // ... but a quote after an escaped backslash does.
    expect(exceedsJsonDepth(bytes('["open\\\\"' + '['.repeat(1000)), 64)).toBe(true);
  });

  it('agrees with the parsed depth on 5,000 seeded random bodies full of quotes, backslashes and brackets', () => {
    const rnd = prng(4711);
    const texts = ['', '[', ']', '{', '}', '"', '\\', '\\"', '"\\', '[[', 'x', 'é', '日', ' '];
    const text = (r: Random) => Array.from({ length: Math.floor(r() * 6) }, () => pick(r, texts)).join('');
    const value = (r: Random, level: number): unknown => {
      const roll = r();
      if (level > 9 || roll < 0.25) return pick(r, [text(r), 0, null, true]);
      const items = Array.from({ length: Math.floor(r() * 3) + (roll < 0.7 ? 1 : 0) }, () => value(r, level + 1));
      return roll < 0.6 ? items : Object.fromEntries(items.map((v, i) => [text(r) + i, v]));
    };
    for (let i = 0; i < 5_000; i++) {
      const json = JSON.stringify(value(rnd, 0), null, i % 3 === 0 ? 1 : undefined);
      const depth = depthOf(JSON.parse(json));
      expect([json, exceedsJsonDepth(bytes(json), depth)]).toEqual([json, false]);
      if (depth > 0) expect([json, exceedsJsonDepth(bytes(json), depth - 1)]).toEqual([json, true]);
    }
  });

  it('reads a Buffer that is a view into a larger one only within its bounds', () => {
    const whole = bytes('[[[' + '[1]' + ']]]');
    expect(exceedsJsonDepth(whole.subarray(1, whole.length - 1), 3)).toBe(false);
    expect(exceedsJsonDepth(whole.subarray(1, whole.length - 1), 2)).toBe(true);
  });

  it('stops at the first level past the limit without reading the rest', () => {
    // Not JSON after the first 65 brackets: the scan must have answered before that matters.
    expect(exceedsJsonDepth(bytes(nestedArrays(65).slice(0, 65) + '"unterminated'), 64)).toBe(true);
  });
});

describe('JSON_MAX_DEPTH configuration', () => {
  it('defaults to 64 and accepts 1..1000', () => {
    expect(loadConfig({}).JSON_MAX_DEPTH).toBe(DEFAULT_JSON_MAX_DEPTH);
    expect(DEFAULT_JSON_MAX_DEPTH).toBe(64);
    expect(loadConfig({ JSON_MAX_DEPTH: '200' }).JSON_MAX_DEPTH).toBe(200);
    expect(() => loadConfig({ JSON_MAX_DEPTH: '0' })).toThrow(/JSON_MAX_DEPTH/);
    expect(() => loadConfig({ JSON_MAX_DEPTH: '1001' })).toThrow(/JSON_MAX_DEPTH/);
  });
});

describe('deeply nested bodies on every inbound JSON route', () => {
  let schema: PgSchema;
  let store: PgStore;
  const servers: ActionServer[] = [];

  async function serve(jsonMaxDepth?: number): Promise<string> {
    const registry = testRegistry();
    registry.register(echoAction);
    const server = createActionServer({
      config: { BODY_LIMIT: 4 * 1024 * 1024, SHUTDOWN_TIMEOUT_MS: 2_000, JSON_MAX_DEPTH: jsonMaxDepth, DIALOGFLOW_MAPPING_FILE: MAPPING_FILE, DIALOGFLOW_DEADLINE_MS: 10_000 },
      registry,
      logger: silentLogger(),
      hooks: new InboundHooks(new Outbox(store), { secrets: { zapier: HOOK_SECRET }, toleranceSeconds: 300 }),
    });
    servers.push(server);
    const { port } = await server.listen(0, '127.0.0.1');
    return `http://127.0.0.1:${port}`;
  }

  let url: string;
  beforeAll(async () => {
    schema = await createPgSchema();
    store = schema.store(2);
    await migrate(store);
    url = await serve();
  });
  afterAll(async () => {
    await Promise.all(servers.map((s) => s.shutdown()));
    await store.close();
    await schema.drop();
  });

  const postJsonText = (path: string, text: string, headers: Record<string, string> = {}) =>
    request(url, { method: 'POST', path, headers: { 'Content-Type': 'application/json', 'Content-Length': Buffer.byteLength(text), ...headers }, body: text });

  function signedHook(text: string): Promise<RawResponse> {
    const ts = Math.floor(Date.now() / 1000);
    return postJsonText('/hooks/zapier', text, { 'X-ActionBridge-Timestamp': String(ts), 'X-ActionBridge-Signature': signature(HOOK_SECRET, ts, text) });
  }

  const tooDeep = { error: 'The JSON body nests deeper than 64 levels.', code: 'invalid_request' };

  describe('POST /webhook', () => {
    it('refuses 100,000 balanced brackets with 400 JSON', async () => {
      const res = await postWebhook(url, nestedArrays(100_000));
      expect(res.status).toBe(400);
      expect(res.json()).toMatchObject(tooDeep);
    });

    it('refuses a tracker whose latest_message.metadata nests 10,000 levels', async () => {
      const text = withDeep(webhookBody('action_echo', { senderId: 'deep', text: 'hi', metadata: { nested: '__DEEP__' } }), nestedObjects(10_000));
      expect(() => JSON.parse(text)).not.toThrow();
      const res = await postWebhook(url, text);
      expect(res.status).toBe(400);
      expect(res.json()).toMatchObject({ ...tooDeep, request_id: expect.any(String) });
    });

    it('refuses a deep body under SCAN_BEFORE_PARSE_BYTES too (parsed, then walked)', async () => {
      const text = withDeep(webhookBody('action_echo', { senderId: 'small', text: 'hi', metadata: { nested: '__DEEP__' } }), nestedArrays(100));
      expect(Buffer.byteLength(text)).toBeLessThan(SCAN_BEFORE_PARSE_BYTES);
      const res = await postWebhook(url, text);
      expect(res.status).toBe(400);
      expect(res.json()).toMatchObject(tooDeep);
    });

    it('still runs a normal tracker whose text is full of brackets', async () => {
      const res = await postWebhook(url, webhookBody('action_echo', { senderId: 'brackets', text: BRACKETY, metadata: { note: BRACKETY } }));
      expect(res.status).toBe(200);
      expect(res.json()).toMatchObject({ responses: [{ text: 'hello brackets' }] });
    });
  });

  describe.each([
    ['es', () => esRequest({ intent: 'recall color', text: BRACKETY })],
    ['cx', () => cxRequest({ tag: 'recall_color', text: BRACKETY })],
  ])('POST /dialogflow/%s', (edition, build) => {
    it('refuses a well-formed request with a payload nested 10,000 levels', async () => {
      const res = await postJsonText(`/dialogflow/${edition}`, withDeep({ ...build(), extra: '__DEEP__' }, nestedObjects(10_000)));
      expect(res.status).toBe(400);
      expect(res.json()).toMatchObject(tooDeep);
    });

    it('refuses 100,000 balanced brackets', async () => {
      const res = await postJsonText(`/dialogflow/${edition}`, nestedArrays(100_000));
      expect(res.status).toBe(400);
      expect(res.json()).toMatchObject(tooDeep);
    });

    it('still answers a normal request whose text is full of brackets', async () => {
      const res = await postJsonText(`/dialogflow/${edition}`, JSON.stringify(build()));
      expect(res.status).toBe(200);
      expect(JSON.stringify(res.json())).toContain("I don't know your favourite colour.");
    });
  });

  describe('POST /hooks/:source', () => {
    const hook = (summary: string, description: unknown) => ({ job: 'ticket.create', data: { summary, description, severity: 'low', reference: `depth-${summary}` } });

    it('refuses a correctly signed body nested 10,000 levels with 400 JSON', async () => {
      const res = await signedHook(withDeep(hook('deep', '__DEEP__'), nestedArrays(10_000)));
      expect(res.status).toBe(400);
      expect(res.json()).toEqual({ error: 'The JSON body nests deeper than 64 levels.', code: 'invalid_json', request_id: expect.any(String) });
    });

    it('checks the signature first: an unsigned deep body is 401', async () => {
      const res = await postJsonText('/hooks/zapier', nestedArrays(10_000));
      expect(res.status).toBe(401);
    });

    it('still accepts a normal signed body whose text is full of brackets', async () => {
      const res = await signedHook(JSON.stringify(hook('brackets', BRACKETY)));
      expect(res.status).toBe(202);
      expect(res.json()).toMatchObject({ reference: expect.stringMatching(/^REF-/) });
    });
  });

  it('follows JSON_MAX_DEPTH: a body exactly at the limit passes, one level more is refused', async () => {
    const body = webhookBody('action_echo', { senderId: 'limit', text: 'hi', metadata: { nested: '__DEEP__' } });
    const atLimit = withDeep(body, nestedArrays(10));
    const limit = depthOf(JSON.parse(atLimit));
    // The metadata branch is the deepest one, so one more level there is one over the limit.
    expect(limit).toBeGreaterThan(depthOf(JSON.parse(withDeep(body, '1'))));
    const custom = await serve(limit);
    const at = await postWebhook(custom, atLimit);
    expect(at.status).toBe(200);
    const over = await postWebhook(custom, withDeep(body, nestedArrays(11)));
    expect(over.status).toBe(400);
    expect(over.json()).toMatchObject({ error: `The JSON body nests deeper than ${limit} levels.`, code: 'invalid_request' });
    const es = await request(custom, { method: 'POST', path: '/dialogflow/es', headers: { 'Content-Type': 'application/json' }, body: nestedArrays(limit + 1) });
    expect(es.status).toBe(400);
  });

  it('is exact at the limit for /webhook bodies scanned before parsing (SCAN_BEFORE_PARSE_BYTES and up) as for smaller ones', async () => {
    // A long text makes the body big enough to be scanned; the metadata branch is the deepest.
    const body = webhookBody('action_echo', { senderId: 'limit-big', text: 'x'.repeat(SCAN_BEFORE_PARSE_BYTES), metadata: { nested: '__DEEP__' } });
    const atLimit = withDeep(body, nestedArrays(10));
    expect(Buffer.byteLength(atLimit)).toBeGreaterThan(SCAN_BEFORE_PARSE_BYTES);
    const limit = depthOf(JSON.parse(atLimit));
    const custom = await serve(limit);
    expect((await postWebhook(custom, atLimit)).status).toBe(200);
    const over = await postWebhook(custom, withDeep(body, nestedArrays(11)));
    expect(over.status).toBe(400);
    expect(over.json()).toMatchObject({ error: `The JSON body nests deeper than ${limit} levels.`, code: 'invalid_request' });
  });
});
