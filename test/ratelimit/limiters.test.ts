/** The rate-limit counters: in process, shared through the real Redis on 127.0.0.1, and without Redis. */
import { spawnSync } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { ensureBuilt } from '../support/process';
import { createRateLimiters, parseRateRule, type RateLimiters } from '../../src/ratelimit';

const REDIS_URL = process.env.REDIS_URL ?? 'redis://127.0.0.1:6379';

describe('parseRateRule', () => {
  it.each([
    ['100/10s', { points: 100, durationSeconds: 10 }],
    ['3/s', { points: 3, durationSeconds: 1 }],
    ['3/1s', { points: 3, durationSeconds: 1 }],
    ['60/1m', { points: 60, durationSeconds: 60 }],
    [' 5000 / 1h ', { points: 5000, durationSeconds: 3600 }],
  ])('reads %s', (text, rule) => expect(parseRateRule(text)).toEqual(rule));

  it.each(['off', 'none', '0'])('reads %s as no limit', (text) => expect(parseRateRule(text)).toBeNull());
  it.each(['fast', '10', '10/0s', '0/1s', '-1/1s', '1.5/1s', '10/1d'])('refuses %s', (text) => expect(parseRateRule(text)).toBeUndefined());
});

describe('in-process limiters', () => {
  it('allow `points` per window per key, then refuse with the time until the window frees a point', async () => {
    const l = createRateLimiters().limiter('t', { points: 2, durationSeconds: 60 });
    expect((await l.consume('a')).allowed).toBe(true);
    expect((await l.consume('a')).allowed).toBe(true);
    const refused = await l.consume('a');
    expect(refused.allowed).toBe(false);
    expect(refused.retryAfterMs).toBeGreaterThan(50_000);
    expect(refused.retryAfterMs).toBeLessThanOrEqual(60_000);
    expect((await l.consume('b')).allowed).toBe(true);
  });

  it('refuse rules rate-limiter-flexible cannot keep in Redis', () => {
    expect(() => createRateLimiters().limiter('bad', { points: 0, durationSeconds: 1 })).toThrow(/points/);
    expect(() => createRateLimiters().limiter('bad', { points: 1, durationSeconds: 0.5 })).toThrow(/seconds/);
  });
});

describe('Redis-shared limiters', () => {
  const open: RateLimiters[] = [];
  const make = (keyPrefix: string, redisUrl = REDIS_URL) => {
    const l = createRateLimiters({ redisUrl, keyPrefix });
    open.push(l);
    return l;
  };
  afterEach(async () => {
    await Promise.all(open.splice(0).map((l) => l.close()));
  });

  it('share one quota between two clients (as two processes would)', async () => {
    const prefix = `test:${randomUUID()}`;
    const a = make(prefix);
    const b = make(prefix);
    expect(a.store).toBe('redis');
    expect(await a.connected()).toBe(true);
    expect(await b.connected()).toBe(true);
    const rule = { points: 3, durationSeconds: 60 };
    const results = [];
    for (const l of [a, b, a, b]) results.push((await l.limiter('sender', rule).consume('conv-1')).allowed);
    expect(results).toEqual([true, true, true, false]);
    // Another deployment (prefix) on the same Redis has its own quota.
    expect((await make(`test:${randomUUID()}`).limiter('sender', rule).consume('conv-1')).allowed).toBe(true);
  });

  it('keep limiting in process while Redis is unreachable, instead of failing requests', async () => {
    const limiters = make(`test:${randomUUID()}`, 'redis://127.0.0.1:1');
    expect(await limiters.connected(300)).toBe(false);
    const l = limiters.limiter('sender', { points: 2, durationSeconds: 60 });
    const results = [];
    for (let i = 0; i < 3; i++) results.push((await l.consume('conv-1')).allowed);
    expect(results).toEqual([true, true, false]);
  });
});

describe('closing limiters whose Redis is unreachable', () => {
  beforeAll(() => ensureBuilt());
  it('answers a pending connected() with false at once', async () => {
    const limiters = createRateLimiters({ redisUrl: 'redis://127.0.0.1:1', keyPrefix: `test:${randomUUID()}` });
    // Without close() answering it, this would wait the full minute (past jest's timeout).
    const pending = limiters.connected(60_000);
    await limiters.close();
    await expect(pending).resolves.toBe(false);
    await expect(limiters.connected(60_000)).resolves.toBe(false);
  });

  it('leaves nothing that keeps the process alive', () => {
    // A child process: after close() only an unref'd watchdog is left, which fires (and exits 3)
    // only if something else still holds the event loop open for 1.5 s.
    const script = `
      const { createRateLimiters } = require(${JSON.stringify(require.resolve('../../dist/src/ratelimit/index.js'))});
      const limiters = createRateLimiters({ redisUrl: 'redis://127.0.0.1:1' });
      limiters.connected(60000);
      setTimeout(() => limiters.close().then(() => {
        setTimeout(() => { process.stdout.write('still alive'); process.exit(3); }, 1500).unref();
      }), 50);`;
    const run = spawnSync(process.execPath, ['-e', script], { encoding: 'utf8', timeout: 20_000 });
    expect({ status: run.status, stdout: run.stdout }).toEqual({ status: 0, stdout: '' });
  });
});
