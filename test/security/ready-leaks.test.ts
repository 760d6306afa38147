/**
 * Info item (b) of the security audit (#13): unauthenticated `GET /ready` answered with each
 * failing dependency's own error message: PostgreSQL's and RabbitMQ's words, with host names,
 * ports, users and queue names. It now answers the check names, ok or not, and a reason code from
 * a fixed list; the error goes to the log, where the operator looks.
 */
import { NotReady, storeReadiness, type ReadinessCheck } from '../../src/observability/readiness';
import { ActionRegistry } from '../../src/sdk/registry';
import { createActionServer, type ActionServer } from '../../src/server/app';
import { PgStore } from '../../src/store';
import { captureLogs, type LogCapture } from '../support/log-capture';
import { closedPort } from '../support/http';

const REASONS = ['timeout', 'failed', 'not_started', 'migrations_pending'];

describe('/ready tells unauthenticated callers names and reason codes only', () => {
  let server: ActionServer;
  let url: string;
  let logs: LogCapture;
  let store: PgStore;
  let port: number;

  beforeAll(async () => {
    port = await closedPort();
    // A real PostgreSQL client against a port nobody listens on: its error names host and port.
    store = new PgStore({ connectionString: `postgres://reporting_user:secret-pw@127.0.0.1:${port}/orders_db` });
    const internal: ReadinessCheck = {
      name: 'vendor',
      check: () => Promise.reject(new Error('getaddrinfo ENOTFOUND crm-primary.internal.example.corp')),
    };
    const notStarted: ReadinessCheck = { name: 'queue', check: () => Promise.reject(new NotReady('not_started', 'relay for amqp://rabbit.internal:5672 not running')) };
    const hanging: ReadinessCheck = { name: 'slow', check: () => new Promise<void>(() => undefined) };
    logs = captureLogs();
    server = createActionServer({
      config: { BODY_LIMIT: 1024 * 1024, SHUTDOWN_TIMEOUT_MS: 1_000 },
      registry: new ActionRegistry(),
      logger: logs.logger,
      readiness: [...storeReadiness(store), internal, notStarted, hanging],
    });
    const listening = await server.listen(0, '127.0.0.1');
    url = `http://127.0.0.1:${listening.port}`;
  });
  afterAll(async () => {
    await server.shutdown();
    await store.close();
  });

  it('answers 503 with each check as ok or a reason code, and nothing the dependencies said', async () => {
    const res = await fetch(`${url}/ready`);
    const text = await res.text();
    expect(res.status).toBe(503);
    expect(JSON.parse(text)).toEqual({
      status: 'not_ready',
      checks: {
        store: { ok: false, reason: 'failed' },
        migrations: { ok: false, reason: 'failed' },
        vendor: { ok: false, reason: 'failed' },
        queue: { ok: false, reason: 'not_started' },
        slow: { ok: false, reason: 'timeout' },
      },
    });
    for (const leak of [String(port), '127.0.0.1', 'ECONNREFUSED', 'reporting_user', 'secret-pw', 'orders_db', 'crm-primary', 'ENOTFOUND', 'rabbit.internal', 'no answer within']) {
      expect([leak, text.includes(leak)]).toEqual([leak, false]);
    }
  });

  it('logs each failing check with its cause (credentials redacted)', async () => {
    await fetch(`${url}/ready`);
    const failed = (check: string) => logs.waitFor((l) => l.message === 'readiness check failed' && l.check === check);
    const store = await failed('store');
    expect(store).toMatchObject({ level: 'warn', reason: 'failed' });
    // The store's own error only says "not reachable"; its cause says where.
    expect(JSON.stringify(store)).toContain(`ECONNREFUSED 127.0.0.1:${port}`);
    expect(JSON.stringify(await failed('vendor'))).toContain('crm-primary.internal.example.corp');
    expect(JSON.stringify(await failed('queue'))).toContain('rabbit.internal');
    expect(JSON.stringify(await failed('slow'))).toContain('no answer within 2000 ms');
    expect(logs.text()).not.toContain('secret-pw');
  });

  it('uses only the documented reason codes', async () => {
    const body = (await (await fetch(`${url}/ready`)).json()) as { checks: Record<string, { reason?: string }> };
    for (const result of Object.values(body.checks)) expect(REASONS).toContain(result.reason);
  });
});
