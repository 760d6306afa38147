import { silentLogger } from '../../src/observability/logger';
import { storeReadiness, type ReadinessCheck } from '../../src/observability/readiness';
import { ActionRegistry } from '../../src/sdk/registry';
import { createActionServer, type ActionServer } from '../../src/server/app';
import { migrate, PgStore, type Store } from '../../src/store';
import { createPgSchema, type PgSchema } from '../support/stores';
import { closedPort } from '../support/http';

async function serve(readiness: readonly ReadinessCheck[]): Promise<{ url: string; server: ActionServer }> {
  const server = createActionServer({ config: { BODY_LIMIT: 1024 * 1024, SHUTDOWN_TIMEOUT_MS: 1_000 }, registry: new ActionRegistry(), logger: silentLogger(), readiness });
  const { port } = await server.listen(0, '127.0.0.1');
  return { url: `http://127.0.0.1:${port}`, server };
}

async function get(url: string): Promise<{ status: number; body: { status: string; checks: Record<string, { ok: boolean; reason?: string }> } }> {
  const res = await fetch(url);
  return { status: res.status, body: (await res.json()) as never };
}

describe('/health and /ready', () => {
  let schema: PgSchema;
  let store: Store;
  let running: ActionServer[] = [];

  beforeAll(async () => {
    schema = await createPgSchema();
    store = schema.store(2);
  });
  afterEach(async () => {
    await Promise.all(running.map((s) => s.shutdown()));
    running = [];
  });
  afterAll(async () => {
    await store.close();
    await schema.drop();
  });

  it('is not ready before the migrations ran, and ready after', async () => {
    const { url, server } = await serve(storeReadiness(store));
    running.push(server);
    const before = await get(`${url}/ready`);
    expect(before.status).toBe(503);
    expect(before.body).toEqual({ status: 'not_ready', checks: { store: { ok: true }, migrations: { ok: false, reason: 'migrations_pending' } } });

    await migrate(store);
    expect(await get(`${url}/ready`)).toEqual({ status: 200, body: { status: 'ready', checks: { store: { ok: true }, migrations: { ok: true } } } });
  });

  it('is not ready when PostgreSQL is unreachable, while /health stays 200', async () => {
    const port = await closedPort();
    const unreachable = new PgStore({ connectionString: `postgres://postgres:secret-pw@127.0.0.1:${port}/test` });
    try {
      const { url, server } = await serve(storeReadiness(unreachable));
      running.push(server);
      const ready = await get(`${url}/ready`);
      expect(ready.status).toBe(503);
      expect(ready.body.checks.store).toEqual({ ok: false, reason: 'failed' });
      expect(JSON.stringify(ready.body)).not.toContain('secret-pw');
      expect((await fetch(`${url}/health`)).status).toBe(200);
    } finally {
      await unreachable.close();
    }
  });

  it('is ready with no dependencies configured', async () => {
    const { url, server } = await serve([]);
    running.push(server);
    expect(await get(`${url}/ready`)).toEqual({ status: 200, body: { status: 'ready', checks: {} } });
  });
});
