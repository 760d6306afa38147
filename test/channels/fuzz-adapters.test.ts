/**
 * Hostile input against the other inbound routes of the real server on 127.0.0.1:
 * POST /dialogflow/es, POST /dialogflow/cx and POST /hooks/:source (generic sources and Jira).
 * The shared generators (test/helpers/fuzz.ts) plus, per route, valid requests with one field at
 * a random depth replaced by garbage. Hook bodies are mostly signed correctly, so the fuzz gets
 * past the signature into parsing and validation; the rest carry hostile signature headers or
 * source names. Seeded: a failure names the seed, route and case. Proves: no 5xx, no crash,
 * bounded memory, no prototype pollution, and valid calls in between still get the right answer.
 */
import { createHmac } from 'node:crypto';
import zlib from 'node:zlib';
import { InboundHooks } from '../../src/channels/hooks/inbound-hooks';
import { Outbox } from '../../src/delivery/outbox';
import { signature } from '../../src/http/signature';
import { createActionServer, type ActionServer } from '../../src/server/app';
import { migrate, type PgStore } from '../../src/store';
import { hostileBody, mutateAtRandomPath, pick, prng, type FuzzCase, type FuzzTarget, type Random } from '../support/fuzz';
import { request, type RawResponse } from '../support/http';
import { captureLogs } from '../support/log-capture';
import { createPgSchema, type PgSchema } from '../support/stores';
import { cxRequest, CX_SESSION, esRequest, ES_SESSION, MAPPING_FILE } from '../support/dialogflow';
import { testRegistry } from '../support/dialogflow-actions';

jest.setTimeout(120_000);

const SEED = Number(process.env.FUZZ_SEED ?? 0xf022ad);
const CASES_PER_ROUTE = 1000;
const ZAPIER_SECRET = 'fuzz-zapier-secret-0123456789';
const JIRA_SECRET = 'fuzz-jira-secret-abcdef';

const POLLUTION_KEYS = ['__proto__', 'constructor', 'prototype'];
const JSON_CT = { 'Content-Type': 'application/json' };

/** `text` (a JSON body) with pollution keys added to every object that has `field`. */
function polluted(text: string, field: string): string {
  return text.split(`"${field}":{`).join(`"${field}":{"__proto__":{"polluted":true},"constructor":{"prototype":{"polluted":true}},`);
}

/**
 * A JSON body claiming gzip, deflate or br that is not: random bytes, or a real compression of a
 * valid body cut short. (It found the 500s body-parser's zlib errors caused on these routes.)
 */
function corruptCompressed(valid: () => Record<string, unknown>) {
  return (rnd: Random): FuzzCase => {
    const encoding = pick(rnd, ['gzip', 'deflate', 'br'] as const);
    const text = JSON.stringify(valid());
    const whole = encoding === 'gzip' ? zlib.gzipSync(text) : encoding === 'deflate' ? zlib.deflateSync(text) : zlib.brotliCompressSync(text);
    const body = rnd() < 0.5 ? whole.subarray(0, Math.floor(rnd() * whole.length)) : Buffer.from(Array.from({ length: 1 + Math.floor(rnd() * 200) }, () => Math.floor(rnd() * 256)));
    return { body, headers: { ...JSON_CT, 'Content-Encoding': encoding } };
  };
}

/** Per route, beyond the shared nine: three kinds of valid request with one field gone wrong, one corrupt compression. */
function routeCases(valid: () => Record<string, unknown>, keys: readonly string[]): FuzzTarget['extra'] {
  const mutate = (rnd: Random): FuzzCase => ({ body: Buffer.from(JSON.stringify(mutateAtRandomPath(rnd, valid(), keys))), headers: JSON_CT });
  return [mutate, mutate, mutate, corruptCompressed(valid)];
}

/** Cycles through a few valid bodies (deterministically, so the seed still reproduces a run). */
function rotating(bodies: (() => Record<string, unknown>)[]): () => Record<string, unknown> {
  let n = 0;
  return () => bodies[n++ % bodies.length]!();
}

const esValid = rotating([
  () => esRequest({ intent: 'recall color' }),
  () => esRequest({ intent: 'remember colour', parameters: { color: 'teal' } }),
  () => esRequest({ intent: 'Default Welcome Intent', text: 'hi', payload: { telephony: { caller_id: '+15550100' } } }),
]);
const esKeys = ['session', 'queryResult', 'parameters', 'outputContexts', 'intent', 'displayName', 'name', 'lifespanCount', 'payload', 'queryText', ...POLLUTION_KEYS];
const es: FuzzTarget = {
  valid: esValid,
  keys: esKeys,
  fields: ['session', 'queryResult', 'originalDetectIntentRequest', 'responseId'],
  pollution: polluted(JSON.stringify(esRequest({ intent: 'remember colour', parameters: { color: 'red' } })), 'parameters'),
  hugeField: 'responseId',
  invalidUtf8: [`{"session":"${ES_SESSION}","queryResult":{"queryText":"`, '","intent":{"displayName":"recall color"}}}'],
  extra: routeCases(esValid, esKeys),
};

