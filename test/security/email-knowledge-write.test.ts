/**
 * Finding 4 of the security audit (#13): `action_change_delivery_address` changed the delivery
 * address of Grace's pending order for anyone who knew `GRACE@example.com ` (the email on the
 * order). Knowing an email may still read an order; changing it now takes a one-time code mailed
 * to the email on the order.
 *
 * A real server with the shipped code settings, the embedded store and PostgreSQL, and a real SMTP
 * server on 127.0.0.1 standing in for Grace's mailbox. The codes' clock is moved instead of waited
 * for; each test starts past the last one's 15-minute window.
 */
import { CODE_BURNED, CODE_EXPIRED, CODE_NOT_VALID, tooManyCodes, wrongCode } from '../../actions/shared/code-replies';
import { StoreOrders } from '../../src/connectors/orders';
import { readSettings } from '../../src/main/settings';
import { startOrdersServer, slotsOf, textsOf, type OrdersHarness } from '../support/orders';
import { codeIn, startSmtpSink, type SmtpSink } from '../support/smtp-sink';
import { STORE_TARGETS } from '../support/stores';

const SHIPPED = readSettings({}).app;
const ORDER = 'ORD-83520';
const MALLORY = { address_line1: '13 Drop Street', address_postal_code: 'E1 6AN', address_city: 'London', address_country: 'GB' };
/** Exactly what the attacker typed: the email on the order, in other case, with a space. */
const ATTACK = { order_id: ORDER, order_email: 'GRACE@example.com ', ...MALLORY };

/** Six digits that are not `code`. */
const guessesBesides = (code: string, n: number) =>
  Array.from({ length: n }, (_, i) => String((Number(code) + 1 + i * 7919) % 1_000_000).padStart(6, '0'));

