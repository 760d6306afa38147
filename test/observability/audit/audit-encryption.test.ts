/**
 * The audit log's sender (a chat user's id, a phone number on some channels) is sealed with
 * DATA_ENCRYPTION_KEY; the chain covers the plaintext, so re-encryption keeps it verifying.
 */
import crypto from 'node:crypto';
import { AuditKeyring, appendAudit, exportAudit, parseAuditKeys, payloadHash, reencryptAuditSenders, verifyAudit, type AuditEvent } from '../../../src/observability/audit';
import { FieldCipher, migrate, parseDataKeys, type Store } from '../../../src/store';
import { STORE_TARGETS } from '../../support/stores';

const K1 = `k1:${crypto.randomBytes(32).toString('base64')}`;
const K2 = `k2:${crypto.randomBytes(32).toString('base64')}`;
const sealedK1 = new FieldCipher(parseDataKeys(K1));
const rotated = new FieldCipher(parseDataKeys(`${K2},${K1}`));
const keys = new AuditKeyring(parseAuditKeys('a1:' + 'x'.repeat(40)));

const event = (i: number): AuditEvent => ({
  at: new Date(Date.UTC(2026, 5, 1, 0, 0, i)),
  kind: 'action',
  sender: `+44 7700 900${String(i).padStart(3, '0')}`,
  action: 'action_fetch_order',
  outcome: 'success',
  latencyMs: 3,
  payloadSha256: payloadHash({ i }),
});

describe.each(STORE_TARGETS)('audit senders at rest on the $name store', (target) => {
  let store: Store;
  let cleanup: () => Promise<void>;
  beforeEach(async () => {
    ({ store, cleanup } = await target.open());
    await migrate(store);
  });
  afterEach(() => cleanup());

  const rawSenders = async () => (await store.query<{ sender: string }>('SELECT sender FROM audit_log ORDER BY seq')).rows.map((r) => r.sender);

  it('stores envelopes, verifies and exports the plaintext', async () => {
    await appendAudit(store, [1, 2, 3].map(event), { keys, cipher: sealedK1 });
    const raw = await rawSenders();
    expect(raw.every((s) => s.startsWith('enc:v1:k1:'))).toBe(true);
    expect(raw.join()).not.toContain('7700');
    expect(await verifyAudit(store, { keys, cipher: sealedK1 })).toMatchObject({ ok: true, rows: 3 });
    const exported: Record<string, unknown>[] = [];
    for await (const r of exportAudit(store, new Date(0), new Date(Date.UTC(2030, 0, 1)), sealedK1)) exported.push(r);
    expect(exported.map((r) => r.sender)).toEqual(['+44 7700 900001', '+44 7700 900002', '+44 7700 900003']);
  });

  it('re-encryption under a new key (plaintext rows too) keeps the chain verifying, and is safe to repeat', async () => {
    await appendAudit(store, [1, 2].map(event), { keys });
    await appendAudit(store, [3, 4, 5].map(event), { keys, cipher: sealedK1 });
    expect(await reencryptAuditSenders(store, rotated, { batchSize: 2 })).toEqual({ rewritten: 5, unreadable: 0 });
    expect((await rawSenders()).every((s) => s.startsWith('enc:v1:k2:'))).toBe(true);
    expect(await reencryptAuditSenders(store, rotated)).toEqual({ rewritten: 0, unreadable: 0 });
    expect(await verifyAudit(store, { keys, cipher: new FieldCipher(parseDataKeys(K2)) })).toMatchObject({ ok: true, rows: 5 });
  });

  it('a sender sealed for one row and copied into another, or a missing key, is reported by verify', async () => {
    await appendAudit(store, [1, 2, 3].map(event), { keys, cipher: sealedK1 });
    expect(await verifyAudit(store, { keys })).toMatchObject({ ok: false, brokenAt: 1, reason: expect.stringMatching(/sender does not open: .*key 'k1'/) });
    await store.query('ALTER TABLE audit_log DISABLE TRIGGER USER');
    await store.query('UPDATE audit_log SET sender = (SELECT sender FROM audit_log WHERE seq = 1) WHERE seq = 2');
    expect(await verifyAudit(store, { keys, cipher: sealedK1 })).toMatchObject({ ok: false, brokenAt: 2, reason: expect.stringMatching(/sender does not open/) });
  });

  it('a plaintext sender that merely looks like an envelope still verifies', async () => {
    const lookalike = `enc:v1:zz:${'A'.repeat(16)}:${'A'.repeat(22)}:`;
    await appendAudit(store, [{ ...event(1), sender: lookalike }], { keys });
    expect(await verifyAudit(store, { keys, cipher: sealedK1 })).toMatchObject({ ok: true, rows: 1 });
  });
});
