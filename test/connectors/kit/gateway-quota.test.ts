/** Per-connector quotas in the gateway: a burst never sends the vendor more than its rate allows. */
import { randomUUID } from 'node:crypto';
import { ConnectorError } from '../../../src/connectors/kit/connector-error';
import { Gateway, type GatewayObserver } from '../../../src/connectors/kit/gateway';
import { createRateLimiters, type RateLimiters } from '../../../src/ratelimit';
import { explainFailure } from '../../../actions/shared/replies';

const normalize = (err: unknown) => (err instanceof ConnectorError ? err : undefined);

function observing(log: string[]): GatewayObserver {
  return { callFinished: () => undefined, retried: () => undefined, breakerChanged: () => undefined, throttled: (c) => log.push(`throttled ${c}`) };
}

describe('connector quotas', () => {
  it('holds a burst back to the quota: calls beyond it wait for the next window instead of reaching the vendor', async () => {
    const log: string[] = [];
    const gw = new Gateway({ observer: observing(log) });
    gw.register('vendor', normalize, { rateLimit: { points: 2, durationSeconds: 1 }, maxQuotaWaitMs: 10_000 });
    let sent = 0;
    const results = await Promise.all(
      Array.from({ length: 5 }, (_, i) =>
        gw.call('vendor', 'get', async () => {
          log.push(`sent ${++sent}`);
          return i;
        }, { idempotent: true }),
      ),
    );
    expect(results).toEqual([0, 1, 2, 3, 4]);
    // Two requests went out in the first window while the other three waited for the next one.
    expect([...log.slice(0, 5)].sort()).toEqual(['sent 1', 'sent 2', 'throttled vendor', 'throttled vendor', 'throttled vendor']);
    expect(log.filter((l) => l.startsWith('sent'))).toHaveLength(5);
  });

  it('fails with rate_limited (without calling the vendor) when the wait would be longer than allowed', async () => {
    const gw = new Gateway();
    gw.register('vendor', normalize, { rateLimit: { points: 1, durationSeconds: 60 }, maxQuotaWaitMs: 1_000 });
    let sent = 0;
    const fn = async () => ++sent;
    await expect(gw.call('vendor', 'get', fn, { idempotent: true })).resolves.toBe(1);
    const err = await gw.call('vendor', 'create', fn, { idempotent: false }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ConnectorError);
    expect(err).toMatchObject({ kind: 'rate_limited', connector: 'vendor', operation: 'create', vendorCode: 'quota_exhausted' });
    expect((err as ConnectorError).retryAfterSeconds).toBeGreaterThan(50);
    expect(sent).toBe(1);
    // What the chat user reads: friendly, names the system, no blame.
    const reply = explainFailure(err, 'HubSpot', 'save your details');
    expect(reply).toBe("HubSpot is handling a lot of requests right now, so I couldn't save your details just yet. Please try again in a minute.");
  });

  it('counts every attempt, retries included, since the vendor counts them too', async () => {
    const gw = new Gateway({ random: () => 0 });
    gw.register('vendor', normalize, { rateLimit: { points: 2, durationSeconds: 60 }, maxQuotaWaitMs: 0, initialDelayMs: 1 });
    let sent = 0;
    const err = await gw
      .call('vendor', 'get', async () => {
        sent++;
        throw new ConnectorError('upstream_unavailable', 'down', { connector: 'vendor', retry: 'safe' });
      }, { idempotent: true })
      .catch((e: unknown) => e);
    expect(sent).toBe(2);
    expect(err).toMatchObject({ kind: 'rate_limited' });
  });

  it('leaves connectors without a rule unlimited', async () => {
    const gw = new Gateway();
    gw.register('open', normalize);
    let sent = 0;
    await Promise.all(Array.from({ length: 50 }, () => gw.call('open', 'get', async () => ++sent, { idempotent: true })));
    expect(sent).toBe(50);
  });

  describe('shared through Redis', () => {
    const open: RateLimiters[] = [];
    afterAll(() => Promise.all(open.map((l) => l.close())));

    it('one quota for every gateway (every process) using the same Redis', async () => {
      const keyPrefix = `test:${randomUUID()}`;
      const gateways = [0, 1].map(() => {
        const rateLimiters = createRateLimiters({ redisUrl: process.env.REDIS_URL ?? 'redis://127.0.0.1:6379', keyPrefix });
        open.push(rateLimiters);
        const gw = new Gateway({ rateLimiters });
        gw.register('vendor', normalize, { rateLimit: { points: 3, durationSeconds: 60 }, maxQuotaWaitMs: 0 });
        return gw;
      });
      await Promise.all(open.map((l) => l.connected()));
      const outcomes: string[] = [];
      for (const gw of [gateways[0]!, gateways[1]!, gateways[0]!, gateways[1]!]) {
        outcomes.push(await gw.call('vendor', 'get', async () => 'sent', { idempotent: true }).catch((e: ConnectorError) => e.kind));
      }
      expect(outcomes).toEqual(['sent', 'sent', 'sent', 'rate_limited']);
    });
  });
});
