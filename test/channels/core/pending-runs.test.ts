/** The store of runs that missed a deadline: keys, expiry of finished results, bounded size. */
import { PendingRuns } from '../../../src/channels/core/pending-runs';
import type { TurnOutcome } from '../../../src/channels/core/run-turn';

const outcome: TurnOutcome = { kind: 'pending' };

describe('PendingRuns', () => {
  it('keys by edition, session, action and input values (order-insensitive)', () => {
    const k = PendingRuns.key('es', 's1', 'action_a', { a: 1, b: 'x' });
    expect(PendingRuns.key('es', 's1', 'action_a', { b: 'x', a: 1 })).toBe(k);
    expect(PendingRuns.key('es', 's1', 'action_a', { a: 2, b: 'x' })).not.toBe(k);
    expect(PendingRuns.key('cx', 's1', 'action_a', { a: 1, b: 'x' })).not.toBe(k);
    expect(PendingRuns.key('es', 's2', 'action_a', { a: 1, b: 'x' })).not.toBe(k);
  });

  it('keeps a running entry, and a finished one only until its time is up', async () => {
    let now = 1_000;
    const runs = new PendingRuns(60_000, 10, () => now);
    let finish: (o: TurnOutcome) => void = () => undefined;
    const work = new Promise<TurnOutcome>((r) => (finish = r));
    runs.add('k', work);
    now += 10 * 60_000;
    expect(runs.get('k')).toBe(work);
    finish(outcome);
    await work;
    await Promise.resolve();
    now += 59_000;
    expect(runs.get('k')).toBe(work);
    now += 2_000;
    expect(runs.get('k')).toBeNull();
    expect(runs.size).toBe(0);
  });

  it('drops the oldest entries beyond its size', () => {
    const runs = new PendingRuns(60_000, 2);
    for (const k of ['a', 'b', 'c']) runs.add(k, new Promise<TurnOutcome>(() => undefined));
    expect(runs.size).toBe(2);
    expect(runs.get('a')).toBeNull();
    expect(runs.get('c')).not.toBeNull();
  });
});
