import { StoreOneTimeCodes } from '../../src/identity/store-one-time-codes';
import type { CodeSubject } from '../../src/ports/one-time-codes';
import { FieldCipher, migrate, type Store } from '../../src/store';
import { STORE_TARGETS } from '../support/stores';

const subject = (over: Partial<CodeSubject> = {}): CodeSubject => ({
  purpose: 'address_change',
  recordId: 'ORD-83520',
  conversation: 'conv-a',
  details: '{"line1":"1 New Road"}',
  ...over,
});

/** A code that is not `code`, so a "wrong" guess is wrong for sure. */
const otherThan = (code: string) => String((Number(code) + 1) % 1_000_000).padStart(6, '0');

describe.each(STORE_TARGETS)('one-time codes on the $name store', (target) => {
  let store: Store;
  let cleanup: () => Promise<void>;
  let now: number;
  let codes: StoreOneTimeCodes;
  let order = 0;
  /** Each test its own order, so the per-order issue limit of one test does not reach the next. */
  const fresh = () => subject({ recordId: `ORD-${String(30000 + ++order)}` });

  beforeAll(async () => {
    ({ store, cleanup } = await target.open());
    await migrate(store);
  });
  afterAll(() => cleanup());
  beforeEach(() => {
    now = Date.parse('2030-01-01T12:00:00Z') + order * 3_600_000;
    codes = new StoreOneTimeCodes(store, { ttlMs: 10 * 60_000, maxAttempts: 5, maxIssues: 3, issueWindowMs: 15 * 60_000 }, { now: () => now });
  });

  it('issues six random digits that work once, for exactly what they were issued for', async () => {
    const s = fresh();
    const issued = await codes.issue(s);
    if (!issued.ok) throw new Error('not issued');
    expect(issued.code).toMatch(/^\d{6}$/);
    expect(issued.expiresAt.getTime()).toBe(now + 10 * 60_000);
    for (const other of [{ conversation: 'conv-b' }, { recordId: 'ORD-99999' }, { details: '{"line1":"2 Other Road"}' }]) {
      expect(await codes.verify({ ...s, ...other }, issued.code)).toEqual({ ok: false, reason: 'none' });
    }
    expect(await codes.verify(s, issued.code)).toEqual({ ok: true });
    expect(await codes.verify(s, issued.code)).toEqual({ ok: false, reason: 'none' });
  });

  it('burns a code after five wrong tries, even for the right code then', async () => {
    const s = fresh();
    const issued = await codes.issue(s);
    if (!issued.ok) throw new Error('not issued');
    const wrong = otherThan(issued.code);
    const results = [];
    for (let i = 0; i < 5; i++) results.push(await codes.verify(s, wrong));
    expect(results).toEqual([4, 3, 2, 1, 0].map((attemptsLeft) => ({ ok: false, reason: 'wrong', attemptsLeft })));
    expect(await codes.verify(s, issued.code)).toEqual({ ok: false, reason: 'burned' });
  });

  it('lets no more than five of many concurrent guesses be evaluated', async () => {
    const s = fresh();
    const issued = await codes.issue(s);
    if (!issued.ok) throw new Error('not issued');
    const wrong = otherThan(issued.code);
    const results = await Promise.all(Array.from({ length: 20 }, () => codes.verify(s, wrong)));
    expect(results.filter((r) => !r.ok && r.reason === 'wrong')).toHaveLength(5);
    expect(results.filter((r) => !r.ok && r.reason === 'burned')).toHaveLength(15);
    const { rows } = await store.query<{ attempts: number }>('SELECT attempts FROM one_time_codes WHERE record_id = $1', [s.recordId]);
    expect(rows).toEqual([{ attempts: 5 }]);
  });

  it('lets one of two conversations racing with the same right code through, never both', async () => {
    const s = fresh();
    const issued = await codes.issue(s);
    if (!issued.ok) throw new Error('not issued');
    const results = await Promise.all([codes.verify(s, issued.code), codes.verify(s, issued.code), codes.verify(s, issued.code)]);
    expect(results.filter((r) => r.ok)).toHaveLength(1);
  });

  it('refuses a code once it has expired', async () => {
    const s = fresh();
    const issued = await codes.issue(s);
    if (!issued.ok) throw new Error('not issued');
    now += 10 * 60_000;
    expect(await codes.verify(s, issued.code)).toEqual({ ok: false, reason: 'expired' });
  });

  it('replaces the earlier code of the same order and conversation, with fresh tries', async () => {
    const s = fresh();
    const first = await codes.issue(s);
    if (!first.ok) throw new Error('not issued');
    await codes.verify(s, otherThan(first.code));
    const second = await codes.issue(s);
    if (!second.ok) throw new Error('not issued');
    if (second.code !== first.code) expect(await codes.verify(s, first.code)).toMatchObject({ ok: false, reason: 'wrong', attemptsLeft: 4 });
    expect(await codes.verify(s, second.code)).toEqual({ ok: true });
    const { rows } = await store.query<{ n: number }>('SELECT count(*)::int AS n FROM one_time_codes WHERE record_id = $1', [s.recordId]);
    expect(rows[0]!.n).toBe(0);
  });

  it('sends at most three codes per order per 15 minutes, from any conversation', async () => {
    const s = fresh();
    for (const conversation of ['conv-a', 'conv-b', 'conv-c']) expect((await codes.issue({ ...s, conversation })).ok).toBe(true);
    now += 5 * 60_000;
    expect(await codes.issue({ ...s, conversation: 'conv-d' })).toEqual({ ok: false, reason: 'too_many', retryAfterSeconds: 600 });
    expect((await codes.issue(fresh())).ok).toBe(true);
    now += 10 * 60_000;
    expect((await codes.issue({ ...s, conversation: 'conv-d' })).ok).toBe(true);
  });

  it('keeps neither the code nor the conversation in plain text', async () => {
    const s = { ...fresh(), conversation: 'whatsapp:+447700900123' };
    const issued = await codes.issue(s);
    if (!issued.ok) throw new Error('not issued');
    const { rows } = await store.query<Record<string, unknown>>('SELECT * FROM one_time_codes WHERE record_id = $1', [s.recordId]);
    expect(rows).toHaveLength(1);
    const stored = JSON.stringify(rows[0], (_k, v: unknown) => (v instanceof Uint8Array ? Buffer.from(v).toString('hex') : v));
    expect(stored).not.toContain(issued.code);
    expect(stored).not.toContain(Buffer.from(issued.code).toString('hex'));
    expect(stored).not.toContain('447700900123');
    expect(Buffer.from(rows[0]!.code_hash as Uint8Array)).toHaveLength(32);
  });

  it('seals the hash of what a code approves under DATA_ENCRYPTION_KEY, and still checks codes', async () => {
    const key = (id: string, byte: number) => ({ id, key: Buffer.alloc(32, byte) });
    const sealed = new StoreOneTimeCodes(store, {}, { now: () => now, cipher: new FieldCipher([key('k1', 1)]) });
    const s = fresh();
    const issued = await sealed.issue(s);
    if (!issued.ok) throw new Error('not issued');
    const { rows } = await store.query<{ details_hash: string }>('SELECT details_hash FROM one_time_codes WHERE record_id = $1', [s.recordId]);
    expect(rows[0]!.details_hash).toMatch(/^enc:v1:k1:/);
    // Under another key only (k1 removed), the sealed row matches nothing rather than failing.
    const rotated = new StoreOneTimeCodes(store, {}, { now: () => now, cipher: new FieldCipher([key('k2', 2)]) });
    expect(await rotated.verify(s, issued.code)).toEqual({ ok: false, reason: 'none' });
    expect(await sealed.verify(s, issued.code)).toEqual({ ok: true });
  });
});
