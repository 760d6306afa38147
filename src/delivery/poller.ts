/**
 * A loop that runs a round of work, then sleeps for the interval or until woken. A round that
 * says there is more runs again at once; a round that throws (database away for a moment) is
 * logged and tried again at the next tick.
 */
import type { Logger } from '../observability/logger';

export interface PollerOptions {
  intervalMs: number;
  name: string;
  logger?: Logger;
}

export class Poller {
  private running = false;
  private loop: Promise<void> | null = null;
  private wakeUp: (() => void) | null = null;
  private woken = false;

  constructor(
    private readonly round: () => Promise<boolean>,
    private readonly opts: PollerOptions,
  ) {}

  start(): void {
    if (this.running) return;
    this.running = true;
    this.loop = this.run();
  }

  wake(): void {
    this.woken = true;
    this.wakeUp?.();
  }

  async stop(): Promise<void> {
    this.running = false;
    this.wakeUp?.();
    await this.loop;
    this.loop = null;
  }

  private async run(): Promise<void> {
    while (this.running) {
      let more = false;
      this.woken = false;
      try {
        more = await this.round();
      } catch (err) {
        this.opts.logger?.warn(`${this.opts.name}: round failed`, { error: err instanceof Error ? err.message : String(err) });
      }
      if (!this.running) break;
      if (more || this.woken) continue;
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, this.opts.intervalMs);
        this.wakeUp = () => {
          clearTimeout(timer);
          resolve();
        };
      });
      this.wakeUp = null;
    }
  }
}
