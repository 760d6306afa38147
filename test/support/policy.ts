/**
 * The gateway policy every test uses unless it is testing the policy itself: real retries,
 * breaker and timeouts, on a scale of milliseconds so a test of a vendor that fails or hangs
 * finishes in well under a second.
 */
import type { ConnectorPolicy } from '../../src/connectors/kit/gateway';

export const TEST_POLICY: Partial<ConnectorPolicy> = {
  attemptTimeoutMs: 400,
  deadlineMs: 4_000,
  maxAttempts: 3,
  initialDelayMs: 5,
  maxDelayMs: 20,
  maxRetryAfterMs: 2_000,
  breakerThreshold: 5,
  halfOpenAfterMs: 300,
};
