import { WindowLimiter } from '../../../src/server/middleware/rate-limit';
import { silentLogger } from '../../../src/observability/logger';
import { createActionServer } from '../../../src/server/app';
import { loadConfig } from '../../../src/config';
import { echoAction } from '../../helpers/actions';
import { registryOf } from '../../helpers/server';
import { webhookBody } from '../../helpers/webhook-body';

describe('WindowLimiter', () => {
  it('allows `limit` hits per key per window, then refuses with the time left', () => {
    let now = 1_000_000;
    const l = new WindowLimiter(2, 10_000, () => now);
    expect(l.hit('a').allowed).toBe(true);
    expect(l.hit('a').allowed).toBe(true);
    now += 3_000;
    expect(l.hit('a')).toEqual({ allowed: false, retryAfterSeconds: 7 });
    expect(l.hit('b').allowed).toBe(true);
    now += 7_000;
    expect(l.hit('a').allowed).toBe(true);
  });
});

describe('per-IP limit on POST /webhook', () => {
  it('answers 429 JSON with Retry-After once the client IP is over its limit, before running the action', async () => {
    const config = loadConfig({ RATE_LIMIT_IP_PER_MINUTE: '3' });
    const server = createActionServer({ config, registry: registryOf(echoAction), logger: silentLogger() });
    const { port } = await server.listen(0, '127.0.0.1');
    try {
      const statuses: number[] = [];
      let last: Response | undefined;
      for (let i = 0; i < 5; i++) {
        last = await fetch(`http://127.0.0.1:${port}/webhook`, { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify(webhookBody('action_echo', { senderId: `s${i}` })) });
        statuses.push(last.status);
        if (last.status !== 429) await last.text();
      }
      expect(statuses).toEqual([200, 200, 200, 429, 429]);
      expect(Number(last!.headers.get('retry-after'))).toBeGreaterThanOrEqual(1);
      expect(await last!.json()).toMatchObject({ code: 'rate_limited' });
      expect((await fetch(`http://127.0.0.1:${port}/health`)).status).toBe(200);
    } finally {
      await server.shutdown();
    }
  });
});