const cxValid = rotating([
  () => cxRequest({ tag: 'recall_color' }),
  () => cxRequest({ tag: 'remember_color', parameters: { color: 'teal' } }),
  () => cxRequest({ tag: 'ticket-form-validate', form: [{ displayName: 'severity', required: true, state: 'FILLED', value: 'high', justCollected: true }] }),
]);
const cxKeys = ['sessionInfo', 'session', 'parameters', 'fulfillmentInfo', 'tag', 'pageInfo', 'formInfo', 'parameterInfo', 'intentInfo', 'text', ...POLLUTION_KEYS];
const cx: FuzzTarget = {
  valid: cxValid,
  keys: cxKeys,
  fields: ['sessionInfo', 'fulfillmentInfo', 'pageInfo', 'intentInfo', 'payload', 'text'],
  pollution: polluted(polluted(JSON.stringify(cxRequest({ tag: 'remember_color', parameters: { color: 'red' } })), 'parameters'), 'payload'),
  hugeField: 'text',
  invalidUtf8: [`{"sessionInfo":{"session":"${CX_SESSION}"},"fulfillmentInfo":{"tag":"recall_color"},"text":"`, '"}'],
  extra: routeCases(cxValid, cxKeys),
};

let hookSerial = 0;
const ticketHook = () => ({ job: 'ticket.create', data: { summary: `fuzz ${hookSerial++}`, description: 'from the fuzz test', severity: 'low', reference: `fuzz-${hookSerial}` } });
const hookKeys = ['job', 'data', 'summary', 'description', 'severity', 'reference', 'lead', 'article', ...POLLUTION_KEYS];
const hooks: FuzzTarget = {
  valid: ticketHook,
  keys: hookKeys,
  fields: ['job', 'data', 'note'],
  pollution: polluted(JSON.stringify(ticketHook()), 'data'),
  hugeField: 'note',
  invalidUtf8: ['{"job":"ticket.create","data":{"summary":"', '","severity":"low"}}'],
  extra: routeCases(ticketHook, hookKeys),
};

const resolvedIssue = () => ({
  timestamp: Date.now(),
  webhookEvent: 'jira:issue_updated',
  issue: {
    key: `SUP-${hookSerial++}`,
    fields: {
      summary: 'VPN drops every hour',
      description: { type: 'doc', content: [{ type: 'paragraph', content: [{ type: 'text', text: 'The VPN disconnects hourly.' }] }] },
      resolution: { name: 'Fixed' },
      status: { name: 'Done', statusCategory: { key: 'done' } },
      comment: { comments: [{ body: 'Raised the DHCP lease time.' }] },
    },
  },
});
const jiraKeys = ['timestamp', 'issue', 'fields', 'key', 'resolution', 'status', 'comment', 'comments', 'body', 'content', 'type', 'text', ...POLLUTION_KEYS];
const jira: FuzzTarget = {
  valid: resolvedIssue,
  keys: jiraKeys,
  fields: ['timestamp', 'webhookEvent', 'issue', 'comment'],
  pollution: polluted(JSON.stringify(resolvedIssue()), 'fields'),
  hugeField: 'webhookEvent',
  invalidUtf8: [`{"timestamp":${Date.now()},"webhookEvent":"`, '","issue":{"key":"SUP-1","fields":{"resolution":{"name":"Fixed"}}}}'],
  extra: routeCases(resolvedIssue, jiraKeys),
};

const hub = (body: Buffer | string) => `sha256=${createHmac('sha256', JIRA_SECRET).update(body).digest('hex')}`;

/** Signature headers of every kind a hostile caller might send instead of a real one. */
function hostileSignatureHeaders(rnd: Random): Record<string, string> {
  return {
    'X-ActionBridge-Timestamp': pick(rnd, ['', 'NaN', '-1', '1e309', '99999999999999999999', String(Math.floor(Date.now() / 1000)), 'é']),
    'X-ActionBridge-Signature': pick(rnd, ['', 'v1=', 'sha256=zz', 'v1=' + '0'.repeat(64), 'A'.repeat(6_000), 'v1=abc,v1=def']),
  };
}