describe.each(STORE_TARGETS)('finding 4: email knowledge does not change an order ($name store)', (target) => {
  let h: OrdersHarness;
  let sink: SmtpSink;
  let orders: StoreOrders;
  let now = Date.now();

  beforeAll(async () => {
    sink = await startSmtpSink();
    h = await startOrdersServer(target, {
      smtpUrl: sink.url,
      codeSettings: { ttlMs: SHIPPED.EMAIL_CODE_TTL_MS, maxAttempts: SHIPPED.EMAIL_CODE_MAX_ATTEMPTS, maxIssues: SHIPPED.EMAIL_CODE_MAX_PER_ORDER, issueWindowMs: SHIPPED.EMAIL_CODE_WINDOW_MS },
      now: () => now,
    });
    orders = new StoreOrders(h.store);
  });
  afterAll(async () => {
    await h.close();
    await sink.close();
  });
  beforeEach(() => {
    now += SHIPPED.EMAIL_CODE_WINDOW_MS + 60_000;
  });

  const change = (sender: string, slots: Record<string, unknown>) => h.call('action_change_delivery_address', { senderId: sender, slots, text: 'change the address', intent: 'change_delivery_address' });
  const addressOf = async () => (await orders.findById(ORDER))!.shippingAddress;
  const changesRecorded = async () => (await h.store.query<{ n: number }>('SELECT count(*)::int AS n FROM order_address_changes WHERE order_id = $1', [ORDER])).rows[0]!.n;

  /** Starts the attack in `sender` and returns the code Grace received. */
  async function codeMailedFor(sender: string, slots: Record<string, unknown> = ATTACK): Promise<{ code: string; reply: string }> {
    const seen = sink.received.length;
    const res = await change(sender, slots);
    const mail = await sink.next(seen);
    return { code: codeIn(mail), reply: JSON.stringify(res.body) };
  }

  it('refuses the change made with only her email, and mails the code to her, never to the chat', async () => {
    const before = await addressOf();
    const seen = sink.received.length;
    const res = await change('conv-mallory', ATTACK);
    expect(res.status).toBe(200);
    expect(slotsOf(res)).toEqual({ order_code: null, order_code_status: 'sent' });
    expect(textsOf(res).join(' ')).not.toMatch(/Done|delivered to/);
    expect(await addressOf()).toEqual(before);
    expect(await changesRecorded()).toBe(0);

    const mail = await sink.next(seen);
    expect(sink.received).toHaveLength(seen + 1);
    expect(mail.to).toEqual(['grace@example.com']);
    const body = JSON.stringify(res.body);
    expect(body).not.toContain(codeIn(mail));
    expect(body.toLowerCase()).not.toContain('grace@example.com');
  });

  it('lets a guessed code fail, and burns the code after the shipped number of tries', async () => {
    const before = await addressOf();
    const { code } = await codeMailedFor('conv-mallory-guess');
    const guesses = guessesBesides(code, SHIPPED.EMAIL_CODE_MAX_ATTEMPTS);
    const replies = [];
    for (const guess of guesses) replies.push(textsOf(await change('conv-mallory-guess', { ...ATTACK, order_code: guess }))[0]);
    expect(replies.slice(0, -1)).toEqual(guesses.slice(0, -1).map((_, i) => wrongCode(guesses.length - 1 - i)));
    expect(replies.at(-1)).toBe(CODE_BURNED);
    // Even the right code is refused once the tries are spent.
    const late = await change('conv-mallory-guess', { ...ATTACK, order_code: code });
    expect(textsOf(late)).toEqual([CODE_BURNED]);
    expect(slotsOf(late)).toMatchObject({ order_code_status: 'spent' });
    expect(await addressOf()).toEqual(before);
    expect(await changesRecorded()).toBe(0);
  });

  it('evaluates no more than the shipped number of tries from a burst of concurrent guesses', async () => {
    const { code } = await codeMailedFor('conv-mallory-burst');
    const burst = await Promise.all(guessesBesides(code, 30).map((guess) => change('conv-mallory-burst', { ...ATTACK, order_code: guess })));
    const wrong = burst.filter((res) => /isn't right/.test(textsOf(res)[0] ?? '')).length;
    // Exactly the allowed tries were compared: all but the last said "wrong", the last burned the code.
    expect(wrong).toBe(SHIPPED.EMAIL_CODE_MAX_ATTEMPTS - 1);
    expect(burst.filter((res) => textsOf(res)[0] === CODE_BURNED)).toHaveLength(30 - wrong);
    expect(await changesRecorded()).toBe(0);
  });

  it('refuses an expired code', async () => {
    const before = await addressOf();
    const { code } = await codeMailedFor('conv-grace-late', { ...ATTACK, order_email: 'grace@example.com' });
    now += SHIPPED.EMAIL_CODE_TTL_MS;
    const res = await change('conv-grace-late', { ...ATTACK, order_code: code });
    expect(textsOf(res)).toEqual([CODE_EXPIRED]);
    expect(await addressOf()).toEqual(before);
  });

  it('refuses a code issued to another conversation, which still works in its own', async () => {
    const { code } = await codeMailedFor('conv-grace');
    // Mallory, in her own conversation, with Grace's code (read over her shoulder, say).
    const stolen = await change('conv-mallory-2', { ...ATTACK, order_code: code });
    expect(textsOf(stolen)).toEqual([CODE_NOT_VALID]);
    expect(await changesRecorded()).toBe(0);
    const own = await change('conv-grace', { ...ATTACK, order_code: code });
    expect(slotsOf(own).address_changed).toBe(true);
    expect(await changesRecorded()).toBe(1);
  });

  it('refuses a code that was already used', async () => {
    const other = { ...ATTACK, address_line1: '1 Second Street' };
    const { code } = await codeMailedFor('conv-grace-twice', other);
    expect(slotsOf(await change('conv-grace-twice', { ...other, order_code: code })).address_changed).toBe(true);
    const recorded = await changesRecorded();
    const again = await change('conv-grace-twice', { ...other, order_code: code });
    expect(textsOf(again)).toEqual([CODE_NOT_VALID]);
    expect(await changesRecorded()).toBe(recorded);
    const history = await orders.addressHistory(ORDER);
    expect(history.map((c) => c.verifiedBy)).toEqual(history.map(() => 'email_code'));
  });

  it('keeps codes hashed: no column holds the code, the email or the conversation', async () => {
    const { code } = await codeMailedFor('whatsapp:+447700900461');
    const { rows } = await h.store.query<Record<string, unknown>>('SELECT * FROM one_time_codes WHERE record_id = $1', [ORDER]);
    expect(rows.length).toBeGreaterThan(0);
    const table = JSON.stringify(rows, (_k, v: unknown) => (v instanceof Uint8Array ? Buffer.from(v).toString('hex') : v));
    expect(table).not.toContain(code);
    expect(table).not.toContain(Buffer.from(code).toString('hex'));
    expect(table.toLowerCase()).not.toContain('grace');
    expect(table).not.toContain('447700900461');
  });

  it('mails one order no more than the shipped number of codes per window, whatever the conversation', async () => {
    const seen = sink.received.length;
    for (let i = 0; i < SHIPPED.EMAIL_CODE_MAX_PER_ORDER; i++) await codeMailedFor(`conv-flood-${i}`);
    now += 60_000;
    const refused = await change('conv-flood-more', ATTACK);
    expect(textsOf(refused)).toEqual([tooManyCodes((SHIPPED.EMAIL_CODE_WINDOW_MS - 60_000) / 1000)]);
    expect(sink.received).toHaveLength(seen + SHIPPED.EMAIL_CODE_MAX_PER_ORDER);
  });
});
