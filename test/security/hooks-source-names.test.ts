/**
 * Finding 12 of the security audit (#13): `POST /hooks/constructor` (also `toString`,
 * `hasOwnProperty`) answered 500 with a stack trace in the log, because the source name was
 * looked up on a plain object and found Object.prototype's members. A source is now one of the
 * configured ones or a 404, whatever its name.
 */
import { InboundHooks } from '../../src/channels/hooks/inbound-hooks';
import { Outbox } from '../../src/delivery/outbox';
import type { Store } from '../../src/store';
import { createActionServer } from '../../src/server/app';
import { echoAction } from '../support/actions';
import { request } from '../support/http';
import { captureLogs } from '../support/log-capture';
import { registryOf } from '../support/server';

describe('webhook source names that are Object.prototype members', () => {
  it.each(['constructor', 'toString', 'hasOwnProperty', 'valueOf', '__proto__', 'isPrototypeOf'])('/hooks/%s is a 404, never a 500', async (source) => {
    const logs = captureLogs();
    // The outbox is never reached for an unknown source: a store that would throw proves it.
    const store = new Proxy({}, { get: () => () => Promise.reject(new Error('the store was touched')) }) as unknown as Store;
    const server = createActionServer({
      config: { BODY_LIMIT: 1024 * 1024, SHUTDOWN_TIMEOUT_MS: 2_000 },
      registry: registryOf(echoAction),
      logger: logs.logger,
      hooks: new InboundHooks(new Outbox(store), { secrets: { zapier: 'zapier-secret-0123456789' }, toleranceSeconds: 300 }),
    });
    const { port } = await server.listen(0, '127.0.0.1');
    try {
      const res = await request(`http://127.0.0.1:${port}`, {
        method: 'POST',
        path: `/hooks/${source}`,
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ job: 'ticket.create', data: {} }),
      });
      expect(res.status).toBe(404);
      expect(res.json()).toMatchObject({ code: 'not_found' });
      expect(logs.lines().filter((l) => l.level === 'error')).toEqual([]);
    } finally {
      await server.shutdown();
    }
  });
});
