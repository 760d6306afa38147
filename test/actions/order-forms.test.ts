import { validateAddressForm, validateOrderForm } from '../../actions/order-forms';
import { JwtIdentityVerifier } from '../../src/identity';
import { runAction } from '../../src/sdk/testkit';
import { AUDIENCE, ISSUER, SECRET, hsToken } from '../support/tokens';
import { DOMAIN } from '../support/orders';

const identity = new JwtIdentityVerifier({ secret: SECRET, issuer: ISSUER, audience: AUDIENCE });
const services = { identity };

describe('validate_order_form', () => {
  const run = (extracted: Record<string, unknown>, metadata?: Record<string, unknown>) =>
    runAction(validateOrderForm, { domain: DOMAIN, services, activeLoop: 'order_form', extracted, text: String(Object.values(extracted)[0]), metadata });

  it('normalizes a well-formed order number', async () => {
    const out = await run({ order_id: ' ord 27364 ' });
    expect(out.slotsSet).toEqual({ order_id: 'ORD-27364' });
    expect(out.texts).toEqual([]);
  });

  it('rejects a malformed order number with a message saying what they look like', async () => {
    const out = await run({ order_id: "20001' OR 1=1 --" });
    expect(out.slotsSet).toEqual({ order_id: null });
    expect(out.texts[0]).toMatch(/ORD-48213/);
  });

  it('normalizes an email and rejects a non-email', async () => {
    expect((await run({ order_email: ' Ada@Example.COM ' })).slotsSet).toEqual({ order_email: 'ada@example.com' });
    const bad = await run({ order_email: 'ada at example' });
    expect(bad.slotsSet).toEqual({ order_email: null });
    expect(bad.texts[0]).toMatch(/email address/);
  });

  it('does not ask for the email when a valid identity token is on the message', async () => {
    const out = await run({ order_id: 'ORD-27364' }, { identity_token: await hsToken({ sub: 'C-1002' }) });
    expect(out.slotsSet).toEqual({ order_id: 'ORD-27364', requested_slot: null });
  });

  it('still asks for the email when the token is invalid', async () => {
    const out = await run({ order_id: 'ORD-27364' }, { identity_token: await hsToken({ sub: 'C-1002', expiresIn: -60 }) });
    expect(out.slotsSet).toEqual({ order_id: 'ORD-27364' });
  });
});

describe('validate_address_form', () => {
  const run = (extracted: Record<string, unknown>) => runAction(validateAddressForm, { domain: DOMAIN, services, activeLoop: 'address_form', extracted, text: 'x' });

  it('accepts and normalizes a real address', async () => {
    const out = await run({ address_line1: '  10   Downing Street ', address_postal_code: 'sw1a 2aa', address_city: 'London', address_country: 'uk' });
    expect(out.slotsSet).toEqual({ address_line1: '10 Downing Street', address_postal_code: 'SW1A 2AA', address_city: 'London', address_country: 'GB' });
    expect(out.texts).toEqual([]);
  });

  it.each([
    ['address_line1', '<script>', /street address/],
    ['address_line1', 'ab', /too short/],
    ['address_postal_code', '!!', /postal code/],
    ['address_city', 'L0nd0n; DROP TABLE', /city name/],
    ['address_country', 'Narnia', /we only deliver to GB, US/],
  ])('rejects %s = %j with a message', async (slot, value, message) => {
    const out = await run({ [slot]: value });
    expect(out.slotsSet).toEqual({ [slot]: null });
    expect(out.texts[0]).toMatch(message);
  });
});
