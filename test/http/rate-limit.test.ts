/** Inbound limits on POST /webhook: per client IP, per sender, and shared between processes through Redis. */
import { randomUUID } from 'node:crypto';
import { loadConfig } from '../../src/config';
import { silentLogger } from '../../src/observability/logger';
import { Metrics } from '../../src/observability/metrics';
import { createActionServer, type ActionServer } from '../../src/server/app';
import { echoAction } from '../support/actions';
import { ensureBuilt, runCli, type RunningProcess } from '../support/process';
import { registryOf } from '../support/server';
import { webhookBody } from '../support/webhook-body';

const REDIS_URL = process.env.REDIS_URL ?? 'redis://127.0.0.1:6379';

function post(port: number, body: unknown): Promise<Response> {
  return fetch(`http://127.0.0.1:${port}/webhook`, { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify(body) });
}

async function inProcess(env: Record<string, string>, metrics?: Metrics): Promise<{ server: ActionServer; port: number }> {
  const server = createActionServer({ config: loadConfig(env), registry: registryOf(echoAction), logger: silentLogger(), metrics });
  const { port } = await server.listen(0, '127.0.0.1');
  return { server, port };
}

describe('per-IP limit on POST /webhook', () => {
  it('answers 429 JSON with Retry-After once the client IP is over its limit, before running the action', async () => {
    const metrics = new Metrics({ defaultMetrics: false });
    const { server, port } = await inProcess({ RATE_LIMIT_IP_PER_MINUTE: '3' }, metrics);
    try {
      const statuses: number[] = [];
      let last: Response | undefined;
      for (let i = 0; i < 5; i++) {
        last = await post(port, webhookBody('action_echo', { senderId: `s${i}` }));
        statuses.push(last.status);
        if (last.status !== 429) await last.text();
      }
      expect(statuses).toEqual([200, 200, 200, 429, 429]);
      expect(Number(last!.headers.get('retry-after'))).toBeGreaterThanOrEqual(1);
      expect(Number(last!.headers.get('retry-after'))).toBeLessThanOrEqual(60);
      expect(await last!.json()).toMatchObject({ code: 'rate_limited' });
      expect((await fetch(`http://127.0.0.1:${port}/health`)).status).toBe(200);
      expect(await metrics.render()).toContain('actionbridge_rate_limited_total{scope="ip"} 2');
    } finally {
      await server.shutdown();
    }
  });
});

describe('per-sender limit on POST /webhook', () => {
  it('throttles one conversation with 429 + Retry-After while the others go on', async () => {
    const metrics = new Metrics({ defaultMetrics: false });
    const { server, port } = await inProcess({ RATE_LIMIT_SENDER_PER_MINUTE: '2' }, metrics);
    try {
      const statuses: number[] = [];
      for (let i = 0; i < 3; i++) {
        const res = await post(port, webhookBody('action_echo', { senderId: 'chatty' }));
        statuses.push(res.status);
        if (i < 2) await res.text();
        else {
          expect(Number(res.headers.get('retry-after'))).toBeGreaterThanOrEqual(1);
          expect(await res.json()).toMatchObject({ code: 'rate_limited', error: expect.stringMatching(/conversation/), request_id: expect.any(String) });
        }
      }
      expect(statuses).toEqual([200, 200, 429]);
      const other = await post(port, webhookBody('action_echo', { senderId: 'calm' }));
      expect(other.status).toBe(200);
      expect(await metrics.render()).toMatch(/actionbridge_action_requests_total\{action="action_echo",outcome="rate_limited"\} 1/);
      expect(await metrics.render()).toContain('actionbridge_rate_limited_total{scope="sender"} 1');
    } finally {
      await server.shutdown();
    }
  });

  it('does not count the 449 domain handshake: Rasa re-sends the call with the domain', async () => {
    const { server, port } = await inProcess({ RATE_LIMIT_SENDER_PER_MINUTE: '1' });
    try {
      const withoutDomain = { ...webhookBody('action_echo', { senderId: 'handshake' }), domain: undefined, domain_digest: 'digest-1' };
      const first = await post(port, withoutDomain);
      expect(first.status).toBe(449);
      await first.text();
      const retried = await post(port, { ...webhookBody('action_echo', { senderId: 'handshake' }), domain_digest: 'digest-1' });
      expect(retried.status).toBe(200);
    } finally {
      await server.shutdown();
    }
  });
});

describe('limits shared through Redis by two server processes', () => {
  const servers: RunningProcess[] = [];
  beforeAll(() => ensureBuilt());
  afterAll(async () => {
    for (const s of servers) if (s.child.exitCode === null) s.child.kill('SIGTERM');
    await Promise.all(servers.map((s) => s.exited));
  });

  it('one conversation gets one budget across both processes, and so does one client IP', async () => {
    const env = {
      HOST: '127.0.0.1',
      PORT: '0',
      REDIS_URL,
      RATE_LIMIT_KEY_PREFIX: `test:${randomUUID()}`,
      RATE_LIMIT_SENDER_PER_MINUTE: '3',
      RATE_LIMIT_IP_PER_MINUTE: '8',
      LOG_LEVEL: 'warn',
    };
    for (let i = 0; i < 2; i++) servers.push(runCli(['serve'], { ...env, LOG_LEVEL: 'info' }));
    const ports = await Promise.all(servers.map(async (s) => (await s.waitForLog('ActionBridge listening')).port as number));
    const greet = (senderId: string) => webhookBody('action_greet', { senderId, slots: { user_name: 'Ada' } });

    // Sender budget 3/min: alternate between the processes; the 4th call is refused wherever it lands.
    const senderStatuses: number[] = [];
    for (const port of [ports[0]!, ports[1]!, ports[0]!, ports[1]!]) {
      const res = await post(port, greet('shared-conversation'));
      senderStatuses.push(res.status);
      await res.text();
    }
    expect(senderStatuses).toEqual([200, 200, 200, 429]);

    // IP budget 8/min: 4 calls were made above; 4 more pass (other senders), the 9th is refused.
    const ipStatuses: number[] = [];
    for (let i = 0; i < 5; i++) {
      const res = await post(ports[i % 2]!, greet(`other-${i}`));
      ipStatuses.push(res.status);
      await res.text();
    }
    expect(ipStatuses).toEqual([200, 200, 200, 200, 429]);
    for (const s of servers) expect(s.stdout()).not.toMatch(/rate limiter failed|unreachable/);
  }, 60_000);
});
