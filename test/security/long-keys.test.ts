/**
 * Finding 11 of the security audit (#13): rate-limit and identity keys built from a raw 1 MB
 * `sender_id` stored 5 MB in Redis for 15 minutes. A long key is now counted under its hash,
 * in Redis and in memory alike, and still counts one caller.
 */
import { randomUUID } from 'node:crypto';
import Redis from 'ioredis';
import { StoreQuotaCounter, VerificationBudget } from '../../src/identity';
import { migrate } from '../../src/store';
import { STORE_TARGETS } from '../support/stores';
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

  it('are stored at a bounded size by the verification limits, in Redis and in the store, and still count one caller', async () => {
    const keyPrefix = `test:${randomUUID()}`;
    const limiters = createRateLimiters({ redisUrl: REDIS_URL, keyPrefix });
    const redis = new Redis(REDIS_URL, { lazyConnect: true });
    const { store, cleanup } = await STORE_TARGETS[0]!.open();
    try {
      await migrate(store);
      expect(await limiters.connected()).toBe(true);
      const limits = { perSender: 2, perEmail: 100, perOrder: 100, global: 1000, windowMs: 60_000 };
      const huge = 'c'.repeat(1_000_000);
      for (const counter of [limiters.quotas!, new StoreQuotaCounter(store)]) {
        const budget = new VerificationBudget({ limits, counter });
        const scope = { senderId: huge, email: `${'e'.repeat(300)}@example.com`, orderId: 'o'.repeat(50_000) };
        expect((await budget.reserve(scope)).granted).toBe(true);
        expect((await budget.reserve(scope)).granted).toBe(true);
        expect(await budget.reserve(scope)).toEqual({ granted: false, limit: 'sender' });
        expect((await budget.reserve({ ...scope, senderId: `${huge}x` })).granted).toBe(true);
      }
      await redis.connect();
      const keys = await redis.keys(`${keyPrefix}*`);
      expect(keys.length).toBe(5);
      for (const key of keys) expect(key.length).toBeLessThan(keyPrefix.length + 64 + 2 * MAX_ID_CHARS);
      const { rows } = await store.query<{ longest: number }>('SELECT max(length(key))::int AS longest FROM attempt_quotas');
      expect(rows[0]!.longest).toBeLessThan(64 + 2 * MAX_ID_CHARS);
    } finally {
      await limiters.close();
      redis.disconnect();
      await cleanup();
    }
  });
});
