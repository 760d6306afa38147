/**
 * action_fetch_order: the status, items, carrier/tracking and delivery estimate of one order, for
 * its owner only (identity token, or the email on the order). Sets `order_status` and
 * `order_verified` for stories to branch on.
 */
import { z } from 'zod';
import { ORDER_ID_EXAMPLE, orderIdSchema } from './shared/order-input';
import { describeOrder } from './shared/order-replies';
import { trackingLink } from './shared/tracking-links';
import { explainFailure } from './shared/replies';
import { SlotSet, defineAction } from '../src/sdk';
import { checkAccess, replyToDenied } from './shared/order-chat';

export const fetchOrder = defineAction({
  name: 'action_fetch_order',
  description: 'Looks up one order: status, items, carrier and tracking, delivery estimate. Shown to its owner only: pass their identity token, or the email address on the order.',
  tools: { identity: 'optional' },
  slots: z.object({
    order_id: orderIdSchema.describe('your order number'),
    order_email: z.string().max(254).optional(),
  }),
  onInvalidSlots(problems, { dispatcher }) {
    const orderId = problems.find((p) => p.slot === 'order_id');
    if (orderId) {
      dispatcher.utterMessage({
        text: orderId.missing
          ? `Which order is it about? Order numbers look like ${ORDER_ID_EXAMPLE}.`
          : `That doesn't look like an order number: they look like ${ORDER_ID_EXAMPLE}. Which order is it about?`,
      });
      return [SlotSet('order_id', null)];
    }
    dispatcher.utterMessage({ text: 'That email address is too long. Which email address did you use for the order?' });
    return [SlotSet('order_email', null)];
  },
  async run(ctx) {
    const { slots, dispatcher } = ctx;
    try {
      const access = await checkAccess(ctx, slots.order_id, slots.order_email);
      if (!access.ok) return replyToDenied(ctx, access, slots.order_id);
      const { order } = access;
      dispatcher.utterMessage({ text: describeOrder(order) });
      // A link button: Dialogflow shows it as a card (ES) or a Messenger button (CX), Rasa's channels as a URL button.
      const tracking = trackingLink(order.carrier, order.trackingNumber);
      if (tracking) dispatcher.utterMessage({ text: `Follow the parcel on ${order.carrier}'s site.`, buttons: [{ title: `Track with ${order.carrier}`, payload: tracking, url: tracking, type: 'web_url' }] });
      return [SlotSet('order_id', order.id), SlotSet('order_status', order.status), SlotSet('order_verified', true)];
    } catch (err) {
      // The order database being down is told to the user; anything else is a bug and goes up.
      dispatcher.utterMessage({ text: explainFailure(err, 'our order system', 'look up your order') });
      return [];
    }
  },
});
