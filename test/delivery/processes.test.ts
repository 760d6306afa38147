/**
 * Real processes on one PostgreSQL and one RabbitMQ: `actionbridge serve` and `actionbridge
 * worker` children, the Jira fake in this process. Every ticket must exist exactly once at the
 * fake, whatever the processes go through.
 */
import request from 'supertest';
import { Outbox } from '../../src/delivery/outbox';
import { signature } from '../../src/http/signature';
import { FakeJira } from '../support/fakes/jira';
import { migrate, type PgStore } from '../../src/store';
import { ensureBuilt, runCli, type RunningProcess } from '../support/process';
import { webhookBody } from '../support/webhook-body';
import { createPgSchema, databaseUrl, type PgSchema } from '../support/stores';
import { amqpUrl, deleteQueues, uniqueQueue } from '../support/amqp';
import { CREATE, eventually, JIRA_AUTH, ticketJob } from '../support/delivery';

jest.setTimeout(240_000);

function schemaUrl(schema: string): string {
  const u = new URL(databaseUrl());
  u.searchParams.set('options', `-c search_path=${schema}`);
  return u.toString();
}

describe('servers and workers as processes on PostgreSQL + RabbitMQ', () => {
  let schema: PgSchema;
  let store: PgStore;
  let jira: FakeJira;
  let queue: string;
  const children: RunningProcess[] = [];

  beforeAll(() => ensureBuilt());
  beforeEach(async () => {
    schema = await createPgSchema();
    store = schema.store(4);
    await migrate(store);
    jira = await new FakeJira(JIRA_AUTH).start();
    queue = uniqueQueue();
  });
  afterEach(async () => {
    for (const c of children.splice(0)) {
      if (c.child.exitCode === null && c.child.signalCode === null) c.child.kill('SIGKILL');
      await c.exited;
    }
    await jira.stop();
    await store.close();
    await schema.drop();
    await deleteQueues(queue);
  });

  function env(extra: Record<string, string> = {}): Record<string, string> {
    return {
      DATABASE_URL: schemaUrl(schema.name),
      DATABASE_POOL_MAX: '5',
      AMQP_URL: amqpUrl(),
      AMQP_QUEUE: queue,
      AMQP_PREFETCH: '8',
      TICKETING_PROVIDER: 'jira',
      JIRA_HOST: jira.url,
      JIRA_EMAIL: JIRA_AUTH.email,
      JIRA_API_TOKEN: JIRA_AUTH.apiToken,
      JIRA_PROJECT_KEY: 'SUP',
      OUTBOX_POLL_MS: '50',
      OUTBOX_RETRY_BASE_MS: '50',
      OUTBOX_RETRY_MAX_MS: '500',
      OUTBOX_MAX_ATTEMPTS: '40',
      OUTBOX_LEASE_MS: '120000',
      HOST: '127.0.0.1',
      PORT: '0',
      LOG_LEVEL: 'info',
      ...extra,
    };
  }

  async function worker(extra: Record<string, string> = {}): Promise<RunningProcess> {
    const p = runCli(['worker'], env(extra));
    children.push(p);
    await p.waitForLog('ActionBridge worker ready');
    return p;
  }

  async function server(extra: Record<string, string> = {}): Promise<string> {
    const p = runCli(['serve'], env(extra));
    children.push(p);
    const line = await p.waitForLog('ActionBridge listening');
    return `http://127.0.0.1:${String(line.port)}`;
  }

  it('takes over the job of a worker killed mid-job (SIGKILL) once its lease ran out, and completes it once', async () => {
    const outbox = new Outbox(store);
    // Jira files the issue but answers only after the worker is dead.
    jira.delay({ ms: 20_000, match: CREATE });
    const { job } = await outbox.enqueue(store, ticketJob('killed'));
    // A short lease: the dead worker stops renewing it, and the job is free 3 s later.
    const a = await worker({ JIRA_TIMEOUT_MS: '30000', OUTBOX_LEASE_MS: '3000' });
    await eventually('the worker reached Jira', () => jira.requests.filter(CREATE).length === 1, 30_000);
    expect(await outbox.get(job.reference)).toMatchObject({ status: 'running', attempts: 1 });
    a.child.kill('SIGKILL');
    expect(await a.exited).toBe('SIGKILL');
    expect(jira.issues.size).toBe(1);

    // RabbitMQ redelivers the unacked message at once, but the lease still names the dead
    // worker: the job is republished and taken over only when that lease ran out.
    await worker({ OUTBOX_LEASE_MS: '3000' });
    await eventually('job completed', async () => (await outbox.get(job.reference))?.status === 'done', 30_000);
    const done = await outbox.get(job.reference);
    expect(done).toMatchObject({ attempts: 2, result: { key: 'SUP-1', found: true } });
    expect(jira.issues.size).toBe(1);
    expect(jira.requests.filter(CREATE)).toHaveLength(1);
  });

  it('a worker with WORKER_PORT serves /health, /ready and /metrics, and counts its connector calls there', async () => {
    const token = 'worker-metrics-token';
    const w = runCli(['worker'], env({ WORKER_PORT: '0', METRICS_TOKEN: token }));
    children.push(w);
    const ready = await w.waitForLog('ActionBridge worker ready');
    expect(ready.port).toEqual(expect.any(Number));
    const url = `http://127.0.0.1:${String(ready.port)}`;

    expect((await request(url).get('/health')).body).toEqual({ status: 'ok' });
    const readiness = await request(url).get('/ready');
    expect(readiness.status).toBe(200);
    expect(readiness.body).toEqual({ status: 'ready', checks: { store: { ok: true }, migrations: { ok: true }, queue: { ok: true } } });
    expect((await request(url).get('/metrics')).status).toBe(401);

    const outbox = new Outbox(store);
    const { job } = await outbox.enqueue(store, ticketJob('scraped'));
    await eventually('job completed', async () => (await outbox.get(job.reference))?.status === 'done', 30_000);
    const metrics = await request(url).get('/metrics').set('Authorization', `Bearer ${token}`);
    expect(metrics.status).toBe(200);
    expect(metrics.text).toMatch(/^actionbridge_connector_calls_total\{connector="jira",operation="[^"]+",outcome="success"\} 1$/m);
    expect((await request(url).get('/status.json').set('Authorization', `Bearer ${token}`)).status).toBe(200);

    w.child.kill('SIGTERM');
    expect(await w.exited).toBe(0);
  });

  it('accepts a signed webhook at a server process and a worker files its ticket', async () => {
    const secret = 'zapier-process-secret';
    const url = await server({ HOOK_SECRET_ZAPIER: secret });
    await worker();
    const body = JSON.stringify({ job: 'ticket.create', data: { summary: 'From Zapier', description: 'A Zap asked for this.', severity: 'low', reference: 'zap-77' } });
    const ts = Math.floor(Date.now() / 1000);
    const headers = { 'Content-Type': 'application/json', 'X-ActionBridge-Timestamp': String(ts), 'X-ActionBridge-Signature': signature(secret, ts, body), 'X-ActionBridge-Delivery': 'zap-77' };
    const accepted = await request(url).post('/hooks/zapier').set(headers).send(body);
    expect(accepted.status).toBe(202);
    const forged = await request(url).post('/hooks/zapier').set({ ...headers, 'X-ActionBridge-Delivery': 'zap-78' }).send(body.replace('low', 'high'));
    expect(forged.status).toBe(401);
    const outbox = new Outbox(store);
    await eventually('ticket filed', async () => (await outbox.get(accepted.body.reference as string))?.status === 'done', 30_000);
    expect(jira.issues.size).toBe(1);
    expect([...jira.issues.values()][0]!.fields.summary).toBe('From Zapier');
  });

  it('two servers and two workers file a burst of 300 tickets, each exactly once', async () => {
    let creates = 0;
    // Every 6th create is refused with a Retry-After too long to wait for in the chat (nothing
    // filed: that attempt fails and the job goes through RabbitMQ to a worker), and every 11th is
    // filed but answered after the attempt timeout (found by its reference label, not re-filed).
    jira.fail({
      status: 503,
      times: Infinity,
      headers: { 'Retry-After': '30' },
      body: { errorMessages: ['Service unavailable'] },
      match: (r) => CREATE(r) && ++creates % 6 === 0,
    });
    jira.delay({ ms: 2_500, times: Infinity, match: (r) => CREATE(r) && creates % 11 === 0 });
    const processEnv = { JIRA_TIMEOUT_MS: '1000', JIRA_MAX_ATTEMPTS: '2', DELIVERY_BUDGET_MS: '1500' };
    const urls = await Promise.all([server(processEnv), server(processEnv)]);
    const workers = await Promise.all([worker(processEnv), worker(processEnv)]);

    const N = 300;
    const spec = (i: number) => ({
      senderId: `burst-${i}`,
      events: [{ event: 'user' as const, text: `problem number ${i}`, timestamp: 1_700_000_000 + i }],
      slots: { ticket_summary: `Burst problem ${i}`, ticket_description: `Details of burst problem ${i}.`, ticket_severity: 'high' },
    });
    const answers = new Map<number, string>();
    const send = async (i: number, url: string) => {
      const res = await request(url).post('/webhook').send(webhookBody('action_file_ticket', spec(i))).timeout(30_000);
      expect(res.status).toBe(200);
      const slot = (res.body.events as { event: string; name?: string; value?: unknown }[]).find((e) => e.event === 'slot' && e.name === 'ticket_key');
      return String(slot?.value);
    };
    // 300 requests over both servers, 20 at a time; then 30 of them re-sent to the other server.
    let next = 0;
    await Promise.all(
      Array.from({ length: 20 }, async () => {
        while (next < N) {
          const i = next++;
          answers.set(i, await send(i, urls[i % 2]!));
        }
      }),
    );
    const resent = await Promise.all(Array.from({ length: 30 }, (_, k) => k * 10).map(async (i) => ({ i, key: await send(i, urls[(i + 1) % 2]!) })));

    await eventually('every job delivered', async () => (await new Outbox(store).counts()).done === N, 150_000);
    const counts = await new Outbox(store).counts();
    expect(counts).toMatchObject({ done: N, dead: 0, pending: 0, queued: 0, running: 0 });
    expect(jira.issues.size).toBe(N);
    const labels = [...jira.issues.values()].map((issue) => issue.fields.labels.filter((l) => l.startsWith('ab-') && !/^ab-(conversation|customer)-/.test(l)));
    // Every issue also says who filed it (a conversation label, beside the reference label).
    expect([...jira.issues.values()].every((issue) => issue.fields.labels.some((l) => l.startsWith('ab-conversation-')))).toBe(true);
    expect(labels.every((l) => l.length === 1)).toBe(true);
    expect(new Set(labels.map((l) => l[0])).size).toBe(N);
    // Jobs whose first attempt failed were finished later, by the workers.
    const retried = await store.query<{ n: number }>('SELECT count(*)::int AS n FROM outbox_jobs WHERE attempts > 1');
    expect(retried.rows[0]!.n).toBeGreaterThan(0);
    const deliveredByWorkers = () => workers.reduce((sum, w) => sum + w.stdout().split('\n').filter((l) => l.includes('"job delivered"')).length, 0);
    await eventually('worker logs show deliveries', () => deliveredByWorkers() > 0, 10_000);
    // Some went through the queue (a reference), most were filed at once (a key).
    const keys = [...answers.values()];
    expect(keys.every((k) => /^(SUP-\d+|REF-[0-9A-Z]{10})$/.test(k))).toBe(true);
    expect(keys.some((k) => k.startsWith('REF-'))).toBe(true);
    // A re-sent call names the same ticket (or the same queued request) as the first.
    const { rows } = await store.query<{ reference: string; key: string }>(`SELECT reference, result->>'key' AS key FROM outbox_jobs`);
    const keyOf = new Map(rows.map((r) => [r.reference, r.key]));
    const resolve = (k: string) => (k.startsWith('REF-') ? keyOf.get(k) : k);
    for (const { i, key } of resent) expect(resolve(key)).toBe(resolve(answers.get(i)!));
  });
});
