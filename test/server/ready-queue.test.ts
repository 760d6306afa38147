/**
 * `/ready` of a real `actionbridge serve` process with AMQP_URL: ready while the real RabbitMQ
 * answers on the relay's connection, not ready (503, naming the `queue` check) once that
 * connection is cut and the broker cannot be reached, ready again when it can. The process talks
 * to RabbitMQ through a TCP relay in this test, which is what gets cut (the broker itself keeps
 * running for everyone else). PostgreSQL unreachable → not ready is in ready.test.ts.
 */
import net from 'node:net';
import { createDeliveryRuntime } from '../../src/delivery/runtime';
import { silentLogger } from '../../src/observability/logger';
import { ensureBuilt, runCli, type RunningProcess } from '../support/process';
import { createPgSchema, databaseUrl, type PgSchema } from '../support/stores';
import { amqpUrl, deleteQueues, uniqueQueue } from '../support/amqp';
import { testDeliveryConfig } from '../support/delivery';

jest.setTimeout(120_000);

/** Forwards TCP connections to `target`; `cut()` drops every connection and stops listening. */
class TcpRelay {
  private server: net.Server | null = null;
  private readonly sockets = new Set<net.Socket>();
  /** Connections accepted so far (each one is a connection the server opened to "RabbitMQ"). */
  accepted = 0;
  port = 0;

  constructor(private readonly target: { host: string; port: number }) {}

  async listen(port = 0): Promise<number> {
    const server = net.createServer((client) => {
      this.accepted++;
      const upstream = net.connect(this.target);
      for (const [a, b] of [
        [client, upstream],
        [upstream, client],
      ] as const) {
        this.sockets.add(a);
        a.pipe(b);
        a.on('error', () => b.destroy());
        a.on('close', () => {
          this.sockets.delete(a);
          b.destroy();
        });
      }
    });
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(port, '127.0.0.1', () => resolve());
    });
    this.server = server;
    this.port = (server.address() as net.AddressInfo).port;
    return this.port;
  }

  async cut(): Promise<void> {
    const server = this.server;
    this.server = null;
    for (const s of this.sockets) s.destroy();
    if (server) await new Promise<void>((resolve) => server.close(() => resolve()));
  }
}

function schemaUrl(schema: string): string {
  const u = new URL(databaseUrl());
  u.searchParams.set('options', `-c search_path=${schema}`);
  return u.toString();
}

interface Ready {
  status: number;
  body: { status: string; checks: Record<string, { ok: boolean; reason?: string }> };
  text: string;
}

async function ready(url: string): Promise<Ready> {
  const res = await fetch(`${url}/ready`);
  const text = await res.text();
  return { status: res.status, body: JSON.parse(text) as Ready['body'], text };
}

describe('/ready with RabbitMQ configured (AMQP_URL)', () => {
  let schema: PgSchema;
  let queue: string;
  let relay: TcpRelay;
  let serve: RunningProcess | undefined;

  beforeAll(() => ensureBuilt());
  beforeEach(async () => {
    schema = await createPgSchema();
    queue = uniqueQueue();
    const broker = new URL(amqpUrl());
    relay = new TcpRelay({ host: broker.hostname, port: Number(broker.port || 5672) });
    await relay.listen();
  });
  afterEach(async () => {
    if (serve && serve.child.exitCode === null && serve.child.signalCode === null) serve.child.kill('SIGKILL');
    await serve?.exited;
    serve = undefined;
    await relay.cut();
    await schema.drop();
    await deleteQueues(queue);
  });

  async function startServe(): Promise<string> {
    const broker = new URL(amqpUrl());
    broker.host = `127.0.0.1:${relay.port}`;
    serve = runCli(['serve'], {
      DATABASE_URL: schemaUrl(schema.name),
      DATABASE_POOL_MAX: '3',
      AMQP_URL: broker.toString(),
      AMQP_QUEUE: queue,
      OUTBOX_POLL_MS: '50',
      HOST: '127.0.0.1',
      PORT: '0',
    });
    const line = await serve.waitForLog('ActionBridge listening');
    return `http://127.0.0.1:${String(line.port)}`;
  }

  it('is ready while the broker answers, and the probe reuses the connection it has', async () => {
    const url = await startServe();
    const first = await ready(url);
    expect(first.status).toBe(200);
    expect(first.body).toEqual({ status: 'ready', checks: { store: { ok: true }, migrations: { ok: true }, queue: { ok: true } } });
    const connections = relay.accepted;
    for (let i = 0; i < 5; i++) expect((await ready(url)).status).toBe(200);
    // Probes every few seconds (compose, Kubernetes) must not open a connection each.
    expect(relay.accepted).toBe(connections);
  });

  it('is not ready when the connection to RabbitMQ is cut and the broker is unreachable, and ready again once it is back', async () => {
    const url = await startServe();
    expect((await ready(url)).status).toBe(200);

    const port = relay.port;
    await relay.cut();
    const down = await ready(url);
    expect(down.status).toBe(503);
    expect(down.body.status).toBe('not_ready');
    expect(down.body.checks.queue).toEqual({ ok: false, reason: 'failed' });
    // Only the broker is down: the other checks still pass, so the failing one is named.
    expect(down.body.checks.store).toEqual({ ok: true });
    expect(down.body.checks.migrations).toEqual({ ok: true });
    expect(down.text).not.toContain('guest:guest');
    expect((await fetch(`${url}/health`)).status).toBe(200);

    // The broker reachable again on the same address: the check reconnects on its own.
    await relay.listen(port);
    const back = await ready(url);
    expect(back.body).toEqual({ status: 'ready', checks: { store: { ok: true }, migrations: { ok: true }, queue: { ok: true } } });
  });

  it('is not ready when the work queue was deleted behind the server', async () => {
    const url = await startServe();
    expect((await ready(url)).status).toBe(200);
    await deleteQueues(queue);
    const gone = await ready(url);
    expect(gone.status).toBe(503);
    // Unauthenticated callers learn that the queue check fails, not RabbitMQ's words (which name
    // the queue); the process's log carries them.
    expect(gone.body.checks.queue).toEqual({ ok: false, reason: 'failed' });
    expect(gone.text).not.toContain('NOT_FOUND');
    expect(gone.text).not.toContain(queue);
    const line = await serve!.waitForLog('readiness check failed');
    expect(line).toMatchObject({ check: 'queue', reason: 'failed' });
    expect(JSON.stringify(line)).toContain('NOT_FOUND');
  });
});

describe('DeliveryRuntime.readiness', () => {
  const runtime = (amqp?: { url: string; queue: string; prefetch: number }) =>
    createDeliveryRuntime({ store: {} as never, ports: {}, config: testDeliveryConfig({ amqp }), logger: silentLogger() });

  it('has no queue check without AMQP_URL (in-process delivery)', () => {
    expect(runtime().readiness()).toEqual([]);
  });

  it('fails its queue check while delivery is not started, without connecting', async () => {
    const checks = runtime({ url: 'amqp://guest:guest@127.0.0.1:1', queue: 'never-used', prefetch: 1 }).readiness();
    expect(checks.map((c) => c.name)).toEqual(['queue']);
    await expect(checks[0]!.check()).rejects.toThrow('the RabbitMQ relay is not running');
  });
});
