/** Graceful shutdown: in-flight calls finish, new connections are refused, shutdown resolves. */
import http from 'node:http';
import { gatedAction } from '../support/actions';
import { postWebhook, request } from '../support/http';
import { registryOf, startTestServer } from '../support/server';
import { webhookBody } from '../support/webhook-body';

describe('ActionServer.shutdown()', () => {
  it('lets an in-flight call finish with 200, refuses new connections, then resolves', async () => {
    const slow = gatedAction();
    const s = await startTestServer(registryOf(slow.action));
    const inFlight = postWebhook(s.url, webhookBody('action_slow'));
    await slow.started;

    let shutdownDone = false;
    const shutdown = s.close().then(() => (shutdownDone = true));

    const refused = await request(s.url, { path: '/health' }).then(
      (res) => `answered ${res.status}`,
      (err: NodeJS.ErrnoException) => err.code,
    );
    expect(['ECONNREFUSED', 'ECONNRESET']).toContain(refused);
    expect(shutdownDone).toBe(false);

    slow.release();
    const res = await inFlight;
    expect(res.status).toBe(200);
    expect(res.json()).toMatchObject({ responses: [{ text: 'finally done' }] });
    expect(res.headers.connection).toBe('close');
    await shutdown;
    expect(shutdownDone).toBe(true);
    expect(s.server.server.listening).toBe(false);
  });

  it('resolves right away with no calls in flight, even with an idle keep-alive connection open', async () => {
    const s = await startTestServer(registryOf(gatedAction().action));
    const agent = new http.Agent({ keepAlive: true });
    try {
      const status = await new Promise<number>((resolve, reject) => {
        http
          .get(`${s.url}/health`, { agent }, (res) => {
            res.resume();
            res.on('end', () => resolve(res.statusCode ?? 0));
          })
          .on('error', reject);
      });
      expect(status).toBe(200);
      await s.close();
      expect(s.server.server.listening).toBe(false);
    } finally {
      agent.destroy();
    }
  });

  it('gives up on a call that outlives SHUTDOWN_TIMEOUT_MS and still resolves', async () => {
    const stuck = gatedAction();
    const s = await startTestServer(registryOf(stuck.action), { shutdownTimeoutMs: 100 });
    const inFlight = postWebhook(s.url, webhookBody('action_slow')).then(
      (res) => res.status,
      (err: NodeJS.ErrnoException) => err.code,
    );
    await stuck.started;
    await s.close();
    expect(await inFlight).toBe('ECONNRESET');
    stuck.release();
  });

  it('calling shutdown twice is harmless', async () => {
    const s = await startTestServer(registryOf(gatedAction().action));
    await Promise.all([s.close(), s.close()]);
    await s.close();
    expect(s.server.server.listening).toBe(false);
  });
});
