/**
 * Keeps a claimed job's lease alive while its handler runs, and says when it is lost.
 *
 * The lease in the store, not the broker or a process's belief, decides who may work on a job:
 * a holder that stops renewing (it died, or cannot reach the database) loses the job once the
 * lease runs out, and anyone may then take it over. So a holder must stop acting as soon as it
 * cannot prove its lease: `signal` aborts when a renewal finds the claim taken over, or when
 * renewals have failed for so long that the lease may have run out meanwhile.
 */
import type { Logger } from '../observability/logger';
import type { Job, Outbox } from './outbox';

export class LeaseKeeper {
  private readonly controller = new AbortController();
  private timer: NodeJS.Timeout | null = null;
  /** Local time by which the lease is surely still ours (measured from before the last renewal was sent). */
  private heldUntil = 0;
  private renewing: Promise<boolean> | null = null;

  constructor(
    private readonly outbox: Outbox,
    private readonly job: Job,
    private readonly leaseMs: number,
    private readonly logger?: Logger,
  ) {}

  get signal(): AbortSignal {
    return this.controller.signal;
  }

  /**
   * Renews the lease now; false (and the signal aborted) when it is not ours any more or the
   * store cannot be reached. Run right before work that reaches a vendor.
   */
  async confirm(): Promise<boolean> {
    if (this.controller.signal.aborted) return false;
    const sentAt = Date.now();
    let renewed: boolean;
    try {
      renewed = await this.outbox.renew(this.job, this.leaseMs);
    } catch (err) {
      this.logger?.warn('job lease could not be renewed', { reference: this.job.reference, error: err instanceof Error ? err.message : String(err) });
      // Still ours for what is left of the last renewal; after that, someone may have taken over.
      if (Date.now() >= this.heldUntil) this.lose('the store could not be reached to renew the lease');
      return false;
    }
    if (!renewed) {
      this.lose('the lease was taken over');
      return false;
    }
    this.heldUntil = sentAt + this.leaseMs;
    return true;
  }

  /** Renews every third of the lease until stopped, so a live holder never lets it run out. */
  start(): void {
    const every = Math.max(10, Math.floor(this.leaseMs / 3));
    this.timer = setInterval(() => {
      if (this.renewing) return;
      this.renewing = this.confirm().finally(() => (this.renewing = null));
    }, every);
    this.timer.unref();
  }

  /** Stops renewing (the outcome is about to be recorded, fenced by the claim token). */
  async stop(): Promise<void> {
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
    await this.renewing;
  }

  private lose(reason: string): void {
    if (this.controller.signal.aborted) return;
    this.logger?.warn('job lease lost; the attempt stops', { reference: this.job.reference, reason });
    this.controller.abort(new Error(`Job ${this.job.reference}: ${reason}.`));
  }
}
