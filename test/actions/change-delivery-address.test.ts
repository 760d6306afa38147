import { changeDeliveryAddress } from '../../actions/change-delivery-address';
import { fetchOrder } from '../../actions/fetch-order';
import { JwtIdentityVerifier, VerificationBudget } from '../../src/identity';
import { MemoryQuotaCounter } from '../../src/ratelimit';
import { runAction } from '../../src/sdk/testkit';
import { companyDataServices } from '../../src/main/services';
import { PgStore } from '../../src/store';
import { AUDIENCE, ISSUER, SECRET } from '../support/tokens';
import { StoreOrders } from '../../src/connectors/orders';
import { orderNotFound } from '../../actions/shared/order-replies';
import { STORE_TARGETS } from '../support/stores';
import { hsToken } from '../support/tokens';
import { startOrdersServer, slotsOf, textsOf, type OrdersHarness } from '../support/orders';
import { codeIn, startSmtpSink, type SmtpSink } from '../support/smtp-sink';
import { CODES_OFF, NOT_A_CODE, codeSent, wrongCode } from '../../actions/shared/code-replies';

const newAddress = { address_line1: '221B Baker Street', address_postal_code: 'nw1 6xe', address_city: 'London', address_country: 'United Kingdom' };

describe.each(STORE_TARGETS)('action_change_delivery_address through /webhook ($name store)', (target) => {
  let h: OrdersHarness;
  let orders: StoreOrders;
  let sink: SmtpSink;
  beforeAll(async () => {
    sink = await startSmtpSink();
    // Many codes for one order in a few seconds here; the limit has its own test.
    h = await startOrdersServer(target, { smtpUrl: sink.url, codeSettings: { maxIssues: 1000 } });
    orders = new StoreOrders(h.store);
  });
  afterAll(async () => {
    await h.close();
    await sink.close();
  });

  const change = (sender: string, slots: Record<string, unknown>, metadata?: Record<string, unknown>) =>
    h.call('action_change_delivery_address', { senderId: sender, slots, text: 'change my address', intent: 'change_delivery_address', metadata });

  it('changes the address of a pending order for its signed-in owner (token path), normalized, and records who did it', async () => {
    const before = (await orders.findById('ORD-83520'))!;
    const mails = sink.received.length;
    const res = await change('conv-grace', { order_id: 'ORD-83520', ...newAddress }, { identity_token: await hsToken({ sub: 'C-1002' }) });
    expect(res.status).toBe(200);
    expect(textsOf(res)).toEqual(['Done: order ORD-83520 will now be delivered to 221B Baker Street, NW1 6XE London, GB.']);
    expect(slotsOf(res)).toEqual({
      address_changed: true,
      order_status: 'pending',
      address_line1: null,
      address_city: null,
      address_postal_code: null,
      address_country: null,
    });
    const after = (await orders.findById('ORD-83520'))!;
    expect(after.shippingAddress).toEqual({ line1: '221B Baker Street', city: 'London', postalCode: 'NW1 6XE', country: 'GB' });
    const history = await orders.addressHistory('ORD-83520');
    expect(history).toHaveLength(1);
    expect(history[0]).toMatchObject({ customerId: 'C-1002', verifiedBy: 'token', senderId: 'conv-grace', oldAddress: before.shippingAddress, newAddress: after.shippingAddress });
    // A token is proof enough: nobody is mailed.
    expect(sink.received).toHaveLength(mails);
  });

  it('asks an owner known only by email for a code mailed to the email on the order, and changes the address once it is typed back', async () => {
    const before = (await orders.findById('ORD-83520'))!;
    const elsewhere = { address_line1: '4 Privet Drive', address_postal_code: 'rg12 9fg', address_city: 'Little Whinging', address_country: 'GB' };
    const slots = { order_id: 'ORD-83520', order_email: 'GRACE@example.com ', ...elsewhere };
    const seen = sink.received.length;
    const asked = await change('conv-grace-code', slots);
    expect(textsOf(asked)).toEqual([codeSent('g***@example.com', 10 * 60_000)]);
    expect(slotsOf(asked)).toEqual({ order_code: null, order_code_status: 'sent' });
    expect((await orders.findById('ORD-83520'))!.shippingAddress).toEqual(before.shippingAddress);

    const mail = await sink.next(seen);
    expect(mail.to).toEqual(['grace@example.com']);
    expect(mail.subject).toBe('Your code to change the delivery address of order ORD-83520');
    expect(mail.text).toContain('RG12 9FG Little Whinging, GB');
    // The street line is free text from whoever asked: it is not put in someone's inbox.
    expect(mail.text).not.toContain('Privet');
    const code = codeIn(mail);
    expect(JSON.stringify(asked.body)).not.toContain(code);

    const done = await change('conv-grace-code', { ...slots, order_code: ` ${code.slice(0, 3)} ${code.slice(3)} ` });
    expect(textsOf(done)).toEqual(['Done: order ORD-83520 will now be delivered to 4 Privet Drive, RG12 9FG Little Whinging, GB.']);
    expect(slotsOf(done)).toMatchObject({ address_changed: true, order_code: null, order_code_status: null, address_line1: null });
    expect((await orders.addressHistory('ORD-83520')).at(-1)).toMatchObject({ verifiedBy: 'email_code', senderId: 'conv-grace-code', newAddress: { line1: '4 Privet Drive', postalCode: 'RG12 9FG' } });
  });

  it('counts a wrong code, does not count what is not a code, and still takes the right one', async () => {
    const slots = { order_id: 'ORD-83520', order_email: 'grace@example.com', ...newAddress };
    const seen = sink.received.length;
    await change('conv-grace-typo', slots);
    const code = codeIn(await sink.next(seen));
    const wrong = String((Number(code) + 1) % 1_000_000).padStart(6, '0');
    const history = (await orders.addressHistory('ORD-83520')).length;

    const notACode = await change('conv-grace-typo', { ...slots, order_code: 'my code is in the mail' });
    expect(textsOf(notACode)).toEqual([NOT_A_CODE]);
    const guessed = await change('conv-grace-typo', { ...slots, order_code: wrong });
    expect(textsOf(guessed)).toEqual([wrongCode(4)]);
    expect(slotsOf(guessed)).toEqual({ order_code: null, order_code_status: 'sent' });
    expect(await orders.addressHistory('ORD-83520')).toHaveLength(history);

    const right = await change('conv-grace-typo', { ...slots, order_code: code });
    expect(slotsOf(right).address_changed).toBe(true);
    expect(await orders.addressHistory('ORD-83520')).toHaveLength(history + 1);
  });

  it('sends no code for an order that has already shipped, and says why', async () => {
    const seen = sink.received.length;
    const res = await change('conv-grace-shipped', { order_id: 'ORD-27364', order_email: 'grace@example.com', ...newAddress });
    expect(textsOf(res)[0]).toMatch(/^Sorry, order ORD-27364 has already left our warehouse \(shipped\)/);
    expect(slotsOf(res)).toEqual({ address_changed: false, order_status: 'shipped' });
    expect(sink.received).toHaveLength(seen);
  });

  it('refuses clearly for a shipped order and leaves it unchanged (token path)', async () => {
    const before = (await orders.findById('ORD-27364'))!;
    const res = await change('conv-grace-2', { order_id: 'ORD-27364', ...newAddress }, { identity_token: await hsToken({ sub: 'C-1002' }) });
    expect(textsOf(res)[0]).toMatch(/^Sorry, order ORD-27364 has already left our warehouse \(shipped\), so its delivery address can no longer be changed\./);
    expect(slotsOf(res)).toEqual({ address_changed: false, order_status: 'shipped' });
    expect((await orders.findById('ORD-27364'))!.shippingAddress).toEqual(before.shippingAddress);
    expect(await orders.addressHistory('ORD-27364')).toEqual([]);
  });

  it("gives someone else's order the not-found answer and changes nothing", async () => {
    const before = (await orders.findById('ORD-48213'))!;
    for (const [slots, metadata] of [
      [{ order_id: 'ORD-48213', order_email: 'grace@example.com', ...newAddress }, undefined],
      [{ order_id: 'ORD-48213', ...newAddress }, { identity_token: await hsToken({ sub: 'C-1002' }) }],
      [{ order_id: 'ORD-48213', ...newAddress }, { identity_token: await hsToken({ sub: 'C-1001', aud: 'other-app' }) }],
    ] as const) {
      const res = await change('conv-mallory', slots, metadata);
      expect(textsOf(res)).toEqual([orderNotFound('ORD-48213')]);
    }
    expect((await orders.findById('ORD-48213'))!.shippingAddress).toEqual(before.shippingAddress);
  });

  it('asks again for an address slot that does not validate, without changing anything', async () => {
    const res = await change('conv-ada', { order_id: 'ORD-48213', order_email: 'ada@example.com', ...newAddress, address_country: 'Atlantis' });
    expect(textsOf(res)[0]).toMatch(/country/);
    expect(await orders.addressHistory('ORD-48213')).toEqual([]);
  });

  it('stores SQL typed into the address as plain text', async () => {
    const evil = "1 Main St'); DROP TABLE orders; --";
    const res = await change("conv'); DROP TABLE order_address_changes; --", { order_id: 'ORD-48213', ...newAddress, address_line1: evil }, { identity_token: await hsToken({ sub: 'C-1001' }) });
    expect(slotsOf(res).address_changed).toBe(true);
    expect((await orders.findById('ORD-48213'))!.shippingAddress.line1).toBe(evil);
    const history = await orders.addressHistory('ORD-48213');
    expect(history.at(-1)!.senderId).toBe("conv'); DROP TABLE order_address_changes; --");
    const { rows } = await h.store.query<{ n: number }>('SELECT count(*)::int AS n FROM orders');
    expect(rows[0]!.n).toBe(6);
  });

  it('leaves one whole address when two changes of the same order arrive at once', async () => {
    const a = { address_line1: '1 First Avenue', address_postal_code: 'M1 1AA', address_city: 'Manchester', address_country: 'GB' };
    const b = { address_line1: '2 Second Road', address_postal_code: 'EH1 1BB', address_city: 'Edinburgh', address_country: 'GB' };
    const base = { order_id: 'ORD-48213' };
    const ada = { identity_token: await hsToken({ sub: 'C-1001' }) };
    const [ra, rb] = await Promise.all([change('conv-a', { ...base, ...a }, ada), change('conv-b', { ...base, ...b }, ada)]);
    expect([slotsOf(ra).address_changed, slotsOf(rb).address_changed]).toEqual([true, true]);
    const final = (await orders.findById('ORD-48213'))!.shippingAddress;
    const whole = [
      { line1: a.address_line1, postalCode: a.address_postal_code, city: a.address_city, country: 'GB' },
      { line1: b.address_line1, postalCode: b.address_postal_code, city: b.address_city, country: 'GB' },
    ];
    expect(whole).toContainEqual(final);
    const [prev, last] = (await orders.addressHistory('ORD-48213')).slice(-2);
    expect(last!.oldAddress).toEqual(prev!.newAddress);
  });
});

