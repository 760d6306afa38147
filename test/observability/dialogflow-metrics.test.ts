/** Dialogflow adapter calls are counted like /webhook calls. */
import { silentLogger } from '../../src/observability/logger';
import { Metrics } from '../../src/observability/metrics';
import { createActionServer } from '../../src/server/app';
import { esRequest, postJson } from '../support/dialogflow';
import { testRegistry } from '../support/dialogflow-actions';

describe('Dialogflow → metrics', () => {
  it('counts an ES call under its action', async () => {
    const metrics = new Metrics({ defaultMetrics: false });
    const server = createActionServer({ config: { BODY_LIMIT: 1024 * 1024, SHUTDOWN_TIMEOUT_MS: 5_000 }, registry: testRegistry(), logger: silentLogger(), metrics });
    const { port } = await server.listen(0, '127.0.0.1');
    try {
      const res = await postJson(`http://127.0.0.1:${port}/dialogflow/es`, esRequest({ intent: 'Remember Color', parameters: { color: 'blue' } }));
      expect(res.status).toBe(200);
      const text = await metrics.render();
      expect(text).toMatch(/actionbridge_action_requests_total\{action="action_remember_color",outcome="success"\} 1/);
    } finally {
      await server.shutdown();
    }
  });
});
