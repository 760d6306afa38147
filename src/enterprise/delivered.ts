/**
 * How an action performs a side effect that must not be lost: through the outbox when the
 * server has durable delivery (`services.delivery`), else directly (embedders, bare tests).
 * Either the effect is done now, or it is queued under a reference the user can ask about;
 * a failure the vendor will never accept is thrown as the AppError it was.
 */
import type { Delivery } from '../delivery/delivery';
import '../delivery/action-services';
import type { ActionServices } from '../sdk/action';

export type Delivered<T> = { done: T; reference?: string } | { queued: string };

export async function deliver<T>(
  services: ActionServices,
  job: { type: string; payload: unknown; idempotencyKey: string },
  direct: () => Promise<T>,
  fromResult: (result: unknown) => T,
): Promise<Delivered<T>> {
  const delivery: Delivery | undefined = services.delivery;
  if (!delivery) return { done: await direct() };
  const submitted = await delivery.submit(job);
  if (submitted.state === 'failed') throw submitted.error;
  if (submitted.state === 'queued') return { queued: submitted.reference };
  return { done: fromResult(submitted.result), reference: submitted.reference };
}

/** A string field of a job's JSON result. */
export function resultField(result: unknown, field: string): string | undefined {
  const v = typeof result === 'object' && result !== null ? (result as Record<string, unknown>)[field] : undefined;
  return typeof v === 'string' ? v : undefined;
}
