/**
 * Finding 6(a) of the security audit (#13): someone with SQL access but not the key emptied
 * audit_log, re-inserted rows with recomputed SHA-256 links (one edited, one dropped) and rewrote
 * the head, and `audit verify` called the result intact. Now TRUNCATE is refused, the links are
 * HMACs under AUDIT_HMAC_KEY, and signed checkpoints pin the chain, so every variant of that
 * rewrite is reported; a correct chain, and one across a key rotation, still verify.
 */
import { AuditKeyring, GENESIS_HASH, appendAudit, chain, checkpointAudit, parseAuditKeys, payloadHash, verifyAudit, type AuditEvent, type AuditRow } from '../../src/observability/audit';
import { migrate, type Store } from '../../src/store';
import { STORE_TARGETS } from '../support/stores';

const K1 = 'k1:' + 'first-secret-0123456789-abcdefghij';
const K2 = 'k2:' + 'second-secret-0123456789-abcdefghi';
const keys = new AuditKeyring(parseAuditKeys(K1));

const event = (i: number): AuditEvent => ({
  at: new Date(Date.UTC(2026, 4, 1, 9, 0, i)),
  kind: 'action',
  sender: `sender-${i}`,
  action: 'action_fetch_order',
  outcome: 'success',
  latencyMs: 5,
  payloadSha256: payloadHash({ i }),
});
const events = (from: number, to: number) => Array.from({ length: to - from + 1 }, (_, k) => event(from + k));

interface Raw {
  seq: string | number;
  at: Date | string;
  kind: 'action' | 'outbound';
  sender: string | null;
  action: string | null;
  outcome: string;
  latency_ms: number;
  payload_sha256: string;
}

/** What the attacker can do with SQL alone: read the rows, switch the guards off, write anything. */
async function readEvents(store: Store): Promise<AuditEvent[]> {
  const { rows } = await store.query<Raw>('SELECT * FROM audit_log ORDER BY seq');
  return rows.map((r) => ({ at: new Date(r.at), kind: r.kind, sender: r.sender, action: r.action, outcome: r.outcome, latencyMs: r.latency_ms, payloadSha256: r.payload_sha256 }));
}

async function rewrite(store: Store, rows: AuditRow[]): Promise<void> {
  await store.query('ALTER TABLE audit_log DISABLE TRIGGER USER');
  await store.query('TRUNCATE audit_log');
  for (const r of rows) {
    await store.query(
      'INSERT INTO audit_log (seq, at, kind, sender, action, outcome, latency_ms, payload_sha256, prev_hash, hash, key_id, checkpointed) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12)',
      [r.seq, r.at.toISOString(), r.kind, r.sender, r.action, r.outcome, r.latencyMs, r.payloadSha256, r.prevHash, r.hash, r.keyId, r.checkpointed],
    );
  }
  const last = rows[rows.length - 1]!;
  await store.query('UPDATE audit_chain_head SET last_seq = $1, last_hash = $2', [last.seq, last.hash]);
}

/** The attack of the finding: row 3 edited, row 5 dropped, renumbered, relinked without a key. */
async function recomputedWithoutKey(store: Store): Promise<AuditRow[]> {
  const all = await readEvents(store);
  const tampered = all.filter((_, i) => i !== 4).map((e, i) => (i === 2 ? { ...e, outcome: 'unauthorized' } : e));
  return chain(tampered, 0, GENESIS_HASH);
}

