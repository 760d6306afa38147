/** GET /metrics after a scripted /webhook scenario: names, labels and values; METRICS_TOKEN guards it. */
import { Metrics, actionOutcome, outboxSample } from '../../src/observability/metrics';
import { silentLogger } from '../../src/observability/logger';
import { createActionServer, type ActionServer } from '../../src/server/app';
import { echoAction, rejectingAction, throwingAction } from '../support/actions';
import { request } from '../support/http';
import { registryOf } from '../support/server';
import { webhookBody } from '../support/webhook-body';

const TOKEN = 'metrics-tok-81c2';

async function start(metrics: Metrics, token?: string): Promise<{ server: ActionServer; url: string }> {
  const server = createActionServer({
    config: { BODY_LIMIT: 1024 * 1024, SHUTDOWN_TIMEOUT_MS: 5_000, METRICS_TOKEN: token === undefined ? undefined : [token] },
    registry: registryOf(echoAction, rejectingAction, throwingAction),
    logger: silentLogger(),
    metrics,
  });
  const { port } = await server.listen(0, '127.0.0.1');
  return { server, url: `http://127.0.0.1:${port}` };
}

const call = (url: string, action: string) =>
  request(url, { method: 'POST', path: '/webhook', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify(webhookBody(action, { senderId: 'm1' })) });

/** Value of one sample line, e.g. `name{a="b"} 3`. */
function sample(text: string, name: string, labels: Record<string, string>): number | undefined {
  const want = Object.entries(labels).map(([k, v]) => `${k}="${v}"`);
  for (const line of text.split('\n')) {
    if (!line.startsWith(`${name}{`) && line.split(' ')[0] !== name) continue;
    const labelPart = line.slice(name.length).split(' ')[0]!;
    if (want.every((w) => labelPart.includes(w))) return Number(line.slice(line.lastIndexOf(' ') + 1));
  }
  return undefined;
}

describe('GET /metrics after a scenario', () => {
  const metrics = new Metrics();
  let s: { server: ActionServer; url: string };
  let text = '';
  beforeAll(async () => {
    s = await start(metrics);
    await call(s.url, 'action_echo');
    await call(s.url, 'action_echo');
    await call(s.url, 'action_reject');
    await call(s.url, 'action_throw');
    await call(s.url, 'action_nope');
    // The gateway and the outbox report through the same object.
    metrics.connectorCall('jira', 'createIssue', 'failure', 120, 'unavailable');
    metrics.connectorCall('jira', 'createIssue', 'success', 80);
    metrics.connectorRetry('jira');
    metrics.circuit('jira', 'open');
    metrics.outbox(outboxSample({ pending: 2, queued: 1, running: 0, done: 9, dead: 3, oldestOpenAgeSeconds: 42 }));
    const res = await request(s.url, { path: '/metrics' });
    expect(res.status).toBe(200);
    expect(res.headers['content-type']).toMatch(/text\/plain/);
    text = res.text;
  });
  afterAll(() => s.server.shutdown());

  it('counts action calls by action and outcome', () => {
    const names = [echoAction.name, rejectingAction.name, throwingAction.name];
    expect(sample(text, 'actionbridge_action_requests_total', { action: names[0]!, outcome: 'success' })).toBe(2);
    // A name the server does not know is counted, but never becomes a label value of its own (#13).
    expect(sample(text, 'actionbridge_action_requests_total', { action: 'unknown', outcome: 'unknown_action' })).toBe(1);
    expect(sample(text, 'actionbridge_action_duration_seconds_count', { action: names[0]!, outcome: 'success' })).toBe(2);
    const outcomes = text.split('\n').filter((l) => l.startsWith('actionbridge_action_requests_total{')).length;
    expect(outcomes).toBeGreaterThanOrEqual(4);
  });

  it('reports connector calls, errors, retries, latency and circuit state', () => {
    expect(sample(text, 'actionbridge_connector_calls_total', { connector: 'jira', operation: 'createIssue', outcome: 'failure' })).toBe(1);
    expect(sample(text, 'actionbridge_connector_errors_total', { connector: 'jira', kind: 'unavailable' })).toBe(1);
    expect(sample(text, 'actionbridge_connector_retries_total', { connector: 'jira' })).toBe(1);
    expect(sample(text, 'actionbridge_connector_duration_seconds_count', { connector: 'jira', operation: 'createIssue' })).toBe(2);
    expect(sample(text, 'actionbridge_connector_circuit_state', { connector: 'jira' })).toBe(2);
  });

  it('reports outbox depth, oldest age and dead letters, and process metrics', () => {
    expect(sample(text, 'actionbridge_outbox_depth', {})).toBe(3);
    expect(sample(text, 'actionbridge_outbox_oldest_age_seconds', {})).toBe(42);
    expect(sample(text, 'actionbridge_dead_letters', {})).toBe(3);
    expect(text).toContain('process_cpu_user_seconds_total');
  });
});

describe('actionOutcome', () => {
  it('maps statuses to outcomes', () => {
    expect(actionOutcome(200, 'a')).toBe('success');
    expect(actionOutcome(400, 'a')).toBe('rejected');
    expect(actionOutcome(400, null)).toBe('invalid_request');
    expect(actionOutcome(404, 'a')).toBe('unknown_action');
    expect(actionOutcome(449, 'a')).toBe('domain_needed');
    expect(actionOutcome(413, null)).toBe('invalid_request');
    expect(actionOutcome(500, 'a')).toBe('error');
  });
});

describe('METRICS_TOKEN', () => {
  let s: { server: ActionServer; url: string };
  beforeAll(async () => {
    s = await start(new Metrics({ defaultMetrics: false }), TOKEN);
  });
  afterAll(() => s.server.shutdown());

  it('401 without the token, 200 with it', async () => {
    const res = await request(s.url, { path: '/metrics' });
    expect(res.status).toBe(401);
    expect(res.json()).toMatchObject({ code: 'unauthorized' });
    expect((await request(s.url, { path: '/metrics', headers: { Authorization: `Bearer ${TOKEN}` } })).status).toBe(200);
  });
});
