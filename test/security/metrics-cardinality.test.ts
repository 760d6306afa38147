/**
 * Finding 8 of the security audit (#13): 100 calls naming unknown 10 KB actions grew /metrics
 * from 11.6 KB to 15.1 MB, one time series per name, kept for the life of the process. Only the
 * server's registered actions are label values now; every other name is counted as `unknown`.
 */
import { Metrics } from '../../src/observability/metrics';
import { createActionServer } from '../../src/server/app';
import { silentLogger } from '../../src/observability/logger';
import { echoAction } from '../support/actions';
import { postWebhook, request } from '../support/http';
import { registryOf } from '../support/server';
import { webhookBody } from '../support/webhook-body';

describe('metrics label values fed by requests', () => {
  it('stay bounded by what the server knows, however many names callers invent', async () => {
    const metrics = new Metrics({ defaultMetrics: false });
    const server = createActionServer({ config: { BODY_LIMIT: 1024 * 1024, SHUTDOWN_TIMEOUT_MS: 2_000 }, registry: registryOf(echoAction), logger: silentLogger(), metrics });
    const { port } = await server.listen(0, '127.0.0.1');
    const url = `http://127.0.0.1:${port}`;
    try {
      expect((await postWebhook(url, webhookBody('action_echo', { senderId: 'u' }))).status).toBe(200);
      const before = (await request(url, { path: '/metrics' })).text.length;
      for (let i = 0; i < 100; i++) {
        const name = `action_${i}_${'x'.repeat(10_000)}`;
        expect((await postWebhook(url, { ...webhookBody(name, { senderId: 'u' }), domain: { actions: [name] } })).status).toBe(404);
      }
      const text = (await request(url, { path: '/metrics' })).text;
      expect(text).not.toContain('x'.repeat(100));
      expect(text).toMatch(/actionbridge_action_requests_total\{action="unknown",outcome="unknown_action"\} 100/);
      expect(text).toMatch(/actionbridge_action_requests_total\{action="action_echo",outcome="success"\} 1/);
      // One more series family member for `unknown`, not a hundred: the page barely grows.
      expect(text.length).toBeLessThan(before + 4_000);
    } finally {
      await server.shutdown();
    }
  });
});
