import { randomUUID } from 'node:crypto';
import { StoreQuotaCounter, VerificationBudget, type VerificationLimits } from '../../src/identity';
import { MemoryQuotaCounter, createRateLimiters, type Quota, type QuotaCounter } from '../../src/ratelimit';
import { migrate } from '../../src/store';
import { STORE_TARGETS } from '../support/stores';

const LIMITS: VerificationLimits = { perSender: 2, perEmail: 100, perOrder: 100, global: 100, windowMs: 60_000 };

interface Made {
  counter(now: () => number): QuotaCounter;
  close(): Promise<void>;
}

const COUNTERS: { name: string; make(): Promise<Made> }[] = [
  { name: 'memory', make: async () => ({ counter: (now) => new MemoryQuotaCounter(now), close: async () => undefined }) },
  ...STORE_TARGETS.map((t) => ({
    name: `${t.name} store`,
    async make(): Promise<Made> {
      const { store, cleanup } = await t.open();
      await migrate(store);
      return { counter: (now) => new StoreQuotaCounter(store, now), close: cleanup };
    },
  })),
];

describe.each(COUNTERS)('quota counter: $name', ({ make }) => {
  let made: Made;
  let clock: number;
  let counter: QuotaCounter;
  beforeEach(async () => {
    made = await make();
    clock = 1_000_000;
    counter = made.counter(() => clock);
  });
  afterEach(() => made.close());

  const q = (key: string, limit: number): Quota => ({ key, limit, windowMs: 10_000 });

  it('takes from every quota or from none, and names the spent one', async () => {
    expect((await counter.take([q('a', 1), q('b', 5)])).taken).toBe(true);
    expect(await counter.take([q('b', 5), q('a', 1)])).toEqual({ taken: false, spent: 1 });
    // b was not charged by the refused take: four more fit.
    for (let i = 0; i < 4; i++) expect((await counter.take([q('b', 5)])).taken).toBe(true);
    expect((await counter.take([q('b', 5)])).taken).toBe(false);
  });

  it('opens a new window once the old one ends', async () => {
    expect((await counter.take([q('w', 1)])).taken).toBe(true);
    expect((await counter.take([q('w', 1)])).taken).toBe(false);
    clock += 10_001;
    expect((await counter.take([q('w', 1)])).taken).toBe(true);
  });

  it('gives back to the window it took from, and never to a later one', async () => {
    const first = await counter.take([q('g', 1)]);
    if (!first.taken) throw new Error('first take refused');
    await first.giveBack();
    const second = await counter.take([q('g', 1)]);
    expect(second.taken).toBe(true);
    clock += 10_001;
    if (second.taken) await second.giveBack();
    expect((await counter.take([q('g', 1)])).taken).toBe(true);
    expect((await counter.take([q('g', 1)])).taken).toBe(false);
  });
});

describe('VerificationBudget', () => {
  it('counts a token attempt against the conversation only, and an email attempt against all four limits', async () => {
    const taken: string[][] = [];
    const spy: QuotaCounter = { where: 'memory', take: async (qs) => (taken.push(qs.map((x) => x.key.split(':')[1]!)), { taken: true, giveBack: async () => undefined }) };
    const budget = new VerificationBudget({ limits: LIMITS, counter: spy });
    await budget.reserve({ senderId: 's' });
    await budget.reserve({ senderId: 's', email: 'A@x.org', orderId: 'ORD-1' });
    expect(taken).toEqual([['sender'], ['sender', 'email', 'order', 'global']]);
  });

  it('never keeps the email itself in a key', async () => {
    const keys: string[] = [];
    const spy: QuotaCounter = { where: 'memory', take: async (qs) => (keys.push(...qs.map((x) => x.key)), { taken: true, giveBack: async () => undefined }) };
    await new VerificationBudget({ limits: LIMITS, counter: spy }).reserve({ senderId: 's', email: 'ada@example.com', orderId: 'ORD-1' });
    expect(keys.join(' ')).not.toContain('ada');
  });

  it('counts in the fallback while Redis is unreachable, says so once, and goes back when it answers', async () => {
    const redis = createRateLimiters({ redisUrl: 'redis://127.0.0.1:1', keyPrefix: `test:${randomUUID()}` });
    const warnings: string[] = [];
    const logger = { warn: (m: string) => warnings.push(m), info: () => undefined, error: () => undefined, debug: () => undefined, child: () => logger };
    try {
      const budget = new VerificationBudget({ limits: LIMITS, counter: redis.quotas!, fallback: new MemoryQuotaCounter(), logger: logger as never });
      expect((await budget.reserve({ senderId: 'f' })).granted).toBe(true);
      expect((await budget.reserve({ senderId: 'f' })).granted).toBe(true);
      // The limit still holds, counted in the fallback.
      expect(await budget.reserve({ senderId: 'f' })).toEqual({ granted: false, limit: 'sender' });
      expect(warnings).toHaveLength(1);
      expect(warnings[0]).toMatch(/counting in memory/);
    } finally {
      await redis.close();
    }
  });
});
