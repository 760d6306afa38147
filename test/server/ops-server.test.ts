import request from 'supertest';
import { Metrics } from '../../src/observability/metrics';
import { captureLogs } from '../support/log-capture';
import { createOpsServer, type OpsServer } from '../../src/server/ops-server';

describe('the operations server a worker serves on WORKER_PORT', () => {
  let ops: OpsServer;
  let url: string;
  let queueUp = true;
  const logs = captureLogs();
  beforeAll(async () => {
    const metrics = new Metrics({ defaultMetrics: false });
    metrics.connectorCall('jira', 'createIssue', 'success', 12);
    const readiness = [
      { name: 'store', check: async () => undefined },
      {
        name: 'queue',
        check: async () => {
          if (!queueUp) throw new Error('broker unreachable');
        },
      },
    ];
    ops = createOpsServer({ metrics, readiness, metricsToken: ['ops-token'], logger: logs.logger });
    const addr = await ops.listen(0, '127.0.0.1');
    url = `http://127.0.0.1:${addr.port}`;
  });
  afterAll(() => ops.close());

  it('answers /health as the action server does', async () => {
    const res = await request(url).get('/health');
    expect(res.status).toBe(200);
    expect(res.body).toEqual({ status: 'ok' });
  });

  it('/ready follows its checks: 503 naming the failing one', async () => {
    expect((await request(url).get('/ready')).status).toBe(200);
    queueUp = false;
    const down = await request(url).get('/ready');
    queueUp = true;
    expect(down.status).toBe(503);
    // The answer names the check and a reason code; the error itself is in the log.
    expect(down.body).toEqual({ status: 'not_ready', checks: { store: { ok: true }, queue: { ok: false, reason: 'failed' } } });
    const line = await logs.waitFor((l) => l.message === 'readiness check failed');
    expect(line).toMatchObject({ level: 'warn', check: 'queue', reason: 'failed' });
    expect(JSON.stringify(line)).toContain('broker unreachable');
  });

  it('/metrics and /status.json are behind METRICS_TOKEN, and show the process’s own counts', async () => {
    expect((await request(url).get('/metrics')).status).toBe(401);
    expect((await request(url).get('/status.json')).status).toBe(401);
    const res = await request(url).get('/metrics').set('Authorization', 'Bearer ops-token');
    expect(res.status).toBe(200);
    expect(res.text).toContain('actionbridge_connector_calls_total{connector="jira",operation="createIssue",outcome="success"} 1');
  });

  it('anything else is a JSON 404; it serves no action routes', async () => {
    for (const [method, path] of [['post', '/webhook'], ['get', '/actions'], ['get', '/nope']] as const) {
      const res = await request(url)[method](path);
      expect(res.status).toBe(404);
      expect(res.body).toMatchObject({ code: 'not_found' });
    }
  });

  it('close() can be called twice', async () => {
    const other = createOpsServer({ metrics: new Metrics({ defaultMetrics: false }), readiness: [], logger: logs.logger });
    await other.listen(0, '127.0.0.1');
    await other.close();
    await expect(other.close()).resolves.toBeUndefined();
  });
});
