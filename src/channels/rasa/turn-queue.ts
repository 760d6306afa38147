/**
 * Runs CPU-heavy request work (JSON.parse of a tracker, validation, starting the action) in
 * arrival order, a bounded slice per event-loop turn, so sockets are read between slices.
 *
 * Why: Node reads every ready socket in one turn and, with the work done inline, parses each
 * complete body right there. With 50 callers sending 450 KB trackers a turn then costs ~50 parses
 * (100+ ms), and a connection whose body does not fit in its kernel receive buffer gets one read
 * per turn: its TCP window stays closed, the client falls back on zero-window probes with
 * exponential backoff, and a few callers wait seconds while others are served dozens of times.
 * Deferring the work to a FIFO drained one slice per turn keeps every socket drained (windows
 * open), and callers are answered in the order their bodies arrived.
 */
import { performance } from 'node:perf_hooks';

type Job = () => void;

export class TurnQueue {
  private jobs: (Job | undefined)[] = [];
  private head = 0;
  private scheduled = false;

  /** @param budgetMs work per turn before yielding to I/O (at least one job always runs). */
  constructor(private readonly budgetMs = 1) {}

  /** Runs `fn` in a later turn, after the jobs queued before it; settles with its result. */
  run<T>(fn: () => T | Promise<T>): Promise<T> {
    return new Promise<T>((resolve, reject) => {
      this.jobs.push(() => {
        try {
          resolve(fn());
        } catch (err) {
          reject(err);
        }
      });
      if (!this.scheduled) {
        this.scheduled = true;
        setImmediate(this.drain);
      }
    });
  }

  private readonly drain = (): void => {
    const until = performance.now() + this.budgetMs;
    do {
      const job = this.jobs[this.head]!;
      this.jobs[this.head++] = undefined;
      job();
    } while (this.head < this.jobs.length && performance.now() < until);
    if (this.head === this.jobs.length) {
      this.jobs = [];
      this.head = 0;
      this.scheduled = false;
    } else {
      if (this.head >= 1024) {
        // Under sustained load the queue may never empty: drop the consumed slots now and then.
        this.jobs = this.jobs.slice(this.head);
        this.head = 0;
      }
      // The next slice runs after the poll phase: every readable socket is read first.
      setImmediate(this.drain);
    }
  };
}