describe.each(STORE_TARGETS)('the keyed audit chain on the $name store', (target) => {
  let store: Store;
  let cleanup: () => Promise<void>;

  beforeEach(async () => {
    ({ store, cleanup } = await target.open());
    await migrate(store);
    await appendAudit(store, events(1, 10), { keys, checkpointEvery: 4 });
  });
  afterEach(() => cleanup());

  it('a correct chain verifies, with its checkpoints', async () => {
    expect(await verifyAudit(store, { keys })).toMatchObject({ ok: true, rows: 10, keyed: { k1: 10 }, unkeyed: 0, checkpoints: 2, latestCheckpoint: 8, warnings: [] });
  });

  it('TRUNCATE, DELETE and UPDATE are refused on the log, its checkpoints and its head', async () => {
    await expect(store.query('TRUNCATE audit_log')).rejects.toThrow(/audit_log may not be truncated/);
    await expect(store.query('TRUNCATE audit_checkpoints')).rejects.toThrow(/may not be truncated/);
    await expect(store.query('TRUNCATE audit_chain_head')).rejects.toThrow(/may not be truncated/);
    await expect(store.query('DELETE FROM audit_log WHERE seq = 5')).rejects.toThrow(/append-only/);
    await expect(store.query("UPDATE audit_log SET outcome = 'x' WHERE seq = 5")).rejects.toThrow(/append-only/);
    await expect(store.query('DELETE FROM audit_checkpoints')).rejects.toThrow(/append-only/);
    await expect(store.query("UPDATE audit_checkpoints SET head_hash = 'x'")).rejects.toThrow(/append-only/);
    await expect(store.query('DELETE FROM audit_chain_head')).rejects.toThrow(/may not be deleted/);
    // The re-encryption pass may change the sender only, never another column.
    await store.query('BEGIN');
    try {
      await store.query("SELECT set_config('actionbridge.audit_reencrypt', 'on', true)");
      await expect(store.query("UPDATE audit_log SET outcome = 'x' WHERE seq = 5")).rejects.toThrow(/append-only/);
    } finally {
      await store.query('ROLLBACK');
    }
    expect(await verifyAudit(store, { keys })).toMatchObject({ ok: true, rows: 10 });
  });

  it('the rewrite of the finding (edit, drop, relink without the key, new head) breaks against the signed checkpoint', async () => {
    await rewrite(store, await recomputedWithoutKey(store));
    const result = await verifyAudit(store, { keys });
    expect(result).toMatchObject({ ok: false, brokenAt: 4, reason: expect.stringMatching(/signed checkpoint records \(the chain was rewritten\)/) });
  });

  it('the same rewrite with the checkpoints deleted too is reported as unkeyed rows nothing vouches for', async () => {
    await rewrite(store, await recomputedWithoutKey(store));
    await store.query('ALTER TABLE audit_checkpoints DISABLE TRIGGER USER');
    await store.query('DELETE FROM audit_checkpoints');
    expect(await verifyAudit(store, { keys })).toMatchObject({ ok: false, reason: expect.stringMatching(/chained without a key and nothing signed vouches for them/) });
    // And it cannot be laundered by signing it.
    expect(await checkpointAudit(store, { keys })).toMatchObject({ ok: false });
  });

  it('a row relinked under the key id but without the key, and a forged checkpoint, are reported', async () => {
    const all = await readEvents(store);
    const forged = chain(all.map((e, i) => (i === 6 ? { ...e, outcome: 'error' } : e)), 0, GENESIS_HASH).map((r) => ({ ...r, keyId: 'k1' }));
    await rewrite(store, forged);
    expect(await verifyAudit(store, { keys })).toMatchObject({ ok: false, brokenAt: 1, reason: expect.stringMatching(/keyed hash \(edited\)/) });
  });

  it('a checkpoint with a made-up signature is reported', async () => {
    await store.query('ALTER TABLE audit_checkpoints DISABLE TRIGGER USER');
    await store.query("UPDATE audit_checkpoints SET signature = repeat('a', 64) WHERE seq = 8");
    expect(await verifyAudit(store, { keys })).toMatchObject({ ok: false, brokenAt: 8, reason: expect.stringMatching(/bad signature/) });
  });

  it('a checkpoint removed from the middle, or the newest one removed before more rows follow, is reported', async () => {
    await store.query('ALTER TABLE audit_checkpoints DISABLE TRIGGER USER');
    await store.query('DELETE FROM audit_checkpoints WHERE seq = 8');
    await appendAudit(store, events(11, 12), { keys, checkpointEvery: 4 });
    // The checkpoint at 12 now follows the one at 4, but row 8 says it was checkpointed.
    expect(await verifyAudit(store, { keys })).toMatchObject({ ok: false, brokenAt: 8, reason: expect.stringMatching(/not stored \(a checkpoint was removed\)/) });
    await store.query('DELETE FROM audit_checkpoints WHERE seq = 4');
    expect(await verifyAudit(store, { keys })).toMatchObject({ ok: false, brokenAt: 4, reason: expect.stringMatching(/a checkpoint was removed/) });
  });

  it('rows cut off the end with the head rewritten: caught by a checkpoint past the end, or by an anchor kept elsewhere', async () => {
    const anchored = await checkpointAudit(store, { keys });
    if (!anchored.ok || !anchored.checkpoint) throw new Error('expected a checkpoint');
    const { seq, headHash } = anchored.checkpoint;
    expect(seq).toBe(10);

    await store.query('ALTER TABLE audit_log DISABLE TRIGGER USER');
    await store.query('ALTER TABLE audit_checkpoints DISABLE TRIGGER USER');
    await store.query('DELETE FROM audit_log WHERE seq > 6');
    const { rows } = await store.query<{ hash: string }>('SELECT hash FROM audit_log WHERE seq = 6');
    await store.query('UPDATE audit_chain_head SET last_seq = 6, last_hash = $1', [rows[0]!.hash]);
    await store.query('DELETE FROM audit_checkpoints WHERE seq = 10');
    expect(await verifyAudit(store, { keys })).toMatchObject({ ok: false, brokenAt: 7, reason: expect.stringMatching(/checkpoint records row 8, but the chain ends at row 6/) });

    // The attacker removes the checkpoint at 8 too: only the anchor kept outside still knows.
    await store.query('DELETE FROM audit_checkpoints WHERE seq = 8');
    expect(await verifyAudit(store, { keys })).toMatchObject({ ok: true, rows: 6 });
    expect(await verifyAudit(store, { keys, anchors: [{ seq, hash: headHash }] })).toMatchObject({ ok: false, reason: expect.stringMatching(/anchor given records row 10, but the chain ends at row 6/) });
  });

  it('after a key rotation the old rows verify with the old key kept in the list, and not without it', async () => {
    const rotated = new AuditKeyring(parseAuditKeys(`${K2},${K1}`));
    await appendAudit(store, events(11, 13), { keys: rotated, checkpointEvery: 4 });
    expect(await verifyAudit(store, { keys: rotated })).toMatchObject({ ok: true, rows: 13, keyed: { k1: 10, k2: 3 }, checkpoints: 3, latestCheckpoint: 12 });
    const { rows } = await store.query<{ key_id: string }>('SELECT key_id FROM audit_checkpoints ORDER BY seq');
    expect(rows.map((r) => r.key_id)).toEqual(['k1', 'k1', 'k2']);
    const onlyNew = new AuditKeyring(parseAuditKeys(K2));
    expect(await verifyAudit(store, { keys: onlyNew })).toMatchObject({ ok: false, reason: expect.stringMatching(/key 'k1', which AUDIT_HMAC_KEY does not hold/) });
  });
});

