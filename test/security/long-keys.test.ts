/**
 * Finding 11 of the security audit (#13): rate-limit and identity keys built from a raw 1 MB
 * `sender_id` stored 5 MB in Redis for 15 minutes. A long key is now counted under its hash,
 * in Redis and in memory alike, and still counts one caller.
 */
import { randomUUID } from 'node:crypto';
import Redis from 'ioredis';
import { SlidingWindowLimiter } from '../../src/identity';
import { MAX_ID_CHARS } from '../../src/observability/bounded-id';
import { createRateLimiters } from '../../src/ratelimit';

const REDIS_URL = process.env.REDIS_URL ?? 'redis://127.0.0.1:6379';

describe('keys a caller chooses', () => {
  it('are stored in Redis at a bounded size, and still count one caller', async () => {
    const keyPrefix = `test:${randomUUID()}`;
    const limiters = createRateLimiters({ redisUrl: REDIS_URL, keyPrefix });
    const redis = new Redis(REDIS_URL, { lazyConnect: true });
    try {
      expect(await limiters.connected()).toBe(true);
      const limiter = limiters.limiter('sender', { points: 2, durationSeconds: 60 });
      const huge = 's'.repeat(1_000_000);
      expect((await limiter.consume(huge)).allowed).toBe(true);
      expect((await limiter.consume(huge)).allowed).toBe(true);
      expect((await limiter.consume(huge)).allowed).toBe(false);
      // Another long id that shares the first million characters but one is someone else.
      expect((await limiter.consume(`${huge}x`)).allowed).toBe(true);
      await redis.connect();
      const keys = await redis.keys(`${keyPrefix}*`);
      expect(keys.length).toBeGreaterThan(0);
      for (const key of keys) expect(key.length).toBeLessThan(keyPrefix.length + 64 + 2 * MAX_ID_CHARS);
      const bytes = (await Promise.all(keys.map((k) => redis.memory('USAGE', k)))).reduce((a: number, b) => a + Number(b ?? 0), 0);
      expect(bytes).toBeLessThan(10_000);
    } finally {
      await limiters.close();
      redis.disconnect();
    }
  });

  it('are kept in memory at a bounded size by the in-process identity limiter', () => {
    const blocked: string[] = [];
    const limiter = new SlidingWindowLimiter({ maxFailures: 2, onBlocked: (key) => blocked.push(key) });
    const huge = 'c'.repeat(1_000_000);
    limiter.recordFailure(huge);
    limiter.recordFailure(huge);
    expect(limiter.isBlocked(huge)).toBe(true);
    expect(limiter.isBlocked(`${huge}x`)).toBe(false);
    expect(blocked).toHaveLength(1);
    expect(blocked[0]!.length).toBeLessThan(MAX_ID_CHARS);
  });
});
