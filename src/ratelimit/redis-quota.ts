/**
 * Quotas in Redis, shared by every replica. One Lua script checks every quota and only then
 * increments them all, so the check and the count cannot be separated by another request.
 */
import type { Redis } from 'ioredis';
import type { Quota, QuotaCounter, QuotaTake } from './quota';

// KEYS: the quotas; ARGV: limit and window (ms) of each, in order. Returns 0, or the 1-based
// index of the first spent quota.
const TAKE = `
for i = 1, #KEYS do
  local used = tonumber(redis.call('GET', KEYS[i]) or '0')
  if used >= tonumber(ARGV[2 * i - 1]) then return i end
end
for i = 1, #KEYS do
  if redis.call('INCR', KEYS[i]) == 1 then redis.call('PEXPIRE', KEYS[i], ARGV[2 * i]) end
end
return 0`;

// Gives back only to a window that still exists: an expired one has nothing left to give to.
const GIVE_BACK = `
for i = 1, #KEYS do
  local used = tonumber(redis.call('GET', KEYS[i]) or '0')
  if used > 0 then redis.call('DECR', KEYS[i]) end
end
return 0`;

export class RedisQuotaCounter implements QuotaCounter {
  readonly where = 'redis';

  constructor(
    private readonly redis: Redis,
    /** The braces make every key hash to one slot, which a multi-key script needs on Redis Cluster. */
    private readonly keyPrefix: string,
  ) {}

  async take(quotas: readonly Quota[]): Promise<QuotaTake> {
    const keys = quotas.map((q) => `${this.keyPrefix}:{quota}:${q.key}`);
    const args = quotas.flatMap((q) => [String(q.limit), String(Math.max(1, Math.round(q.windowMs)))]);
    const spent = Number(await this.redis.eval(TAKE, keys.length, ...keys, ...args));
    if (spent > 0) return { taken: false, spent: spent - 1 };
    return {
      taken: true,
      giveBack: async () => {
        await this.redis.eval(GIVE_BACK, keys.length, ...keys);
      },
    };
  }
}
