/**
 * An info item of the security audit (#13): the per-IP limit covered /webhook only, so a client
 * could flood `/dialogflow/es` and `/dialogflow/cx` freely. Both now count against the same
 * per-IP budget, answered 429 with Retry-After like /webhook.
 */
import { silentLogger } from '../../src/observability/logger';
import { createActionServer } from '../../src/server/app';
import { echoAction } from '../support/actions';
import { cxRequest, esRequest, MAPPING_FILE } from '../support/dialogflow';
import { postWebhook, request } from '../support/http';
import { registryOf } from '../support/server';
import { webhookBody } from '../support/webhook-body';

describe('the per-IP limit', () => {
  it('counts Dialogflow calls and /webhook calls against one budget', async () => {
    const server = createActionServer({
      config: { BODY_LIMIT: 1024 * 1024, SHUTDOWN_TIMEOUT_MS: 2_000, RATE_LIMIT_IP_PER_MINUTE: 3, DIALOGFLOW_MAPPING_FILE: MAPPING_FILE },
      registry: registryOf(echoAction),
      logger: silentLogger(),
    });
    const url = `http://127.0.0.1:${(await server.listen(0, '127.0.0.1')).port}`;
    const post = (path: string, body: unknown) =>
      request(url, { method: 'POST', path, headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
    try {
      expect((await post('/dialogflow/es', esRequest({ intent: 'echo' }))).status).toBe(200);
      expect((await post('/dialogflow/cx', cxRequest({ tag: 'echo' }))).status).toBe(200);
      expect((await postWebhook(url, webhookBody('action_echo', { senderId: 'u' }))).status).toBe(200);
      for (const refused of [await post('/dialogflow/es', esRequest({ intent: 'echo' })), await post('/dialogflow/cx', cxRequest({ tag: 'echo' }))]) {
        expect(refused.status).toBe(429);
        expect(refused.json()).toMatchObject({ code: 'rate_limited' });
        expect(Number(refused.headers['retry-after'])).toBeGreaterThan(0);
      }
    } finally {
      await server.shutdown();
    }
  });
});