describe.each(STORE_TARGETS)('an audit log begun without a key, on the $name store', (target) => {
  let store: Store;
  let cleanup: () => Promise<void>;

  beforeEach(async () => {
    ({ store, cleanup } = await target.open());
    await migrate(store);
    await appendAudit(store, events(1, 5));
  });
  afterEach(() => cleanup());

  it('verifies with a loud warning that it only detects accidents', async () => {
    expect(await verifyAudit(store)).toMatchObject({ ok: true, rows: 5, unkeyed: 5, warnings: [expect.stringMatching(/AUDIT_HMAC_KEY is not set.*detects accidents only/)] });
  });

  it('once keyed rows follow, they vouch for the unkeyed ones before them', async () => {
    // Before any keyed row: nothing signed vouches for the old rows; adopting them signs the head.
    expect(await verifyAudit(store, { keys })).toMatchObject({ ok: false, reason: expect.stringMatching(/--adopt-unkeyed/) });
    await appendAudit(store, events(6, 7), { keys });
    expect(await verifyAudit(store, { keys })).toMatchObject({ ok: true, rows: 7, unkeyed: 5, keyed: { k1: 2 } });

    const all = await readEvents(store);
    const unkeyedRewrite = chain(all.slice(0, 5).map((e, i) => (i === 1 ? { ...e, outcome: 'error' } : e)), 0, GENESIS_HASH);
    const { rows: keyedRows } = await store.query<Raw & { prev_hash: string; hash: string; key_id: string; checkpointed: boolean }>('SELECT * FROM audit_log WHERE seq > 5 ORDER BY seq');
    await rewrite(store, [
      ...unkeyedRewrite,
      ...keyedRows.map((r) => ({ ...all[Number(r.seq) - 1]!, seq: Number(r.seq), prevHash: r.prev_hash, hash: r.hash, keyId: r.key_id, checkpointed: r.checkpointed })),
    ]);
    expect(await verifyAudit(store, { keys })).toMatchObject({ ok: false, brokenAt: 6, reason: expect.stringMatching(/previous-hash link/) });
  });

  it('an all-unkeyed log is adopted by an explicit checkpoint, and a later unkeyed row is a downgrade', async () => {
    expect(await checkpointAudit(store, { keys })).toMatchObject({ ok: false });
    expect(await checkpointAudit(store, { keys, adoptUnkeyed: true })).toMatchObject({ ok: true, checkpoint: { seq: 5 } });
    expect(await verifyAudit(store, { keys })).toMatchObject({ ok: true, rows: 5, checkpoints: 1 });
    await appendAudit(store, events(6, 6), { keys });
    await appendAudit(store, events(7, 7));
    expect(await verifyAudit(store, { keys })).toMatchObject({ ok: false, brokenAt: 7, reason: expect.stringMatching(/unkeyed after rows chained with AUDIT_HMAC_KEY/) });
  });
});
