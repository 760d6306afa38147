/**
 * The in-process worker (no RabbitMQ): polls the outbox for due jobs and runs them here. Several
 * processes on one PostgreSQL can each run one; SKIP LOCKED hands them different jobs.
 */
import type { Logger } from '../observability/logger';
import type { JobRunner } from './job-runner';
import { Poller } from './poller';

export interface LocalWorkerOptions {
  pollMs: number;
  /** Jobs claimed (and run concurrently) per round. */
  batch?: number;
  logger?: Logger;
  /** False while the store should not be touched yet (the embedded store not opened). */
  ready?(): boolean;
}

export class LocalWorker {
  private readonly poller: Poller;

  constructor(
    private readonly runner: JobRunner,
    private readonly opts: LocalWorkerOptions,
  ) {
    this.poller = new Poller(() => this.round(), { intervalMs: opts.pollMs, logger: opts.logger, name: 'outbox worker' });
  }

  start(): void {
    this.poller.start();
  }

  /** Looks for work now instead of at the next tick. */
  wake(): void {
    this.poller.wake();
  }

  /** Stops polling and waits for the jobs in hand. */
  stop(): Promise<void> {
    return this.poller.stop();
  }

  /** One round; true when the batch was full (there may be more right away). */
  private async round(): Promise<boolean> {
    if (this.opts.ready && !this.opts.ready()) return false;
    const batch = this.opts.batch ?? 10;
    const jobs = await this.runner.outbox.claimDue(batch, this.runner.leaseMs);
    await Promise.all(jobs.map((job) => this.runner.runClaimed(job)));
    return jobs.length === batch;
  }
}
