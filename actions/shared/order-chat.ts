/**
 * What the order actions share: proving who is asking (src/identity/order-access.ts) and the
 * replies for when that fails. In a subfolder, so the actions loader does not look here.
 */
import { SlotSet, requireService, type ActionContext, type RasaEvent, type Tracker } from '../../src/sdk';
import { verifyOrderAccess, type OrderAccess } from './order-access';
import { ASK_EMAIL, THROTTLED, orderNotFound } from './order-replies';

type Ctx = Pick<ActionContext<unknown>, 'services' | 'tracker' | 'senderId'>;

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

/**
 * Metadata of the latest user message, where the channel puts the identity token. Rasa sends it
 * on `latest_message` and on the `user` event; either is enough.
 */
export function latestUserMetadata(tracker: Tracker): Record<string, unknown> {
  for (let i = tracker.events.length - 1; i >= 0; i--) {
    const e = tracker.events[i]!;
    if (e.event === 'user') return { ...(isObject(e.metadata) ? e.metadata : {}), ...tracker.latestMetadata };
  }
  return tracker.latestMetadata;
}

export function checkAccess(ctx: Ctx, orderId: string, email: string | undefined): Promise<OrderAccess> {
  const { services } = ctx;
  return verifyOrderAccess({
    orders: requireService(services.orders, 'orders'),
    identity: requireService(services.identity, 'identity'),
    budget: requireService(services.verificationBudget, 'verificationBudget'),
    senderId: ctx.senderId,
    metadata: latestUserMetadata(ctx.tracker),
    orderId,
    email,
  });
}

/** Answers a failed access check; the returned events let stories branch on `order_verified`. */
export function replyToDenied(ctx: Pick<ActionContext<unknown>, 'dispatcher'>, access: Exclude<OrderAccess, { ok: true }>, orderId: string): RasaEvent[] {
  switch (access.reason) {
    case 'email_needed':
      ctx.dispatcher.utterMessage({ text: ASK_EMAIL });
      return [SlotSet('order_verified', null)];
    case 'throttled':
      ctx.dispatcher.utterMessage({ text: THROTTLED });
      return [SlotSet('order_verified', false), SlotSet('order_status', null)];
    case 'not_found':
      ctx.dispatcher.utterMessage({ text: orderNotFound(orderId) });
      // Both cleared, so a retry asks for both again.
      return [SlotSet('order_verified', false), SlotSet('order_status', null), SlotSet('order_id', null), SlotSet('order_email', null)];
  }
}
