import { SlidingWindowLimiter } from '../../src/identity';

describe('SlidingWindowLimiter', () => {
  let now = 1_000_000;
  const clock = () => now;

  it('blocks a key after maxFailures within the window, and only that key', () => {
    const limiter = new SlidingWindowLimiter({ maxFailures: 3, windowMs: 60_000, now: clock });
    for (let i = 0; i < 2; i++) limiter.recordFailure('a');
    expect(limiter.isBlocked('a')).toBe(false);
    limiter.recordFailure('a');
    expect(limiter.isBlocked('a')).toBe(true);
    expect(limiter.isBlocked('b')).toBe(false);
  });

  it('forgets failures as they slide out of the window', () => {
    const limiter = new SlidingWindowLimiter({ maxFailures: 2, windowMs: 60_000, now: clock });
    limiter.recordFailure('a');
    now += 40_000;
    limiter.recordFailure('a');
    expect(limiter.isBlocked('a')).toBe(true);
    now += 30_000; // the first failure is now 70 s old
    expect(limiter.isBlocked('a')).toBe(false);
    limiter.recordFailure('a');
    expect(limiter.isBlocked('a')).toBe(true);
  });

  it('remembers at most maxKeys keys, forgetting the stalest', () => {
    const limiter = new SlidingWindowLimiter({ maxFailures: 1, windowMs: 60_000, maxKeys: 2, now: clock });
    limiter.recordFailure('old');
    limiter.recordFailure('mid');
    limiter.recordFailure('new');
    expect(limiter.isBlocked('old')).toBe(false);
    expect(limiter.isBlocked('mid')).toBe(true);
    expect(limiter.isBlocked('new')).toBe(true);
  });

  it('reports a key once, when it becomes blocked', () => {
    const blocked: string[] = [];
    const limiter = new SlidingWindowLimiter({ maxFailures: 2, windowMs: 60_000, now: clock, onBlocked: (k) => blocked.push(k) });
    for (let i = 0; i < 4; i++) limiter.recordFailure('a');
    limiter.recordFailure('b');
    expect(blocked).toEqual(['a']);
  });
});
