/**
 * Runs that missed Dialogflow's deadline, by session and action. When the user asks again, the
 * adapter joins the run already under way (or takes its finished result) instead of starting
 * the action a second time, which could file a second ticket or charge twice.
 *
 * In memory: a restart loses them, which costs only a re-run on the next ask.
 */
import crypto from 'node:crypto';
import type { TurnOutcome } from './turn-outcome';

interface Entry {
  work: Promise<TurnOutcome>;
  settled: boolean;
  expires: number;
}

export class PendingRuns {
  private readonly runs = new Map<string, Entry>();

  constructor(
    /** How long a finished result waits to be asked for; Dialogflow forgets an idle session after 20 min. */
    private readonly ttlMs = 20 * 60_000,
    private readonly maxEntries = 1000,
    private readonly now: () => number = Date.now,
  ) {}

  /**
   * Same session, same action, same values of the slots the action reads: asking again joins
   * the earlier run; a changed input (another order number) starts a new one.
   */
  static key(edition: string, session: string, action: string, inputs: Record<string, unknown>): string {
    const digest = crypto.createHash('sha256').update(JSON.stringify(Object.entries(inputs).sort(([a], [b]) => (a < b ? -1 : 1)))).digest('base64url');
    return `${edition}\u0000${session}\u0000${action}\u0000${digest}`;
  }

  get(key: string): Promise<TurnOutcome> | null {
    const entry = this.runs.get(key);
    if (!entry) return null;
    if (entry.settled && entry.expires <= this.now()) {
      this.runs.delete(key);
      return null;
    }
    return entry.work;
  }

  add(key: string, work: Promise<TurnOutcome>): void {
    const entry: Entry = { work, settled: false, expires: Infinity };
    this.runs.set(key, entry);
    void work.then(() => {
      entry.settled = true;
      entry.expires = this.now() + this.ttlMs;
    });
    // Oldest first out: Map keeps insertion order.
    while (this.runs.size > this.maxEntries) this.runs.delete(this.runs.keys().next().value as string);
  }

  delete(key: string): void {
    this.runs.delete(key);
  }

  get size(): number {
    return this.runs.size;
  }
}