describe(`fuzzing the Dialogflow and inbound webhook routes (seed ${SEED})`, () => {
  let schema: PgSchema;
  let store: PgStore;
  let server: ActionServer;
  let url: string;
  // Error lines only: what the server says about a 500 goes into the failure message.
  const logs = captureLogs('error');

  beforeAll(async () => {
    schema = await createPgSchema();
    store = schema.store(4);
    await migrate(store);
    server = createActionServer({
      config: { BODY_LIMIT: 1024 * 1024, SHUTDOWN_TIMEOUT_MS: 2_000, DIALOGFLOW_MAPPING_FILE: MAPPING_FILE, DIALOGFLOW_DEADLINE_MS: 10_000 },
      registry: testRegistry(),
      logger: logs.logger,
      hooks: new InboundHooks(new Outbox(store), { secrets: { zapier: ZAPIER_SECRET, jira: JIRA_SECRET }, toleranceSeconds: 300 }),
    });
    const { port } = await server.listen(0, '127.0.0.1');
    url = `http://127.0.0.1:${port}`;
  });
  afterAll(async () => {
    await server?.shutdown();
    await store?.close();
    await schema?.drop();
  });

  const post = (path: string, c: FuzzCase, extra: Record<string, string> = {}): Promise<RawResponse | { status: number; text: string }> =>
    request(url, { method: 'POST', path, headers: { ...c.headers, ...extra }, body: c.body }).catch((err: Error) => ({ status: -1, text: err.message }));

  interface Route {
    name: string;
    target: FuzzTarget;
    send(c: FuzzCase, rnd: Random, i: number): ReturnType<typeof post>;
    /** A valid call, with what its answer must be. */
    checkValid(i: number): Promise<void>;
  }

  const routes: Route[] = [
    {
      name: 'POST /dialogflow/es',
      target: es,
      send: (c) => post('/dialogflow/es', c),
      async checkValid(i) {
        const res = await request(url, { method: 'POST', path: '/dialogflow/es', headers: JSON_CT, body: JSON.stringify(esRequest({ intent: 'recall color' })) });
        expect({ i, status: res.status }).toEqual({ i, status: 200 });
        expect(res.json()).toMatchObject({ fulfillmentText: "I don't know your favourite colour." });
      },
    },
    {
      name: 'POST /dialogflow/cx',
      target: cx,
      send: (c) => post('/dialogflow/cx', c),
      async checkValid(i) {
        const res = await request(url, { method: 'POST', path: '/dialogflow/cx', headers: JSON_CT, body: JSON.stringify(cxRequest({ tag: 'recall_color' })) });
        expect({ i, status: res.status }).toEqual({ i, status: 200 });
        expect(res.text).toContain("I don't know your favourite colour.");
      },
    },
    {
      name: 'POST /hooks/zapier',
      target: hooks,
      send(c, rnd, i) {
        const r = rnd();
        // Mostly signed right (the body is what is fuzzed); else hostile signatures or source names.
        if (r < 0.15) return post('/hooks/zapier', c, hostileSignatureHeaders(rnd));
        if (r < 0.25) return post(`/hooks/${encodeURIComponent(pick(rnd, ['ZAPIER', '..', 'a'.repeat(300), 'é', '__proto__', 'constructor', 'zapier%00', 'jira']))}`, c);
        const ts = Math.floor(Date.now() / 1000);
        return post('/hooks/zapier', c, { 'X-ActionBridge-Timestamp': String(ts), 'X-ActionBridge-Signature': signature(ZAPIER_SECRET, ts, c.body), 'X-ActionBridge-Delivery': `fuzz-${SEED}-${i}` });
      },
      async checkValid(i) {
        const body = JSON.stringify(ticketHook());
        const ts = Math.floor(Date.now() / 1000);
        const res = await request(url, { method: 'POST', path: '/hooks/zapier', headers: { ...JSON_CT, 'X-ActionBridge-Timestamp': String(ts), 'X-ActionBridge-Signature': signature(ZAPIER_SECRET, ts, body) }, body });
        expect({ i, status: res.status }).toEqual({ i, status: 202 });
        expect(res.json()).toMatchObject({ reference: expect.stringMatching(/^REF-/), duplicate: false });
      },
    },
    {
      name: 'POST /hooks/jira',
      target: jira,
      send: (c, rnd, i) => post('/hooks/jira', c, { 'X-Hub-Signature': rnd() < 0.9 ? hub(c.body) : pick(rnd, ['', 'sha256=', 'sha1=00', 'sha256=' + 'f'.repeat(64)]), 'X-Atlassian-Webhook-Identifier': `fuzz-${SEED}-${i}` }),
      async checkValid(i) {
        const body = JSON.stringify(resolvedIssue());
        const res = await request(url, { method: 'POST', path: '/hooks/jira', headers: { ...JSON_CT, 'X-Hub-Signature': hub(body), 'X-Atlassian-Webhook-Identifier': `valid-${SEED}-${i}` }, body });
        expect({ i, status: res.status }).toEqual({ i, status: 202 });
        expect(res.json()).toMatchObject({ reference: expect.stringMatching(/^REF-/) });
      },
    },
  ];

  it.each(['/dialogflow/es', '/dialogflow/cx', '/hooks/zapier'])('answers a corrupt gzip/deflate/br body on %s with 400 JSON, not 500', async (path) => {
    for (const encoding of ['gzip', 'deflate', 'br']) {
      const res = await request(url, { method: 'POST', path, headers: { ...JSON_CT, 'Content-Encoding': encoding }, body: Buffer.from('{"job":"ticket.create","data":{"summary') });
      expect({ encoding, status: res.status }).toEqual({ encoding, status: 400 });
      expect(res.json()).toMatchObject({ error: expect.any(String), code: 'invalid_request' });
    }
  });

  it.each([
    ['a \\u0000 character', { summary: 'nul \u0000 inside' }],
    ['an unpaired surrogate', { summary: 'half \ud800 a pair' }],
    ['an unpaired surrogate in a list', { summary: 'fine', labels: ['ok', 'low \udc00 half'] }],
  ])('refuses a signed hook whose job carries %s (jsonb cannot store it) with 400, not 500', async (_what, data) => {
    const body = JSON.stringify({ job: 'ticket.create', data: { description: 'from the fuzz test', severity: 'low', reference: 'unstorable', ...data } });
    const ts = Math.floor(Date.now() / 1000);
    const before = await store.query<{ n: string }>('SELECT count(*)::text AS n FROM outbox_jobs');
    const res = await request(url, { method: 'POST', path: '/hooks/zapier', headers: { ...JSON_CT, 'X-ActionBridge-Timestamp': String(ts), 'X-ActionBridge-Signature': signature(ZAPIER_SECRET, ts, body) }, body });
    expect(res.status).toBe(400);
    expect(res.json()).toMatchObject({ code: 'validation', error: expect.stringContaining('cannot be stored') });
    expect(await store.query<{ n: string }>('SELECT count(*)::text AS n FROM outbox_jobs')).toMatchObject({ rows: before.rows });
  });

  it(`answers ${CASES_PER_ROUTE} hostile bodies per route without a 5xx or a crash, and keeps serving valid calls`, async () => {
    global.gc?.();
    const rssBefore = process.memoryUsage().rss;
    const statuses = new Map<string, Map<number, number>>();
    for (const [index, route] of routes.entries()) {
      // One stream per route: a change to one route's cases leaves the others' cases as they were.
      const rnd = prng(SEED + index * 0x9e3779b1);
      const seen = new Map<number, number>();
      statuses.set(route.name, seen);
      for (let i = 0; i < CASES_PER_ROUTE; i++) {
        const c = hostileBody(rnd, route.target);
        const res = await route.send(c, rnd, i);
        seen.set(res.status, (seen.get(res.status) ?? 0) + 1);
        const why = res.status >= 500 ? logs.lines().at(-1) : undefined;
        expect({ seed: SEED, route: route.name, case: i, status: res.status, why, serverError: res.status >= 500 }).toEqual({ seed: SEED, route: route.name, case: i, status: res.status, why, serverError: false });
        if (i % 50 === 0) await route.checkValid(i);
      }
      await route.checkValid(CASES_PER_ROUTE);
    }
    for (const [name, seen] of statuses) {
      const answered = [...seen].filter(([status]) => status >= 200).reduce((n, [, count]) => n + count, 0);
      // A closed connection after refusing an oversized body is fine, but nearly every case got a real answer.
      expect({ name, answered: answered > CASES_PER_ROUTE * 0.9 }).toEqual({ name, answered: true });
      // The fuzz reached past the front door: some cases were refused as bad input, some succeeded.
      expect({ name, some4xx: [...seen.keys()].some((s) => s >= 400 && s < 500), some2xx: [...seen.keys()].some((s) => s >= 200 && s < 300) }).toEqual({ name, some4xx: true, some2xx: true });
    }
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
    expect(Object.prototype).not.toHaveProperty('polluted');
    global.gc?.();
    // Server and test share this process: growth stays well under what buffering the bombs would cost.
    expect(process.memoryUsage().rss - rssBefore).toBeLessThan(400 * 1024 * 1024);
  });
});