describe('action_change_delivery_address without a mail server', () => {
  let h: OrdersHarness;
  beforeAll(async () => {
    h = await startOrdersServer(STORE_TARGETS[0]!);
  });
  afterAll(() => h.close());

  it('refuses an owner known only by email, saying the change needs sign-in, and changes nothing', async () => {
    const orders = new StoreOrders(h.store);
    const before = (await orders.findById('ORD-83520'))!;
    const slots = { order_id: 'ORD-83520', order_email: 'grace@example.com', ...newAddress };
    const res = await h.call('action_change_delivery_address', { senderId: 'conv-no-mail', slots, text: 'change it' });
    expect(textsOf(res)).toEqual([CODES_OFF]);
    expect(slotsOf(res)).toEqual({ order_code: null, order_code_status: 'unavailable', address_changed: false });
    expect((await orders.findById('ORD-83520'))!.shippingAddress).toEqual(before.shippingAddress);
    expect(await orders.addressHistory('ORD-83520')).toEqual([]);
  });
});

describe('order actions when the order database is down', () => {
  it('tell the user to try again later instead of failing the call', async () => {
    const down = new PgStore({ connectionString: 'postgres://postgres@127.0.0.1:1/none' });
    const services = companyDataServices(down, new JwtIdentityVerifier({ secret: SECRET, issuer: ISSUER, audience: AUDIENCE }), new VerificationBudget({ limits: { perSender: 5, perEmail: 5, perOrder: 5, global: 5, windowMs: 60_000 }, counter: new MemoryQuotaCounter() }));
    try {
      const fetched = await runAction(fetchOrder, { services, slots: { order_id: 'ORD-48213', order_email: 'ada@example.com' }, text: 'where is it' });
      expect(fetched.texts).toEqual(["Sorry, our order system isn't answering right now, so I couldn't look up your order. Please try again in a few minutes."]);
      const changed = await runAction(changeDeliveryAddress, { services, slots: { order_id: 'ORD-48213', order_email: 'ada@example.com', ...newAddress }, text: 'change it' });
      expect(changed.texts[0]).toMatch(/^Sorry, our order system isn't answering right now, so I couldn't change the delivery address\./);
    } finally {
      await down.close();
    }
  });
});
