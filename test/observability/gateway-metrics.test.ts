/** The gateway reports real calls, retries, errors and breaker changes into the metrics. */
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { ConnectorError, fromHttpStatus } from '../../src/connectors/kit/connector-error';
import { Gateway } from '../../src/connectors/kit/gateway';
import { Metrics } from '../../src/observability/metrics';

const normalize = (err: unknown) => (err instanceof ConnectorError ? err : undefined);

describe('gateway → metrics', () => {
  let server: http.Server;
  let url = '';
  beforeAll(async () => {
    server = http.createServer((_req, res) => {
      res.writeHead(503, { 'content-type': 'application/json' });
      res.end('{}');
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/`;
  });
  afterAll(() => new Promise<void>((r) => server.close(() => r())));

  it('counts failures by kind, retries, and shows the breaker open', async () => {
    const metrics = new Metrics({ defaultMetrics: false });
    const gw = new Gateway({ random: () => 0, observer: metrics.gatewayObserver() });
    gw.register('jira', normalize, { maxAttempts: 2, initialDelayMs: 1, maxDelayMs: 1, breakerThreshold: 2, halfOpenAfterMs: 60_000 });
    const failing = async (signal: AbortSignal) => {
      const res = await fetch(url, { signal });
      throw fromHttpStatus('jira', res.status, `HTTP ${res.status}`);
    };
    await expect(gw.call('jira', 'getIssue', failing, { idempotent: true })).rejects.toBeInstanceOf(ConnectorError);
    await expect(gw.call('jira', 'getIssue', failing, { idempotent: true })).rejects.toBeInstanceOf(ConnectorError);
    expect(gw.breakerState('jira')).toBe('open');

    const text = await metrics.render();
    expect(text).toContain('actionbridge_connector_calls_total{connector="jira",operation="getIssue",outcome="failure"} 2');
    expect(text).toMatch(/actionbridge_connector_errors_total\{connector="jira",kind="[a-z_]+"\} 2/);
    expect(text).toContain('actionbridge_connector_retries_total{connector="jira"} 1');
    expect(text).toContain('actionbridge_connector_duration_seconds_count{connector="jira",operation="getIssue"} 2');
    expect(text).toContain('actionbridge_connector_circuit_state{connector="jira"} 2');
  });
});
