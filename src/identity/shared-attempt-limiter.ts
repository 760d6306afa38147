/**
 * Failed verifications counted in the shared rate-limit store (Redis with REDIS_URL), so that
 * a conversation spreading its guesses over several server replicas still meets one limit. The
 * window is fixed rather than sliding (what the store keeps); the in-memory SlidingWindowLimiter
 * serves single-process deployments.
 */
import type { AttemptLimiter } from '../ports/identity';
import type { RateLimiter } from '../ratelimit';

export class SharedAttemptLimiter implements AttemptLimiter {
  constructor(
    private readonly failures: RateLimiter,
    /** Called once each time a key becomes blocked (for an audit log line). */
    private readonly onBlocked?: (key: string) => void,
  ) {}

  async isBlocked(key: string): Promise<boolean> {
    return (await this.failures.used(key)) >= this.failures.rule.points;
  }

  async recordFailure(key: string): Promise<void> {
    const used = await this.failures.charge(key);
    if (used === this.failures.rule.points) this.onBlocked?.(key);
  }
}
