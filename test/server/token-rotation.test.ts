/**
 * Token rotation: ACTION_SERVER_TOKEN and METRICS_TOKEN may each hold several comma-separated
 * tokens, so Rasa (or a scraper) can move to a new one without downtime. Old and new are both
 * accepted, on every route each guards, on the action server and on a worker's ops server; a
 * third is refused, and the answer never says which token matched or how many there are.
 */
import { loadConfig } from '../../src/config';
import { silentLogger } from '../../src/observability/logger';
import { Metrics } from '../../src/observability/metrics';
import { createActionServer, type ActionServer } from '../../src/server/app';
import { createOpsServer, type OpsServer } from '../../src/server/ops-server';
import { echoAction } from '../support/actions';
import { cxRequest, esRequest, MAPPING_FILE } from '../support/dialogflow';
import { testRegistry } from '../support/dialogflow-actions';
import { request, type RawResponse } from '../support/http';

const OLD = 'rasa-old-7c0f2d9e41';
const NEW = 'rasa-new-b83e55a017';
const THIRD = 'rasa-third-4d6a0c9f2b';
const SCRAPE_OLD = 'scrape-old-19e2c7a4';
const SCRAPE_NEW = 'scrape-new-f05b3d81';

const webhookBody = JSON.stringify({ next_action: 'action_echo', tracker: { sender_id: 'rotation', slots: {} }, domain: {} });

type Call = (token: string | null) => Promise<RawResponse>;

function post(url: string, path: string, body: string): Call {
  return (token) =>
    request(url, {
      method: 'POST',
      path,
      headers: { 'Content-Type': 'application/json', 'Content-Length': Buffer.byteLength(body), ...(token === null ? {} : { Authorization: `Bearer ${token}` }) },
      body,
    });
}

const get = (url: string, path: string): Call => (token) => request(url, { path, headers: token === null ? {} : { Authorization: `Bearer ${token}` } });

/** Times of day and ISO timestamps, which differ between two answers a millisecond apart. */
const LIVE_TIME = /\d{4}-\d\d-\d\dT[\d:.]+Z|\b\d\d:\d\d:\d\d\b/g;

/** Old and new pass; a third token, no token, and a token of the other variable do not, all alike. */
async function expectRotation(call: Call, accepted: [string, string], other: string): Promise<void> {
  const [first, second] = [await call(accepted[0]), await call(accepted[1])];
  expect([first.status, second.status]).toEqual([200, 200]);
  // Nothing in the answer tells the two apart: the same headers, the same body.
  const strip = (r: RawResponse) => ({ headers: Object.keys(r.headers).filter((h) => h !== 'date' && h !== 'x-request-id').sort(), text: r.text.replace(/"request_id":"[^"]*"/g, '').replace(LIVE_TIME, 'T') });
  // (Prometheus text carries live process counters, so it is compared by status only; the status
  // console says when it was drawn, so its times are masked.)
  if (!first.headers['content-type']?.startsWith('text/plain')) expect(strip(first)).toEqual(strip(second));
  const refused = [await call(THIRD), await call(null), await call(other), await call(`${accepted[0]},${accepted[1]}`)];
  expect(refused.map((r) => r.status)).toEqual([401, 401, 401, 401]);
  const bodies = refused.map((r) => (r.json() as { error: string }).error);
  expect(new Set(bodies).size).toBe(1);
  for (const text of bodies) {
    expect(text).not.toContain(accepted[0]);
    expect(text).not.toContain(accepted[1]);
    expect(text).not.toMatch(/\b(2|two|second|first)\b/i);
  }
}

describe('the action server with two tokens in each variable', () => {
  let server: ActionServer;
  let url: string;

  beforeAll(async () => {
    const config = loadConfig({
      ACTION_SERVER_TOKEN: ` ${OLD} , ${NEW} `,
      METRICS_TOKEN: `${SCRAPE_OLD},${SCRAPE_NEW}`,
      DIALOGFLOW_MAPPING_FILE: MAPPING_FILE,
    });
    const registry = testRegistry();
    registry.register(echoAction);
    server = createActionServer({ config, registry, logger: silentLogger(), metrics: new Metrics({ defaultMetrics: false }) });
    url = `http://127.0.0.1:${(await server.listen(0, '127.0.0.1')).port}`;
  });
  afterAll(() => server.shutdown());

  it('POST /webhook', async () => {
    await expectRotation(post(url, '/webhook', webhookBody), [OLD, NEW], SCRAPE_OLD);
  });

  it('POST /webhook with the token in the query, as endpoints.yml sends it', async () => {
    const call: Call = (token) => post(url, token === null ? '/webhook' : `/webhook?token=${encodeURIComponent(token)}`, webhookBody)(null);
    await expectRotation(call, [OLD, NEW], SCRAPE_NEW);
  });

  it('GET /actions', async () => {
    await expectRotation(get(url, '/actions'), [OLD, NEW], SCRAPE_OLD);
  });

  it('POST /dialogflow/es and /dialogflow/cx', async () => {
    await expectRotation(post(url, '/dialogflow/es', JSON.stringify(esRequest({ intent: 'recall color' }))), [OLD, NEW], SCRAPE_OLD);
    await expectRotation(post(url, '/dialogflow/cx', JSON.stringify(cxRequest({ tag: 'recall_color' }))), [OLD, NEW], SCRAPE_NEW);
  });

  it('GET /metrics', async () => {
    await expectRotation(get(url, '/metrics'), [SCRAPE_OLD, SCRAPE_NEW], OLD);
  });

  it('GET /status and /status.json', async () => {
    await expectRotation(get(url, '/status'), [SCRAPE_OLD, SCRAPE_NEW], NEW);
    await expectRotation(get(url, '/status.json'), [SCRAPE_OLD, SCRAPE_NEW], OLD);
  });
});

describe("a worker's ops server with two metrics tokens", () => {
  let ops: OpsServer;
  let url: string;

  beforeAll(async () => {
    // As src/main/worker.ts builds it: METRICS_TOKEN as the configuration parsed it.
    const config = loadConfig({ METRICS_TOKEN: `${SCRAPE_OLD}, ${SCRAPE_NEW}` });
    ops = createOpsServer({ metrics: new Metrics({ defaultMetrics: false }), readiness: [], metricsToken: config.METRICS_TOKEN, logger: silentLogger() });
    url = `http://127.0.0.1:${(await ops.listen(0, '127.0.0.1')).port}`;
  });
  afterAll(() => ops.close());

  it('GET /metrics, /status and /status.json', async () => {
    for (const path of ['/metrics', '/status', '/status.json']) await expectRotation(get(url, path), [SCRAPE_OLD, SCRAPE_NEW], OLD);
  });
});
