/**
 * validate_order_form and validate_address_form: check each answer as the user gives it and say
 * what is wrong. With a valid identity token on the message, the order form does not ask for
 * the email at all.
 */
import {
  ORDER_ID_EXAMPLE,
  SHIPPING_COUNTRIES,
  addressLine1Schema,
  citySchema,
  countrySchema,
  emailSchema,
  orderIdSchema,
  postalCodeSchema,
} from './shared/order-input';
import { defineFormValidation, zodValidator } from '../src/sdk';
import { latestUserMetadata } from './shared/order-chat';

export const validateOrderForm = defineFormValidation({
  form: 'order_form',
  validate: {
    order_id: zodValidator(orderIdSchema, `That doesn't look like an order number: they look like ${ORDER_ID_EXAMPLE}. What is your order number?`),
    order_email: zodValidator(emailSchema, "That doesn't look like an email address. Which email address did you use for the order?"),
  },
  async requiredSlots(domainSlots, { services, tracker }) {
    const check = await services.identity?.checkToken(latestUserMetadata(tracker));
    return check?.kind === 'valid' ? domainSlots.filter((s) => s !== 'order_email') : domainSlots;
  },
});

export const validateAddressForm = defineFormValidation({
  form: 'address_form',
  validate: {
    address_line1: zodValidator(
      addressLine1Schema,
      (e) => `That street address ${e.issues[0]?.message ?? 'is not valid'}. What is the street and house number, e.g. "12 High Street"?`,
    ),
    address_city: zodValidator(citySchema, 'That doesn\'t look like a city name. Which city should the order go to?'),
    address_postal_code: zodValidator(postalCodeSchema, "That doesn't look like a postal code (3 to 10 letters and digits). What is the postal code?"),
    address_country: zodValidator(
      countrySchema,
      `Sorry, we only deliver to ${Object.keys(SHIPPING_COUNTRIES).join(', ')}. Which of these countries should the order go to?`,
    ),
  },
});
