/**
 * action_change_delivery_address: replaces the delivery address of an order that has not
 * shipped, for its verified owner, and records the change. A shipped order gets a refusal that
 * says why. The address slots are validated by validate_address_form; they are parsed again here
 * because a slot can also be set outside the form.
 *
 * Knowing an order's email is enough to read it, not to change it: without an identity token the
 * change waits for a one-time code mailed to the email on the order (shared/write-proof.ts).
 */
import { z } from 'zod';
import { ORDER_ID_EXAMPLE, addressLine1Schema, citySchema, countrySchema, orderIdSchema, postalCodeSchema } from './shared/order-input';
import { addressChanged, addressNotChangeable, orderNotFound } from './shared/order-replies';
import { explainFailure } from './shared/replies';
import { SlotSet, defineAction, requireService, type ActionContext, type RasaEvent } from '../src/sdk';
import { checkAccess, replyToDenied } from './shared/order-chat';
import { CODE_SLOT, CODE_STATUS_SLOT, proveByEmailCode } from './shared/write-proof';
import { ADDRESS_CHANGEABLE, type Address, type WriteProof } from '../src/ports/orders';

const ADDRESS_SLOTS = ['address_line1', 'address_city', 'address_postal_code', 'address_country'] as const;

const slotSchema = z.object({
  order_id: orderIdSchema.describe(`your order number (like ${ORDER_ID_EXAMPLE})`),
  order_email: z.string().max(254).optional(),
  address_line1: addressLine1Schema.describe('the street and house number'),
  address_city: citySchema.describe('the city'),
  address_postal_code: postalCodeSchema.describe('the postal code'),
  address_country: countrySchema.describe('the country'),
  order_code: z.string().max(64).optional().describe('the 6-digit code from the email'),
});

export const changeDeliveryAddress = defineAction({
  name: 'action_change_delivery_address',
  description: 'Changes the delivery address of an order that has not shipped yet. The owner proves who they are with an identity token, or with the 6-digit code mailed to the order\'s email when email codes are on (a call without either asks for it).',
  tools: { identity: 'optional' },
  slots: slotSchema,
  async run(ctx) {
    try {
      return await changeAddress(ctx);
    } catch (err) {
      // The order database being down is told to the user; anything else is a bug and goes up.
      ctx.dispatcher.utterMessage({ text: explainFailure(err, 'our order system', 'change the delivery address') });
      return [];
    }
  },
});

async function changeAddress(ctx: ActionContext<z.output<typeof slotSchema>>): Promise<RasaEvent[]> {
  const { slots, dispatcher } = ctx;
  const access = await checkAccess(ctx, slots.order_id, slots.order_email);
  if (!access.ok) return replyToDenied(ctx, access, slots.order_id);

  const address = { line1: slots.address_line1, city: slots.address_city, postalCode: slots.address_postal_code, country: slots.address_country };
  if (access.verifiedBy === 'token') return applyChange(ctx, access.order.id, access.customerId, address, 'token');

  // No code is worth mailing for an order whose address cannot change any more.
  if (!ADDRESS_CHANGEABLE.includes(access.order.status)) {
    dispatcher.utterMessage({ text: addressNotChangeable(access.order.id, access.order.status) });
    return [SlotSet('address_changed', false), SlotSet('order_status', access.order.status)];
  }
  const proof = await proveByEmailCode(ctx, access.order, address, slots.order_code);
  if (!proof.proven) return proof.events;
  return [...(await applyChange(ctx, access.order.id, access.customerId, address, 'email_code')), SlotSet(CODE_SLOT, null), SlotSet(CODE_STATUS_SLOT, null)];
}

async function applyChange(
  ctx: ActionContext<z.output<typeof slotSchema>>,
  orderId: string,
  customerId: string,
  address: Address,
  verifiedBy: WriteProof,
): Promise<RasaEvent[]> {
  const { slots, dispatcher, senderId } = ctx;
  const orders = requireService(ctx.services.orders, 'orders');
  const result = await orders.changeShippingAddress({ orderId, customerId, verifiedBy, senderId, address });
  if (result.ok) {
    dispatcher.utterMessage({ text: addressChanged(result.order) });
    // The address slots are cleared so a second change asks afresh.
    return [SlotSet('address_changed', true), SlotSet('order_status', result.order.status), ...ADDRESS_SLOTS.map((s) => SlotSet(s, null))];
  }
  if (result.reason === 'not_changeable') {
    dispatcher.utterMessage({ text: addressNotChangeable(orderId, result.status) });
    return [SlotSet('address_changed', false), SlotSet('order_status', result.status)];
  }
  // The order vanished or changed hands between the check and the update.
  dispatcher.utterMessage({ text: orderNotFound(slots.order_id) });
  return [SlotSet('address_changed', false), SlotSet('order_verified', false)];
}
