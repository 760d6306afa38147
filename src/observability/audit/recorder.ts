/**
 * Records audit events off the hot path: `record` only pushes onto an in-memory queue; a timer
 * (or a full batch) writes the queue to the store in one transaction. Trade-off, stated plainly:
 * if the process dies, the events not yet flushed (at most `flushMs` worth, or one batch) are
 * lost; everything flushed is on the chain. A failed write keeps the events for the next flush,
 * up to `maxQueue`, beyond which the oldest are dropped and counted so memory stays bounded.
 */
import type { Store } from '../../store';
import type { AuditEvent } from './chain';
import { appendAudit, type AuditStoreOptions } from './store-log';

/** Batching, plus how rows are stored: keys, cipher and checkpoint cadence. */
export interface AuditRecorderOptions extends AuditStoreOptions {
  flushMs?: number;
  batchSize?: number;
  maxQueue?: number;
  onError?: (err: unknown) => void;
}

export class AuditRecorder {
  private queue: AuditEvent[] = [];
  private timer: NodeJS.Timeout | undefined;
  private flushing: Promise<void> | undefined;
  private readonly flushMs: number;
  private readonly batchSize: number;
  private readonly maxQueue: number;
  /** Events dropped because the queue was full (the store was down for long). */
  dropped = 0;

  constructor(
    private readonly store: Store,
    private readonly opts: AuditRecorderOptions = {},
  ) {
    this.flushMs = opts.flushMs ?? 200;
    this.batchSize = opts.batchSize ?? 500;
    this.maxQueue = opts.maxQueue ?? 50_000;
  }

  get pending(): number {
    return this.queue.length;
  }

  record(event: AuditEvent): void {
    this.queue.push(event);
    if (this.queue.length > this.maxQueue) {
      this.dropped += this.queue.length - this.maxQueue;
      this.queue.splice(0, this.queue.length - this.maxQueue);
    }
    if (this.queue.length >= this.batchSize) void this.flush();
    else if (!this.timer) {
      this.timer = setTimeout(() => void this.flush(), this.flushMs);
      this.timer.unref();
    }
  }

  /** Writes everything queued so far; resolves when it is in the store (or the write failed). */
  async flush(): Promise<void> {
    if (this.timer) {
      clearTimeout(this.timer);
      this.timer = undefined;
    }
    // One write at a time keeps this process's events in order on the chain.
    while (this.flushing) await this.flushing;
    if (this.queue.length === 0) return;
    const batch = this.queue.splice(0, this.batchSize);
    this.flushing = appendAudit(this.store, batch, this.opts).then(
      () => undefined,
      (err: unknown) => {
        this.queue.unshift(...batch);
        this.opts.onError?.(err);
      },
    );
    try {
      await this.flushing;
    } finally {
      this.flushing = undefined;
    }
    if (this.queue.length >= this.batchSize) await this.flush();
    else if (this.queue.length > 0 && !this.timer) {
      this.timer = setTimeout(() => void this.flush(), this.flushMs);
      this.timer.unref();
    }
  }

  async close(): Promise<void> {
    await this.flush();
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
  }
}
