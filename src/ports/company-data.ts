/**
 * Adds the company-data ports to what every action receives as `services`. Optional, like the
 * other ports, so tests and tools that need none of them can pass `{}`; actions that need one
 * ask for it with `requireService`, which fails clearly when the server was started without it.
 */
import type { AttemptLimiter, IdentityVerifier } from './identity';
import type { Orders } from './orders';

declare module '../sdk/action' {
  interface ActionServices {
    orders?: Orders;
    identity?: IdentityVerifier;
    /** Throttles failed identity verifications, per conversation. */
    verificationLimiter?: AttemptLimiter;
    /** Throttles failed email verifications, per order number. */
    orderVerificationLimiter?: AttemptLimiter;
  }
}

export class ServiceMissing extends Error {
  constructor(readonly service: string) {
    super(`The '${service}' service is not configured: build services with createServices (src/server/services.ts).`);
    this.name = 'ServiceMissing';
  }
}

export function requireService<T>(value: T | undefined, name: string): T {
  if (value === undefined) throw new ServiceMissing(name);
  return value;
}

export type { AttemptLimiter, IdentityVerifier, Orders };
