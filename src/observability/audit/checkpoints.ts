/**
 * Signed checkpoints of the audit chain (migration 0006): "row <seq> had link <headHash>", signed
 * with AUDIT_HMAC_KEY together with the time and the previous checkpoint's signature. Someone who
 * rewrites the rows with SQL but without the key cannot make them agree with a checkpoint, nor
 * forge or quietly remove one in the middle.
 */
import type { Queryable } from '../../store';
import { hmacHex, sameDigest, type AuditKey, type AuditKeyring } from './keys';
import type { ChainBreak, ExpectedLink } from './chain';

export interface Checkpoint {
  seq: number;
  headHash: string;
  at: Date;
  keyId: string;
  prevSignature: string;
  signature: string;
}

interface CheckpointRow {
  seq: string | number;
  head_hash: string;
  at: Date | string;
  key_id: string;
  prev_signature: string;
  signature: string;
}

const fromDb = (r: CheckpointRow): Checkpoint => ({
  seq: Number(r.seq),
  headHash: r.head_hash,
  at: r.at instanceof Date ? r.at : new Date(r.at),
  keyId: r.key_id,
  prevSignature: r.prev_signature,
  signature: r.signature,
});

/** The bytes a checkpoint's signature covers; tagged so it can never be taken for a row's link. */
function signedText(seq: number, headHash: string, at: Date, prevSignature: string): string {
  return JSON.stringify(['audit-checkpoint', seq, headHash, at.getTime(), prevSignature]);
}

export async function latestCheckpoint(db: Queryable): Promise<Checkpoint | null> {
  const { rows } = await db.query<CheckpointRow>('SELECT * FROM audit_checkpoints ORDER BY seq DESC LIMIT 1');
  return rows[0] ? fromDb(rows[0]) : null;
}

/**
 * Signs and stores a checkpoint at row `seq`; call it inside the transaction that holds the
 * chain head. A checkpoint already at `seq` (or later) is returned instead of a new one.
 */
export async function writeCheckpoint(tx: Queryable, key: AuditKey, seq: number, headHash: string): Promise<Checkpoint> {
  const last = await latestCheckpoint(tx);
  if (last && last.seq >= seq) return last;
  // Whole milliseconds: what the signature covers must survive the round trip through timestamptz.
  const at = new Date(Date.now());
  const prevSignature = last?.signature ?? '';
  const signature = hmacHex(key, signedText(seq, headHash, at, prevSignature));
  await tx.query('INSERT INTO audit_checkpoints (seq, head_hash, at, key_id, prev_signature, signature) VALUES ($1, $2, $3, $4, $5, $6)', [
    seq,
    headHash,
    at.toISOString(),
    key.id,
    prevSignature,
    signature,
  ]);
  return { seq, headHash, at, keyId: key.id, prevSignature, signature };
}

export interface CheckpointReport {
  /** Row links the checkpoints vouch for, by seq. */
  expected: Map<number, ExpectedLink>;
  count: number;
  latest: Checkpoint | null;
  /** The first problem with the checkpoints themselves (bad signature, one removed). */
  failure?: ChainBreak;
}

/**
 * Reads every checkpoint and checks each signature and its link to the one before. Without
 * AUDIT_HMAC_KEY the signatures cannot be checked: that is a failure, since a keyed log is then
 * not verifiable at all.
 */
export async function checkCheckpoints(db: Queryable, keys: AuditKeyring): Promise<CheckpointReport> {
  const { rows } = await db.query<CheckpointRow>('SELECT * FROM audit_checkpoints ORDER BY seq');
  const expected = new Map<number, ExpectedLink>();
  let prevSignature = '';
  let failure: ChainBreak | undefined;
  let latest: Checkpoint | null = null;
  for (const r of rows) {
    const cp = fromDb(r);
    const key = keys.get(cp.keyId);
    if (!key) failure ??= { brokenAt: cp.seq, reason: `the checkpoint at this row is signed with key '${cp.keyId}', which AUDIT_HMAC_KEY does not hold${keys.signer ? '' : ' (it is not set)'}` };
    else if (!sameDigest(hmacHex(key, signedText(cp.seq, cp.headHash, cp.at, cp.prevSignature)), cp.signature)) {
      failure ??= { brokenAt: cp.seq, reason: 'the checkpoint at this row has a bad signature (forged or edited)' };
    } else if (cp.prevSignature !== prevSignature) {
      failure ??= { brokenAt: cp.seq, reason: 'the checkpoint at this row does not follow the one before it (a checkpoint was removed)' };
    }
    // Even unsigned, a checkpoint's hash still catches a rewrite that left it in place.
    expected.set(cp.seq, { hash: cp.headHash, source: 'the signed checkpoint' });
    prevSignature = cp.signature;
    latest = cp;
  }
  return { expected, count: rows.length, latest, failure };
}
