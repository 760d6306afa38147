/**
 * The limits on failed verifications, taken together and before the lookup (the AttemptBudget
 * port). A knowledge-based attempt (order id + email) counts against the conversation, the email
 * tried, the order tried and the deployment's global budget; a token attempt only against the
 * conversation, since a valid token cannot be guessed and an invalid one proves nothing.
 *
 * Counting happens in Redis when it is configured (every replica, one count) and in the store
 * otherwise; a Redis that stops answering hands over to the store rather than to nothing.
 */
import { createHash } from 'node:crypto';
import { boundedId } from '../observability/bounded-id';
import type { Logger } from '../observability/logger';
import type { AttemptBudget, AttemptReservation, AttemptScope, VerificationLimit } from '../ports/identity';
import type { Quota, QuotaCounter, QuotaTake } from '../ratelimit';

export interface VerificationLimits {
  /** Failures per conversation. */
  perSender: number;
  /** Failures per email address tried, whatever the order and conversation. */
  perEmail: number;
  /** Failed email checks per order number, whatever the email and conversation. */
  perOrder: number;
  /** Failed email checks across the deployment: the ceiling on any enumeration. */
  global: number;
  windowMs: number;
}

export interface VerificationBudgetOptions {
  limits: VerificationLimits;
  counter: QuotaCounter;
  /** Where to count while `counter` fails (Redis away): the store. */
  fallback?: QuotaCounter;
  /** Each refused attempt, by the limit that refused it (metrics, a log line). */
  onRefused?(limit: VerificationLimit, scope: AttemptScope): void;
  logger?: Logger;
}

// An email address is personal data and never needs to be read back: it is counted by its hash.
const emailKey = (email: string) => createHash('sha256').update(email.trim().toLowerCase()).digest('hex').slice(0, 32);

export class VerificationBudget implements AttemptBudget {
  private fallingBack = false;

  constructor(private readonly opts: VerificationBudgetOptions) {}

  async reserve(scope: AttemptScope): Promise<AttemptReservation> {
    const { quotas, limits } = this.quotasOf(scope);
    const take = await this.take(quotas);
    if (take.taken) return { granted: true, release: take.giveBack };
    const limit = limits[take.spent]!;
    this.opts.onRefused?.(limit, scope);
    return { granted: false, limit };
  }

  private quotasOf(scope: AttemptScope): { quotas: Quota[]; limits: VerificationLimit[] } {
    const { limits: l } = this.opts;
    const entries: [VerificationLimit, string, number][] = [['sender', `sender:${boundedId(scope.senderId)}`, l.perSender]];
    if (scope.email !== undefined) entries.push(['email', `email:${emailKey(scope.email)}`, l.perEmail]);
    if (scope.orderId !== undefined) entries.push(['order', `order:${boundedId(scope.orderId)}`, l.perOrder]);
    if (scope.email !== undefined || scope.orderId !== undefined) entries.push(['global', 'global', l.global]);
    return {
      quotas: entries.map(([, key, limit]) => ({ key: `verify:${key}`, limit, windowMs: l.windowMs })),
      limits: entries.map(([limit]) => limit),
    };
  }

  private async take(quotas: Quota[]): Promise<QuotaTake> {
    const { counter, fallback, logger } = this.opts;
    if (!fallback) return counter.take(quotas);
    try {
      const taken = await counter.take(quotas);
      if (this.fallingBack) logger?.info(`verification limits count in ${counter.where} again`);
      this.fallingBack = false;
      return taken;
    } catch (err) {
      if (!this.fallingBack) logger?.warn(`verification limits could not be counted in ${counter.where}; counting in ${fallback.where} until it is back`, { error: err });
      this.fallingBack = true;
      return fallback.take(quotas);
    }
  }
}
