/**
 * The hash chain behind the audit log. A row's link covers the previous row's link and the row's
 * own fields in a fixed order, so any edit, deletion or reordering is detectable by recomputing
 * the chain from the start. With AUDIT_HMAC_KEY the link is an HMAC-SHA256 under the key the row
 * names (`keyId`), so only a holder of the key can recompute it; without a key it is a plain
 * SHA-256, which catches accidents but not someone with SQL access.
 */
import crypto from 'node:crypto';
import { storableText } from '../../store/storable';
import { AuditKeyring, hmacHex, sameDigest, type AuditKey } from './keys';

export const GENESIS_HASH = '0'.repeat(64);

/** 'admin': something an administrator did from the ops console (who, in `sender`). */
export type AuditKind = 'action' | 'outbound' | 'admin';

/** What a caller records; the payload itself is hashed here and never stored. */
export interface AuditEvent {
  at: Date;
  kind: AuditKind;
  sender?: string | null;
  action?: string | null;
  connector?: string | null;
  operation?: string | null;
  outcome: string;
  latencyMs: number;
  payloadSha256: string;
}

export interface AuditRow extends AuditEvent {
  seq: number;
  prevHash: string;
  hash: string;
  /** The AUDIT_HMAC_KEY id the link was computed with; null = unkeyed SHA-256. */
  keyId: string | null;
  /**
   * A keyed row at which a signed checkpoint was taken. Under the row's HMAC, so removing that
   * checkpoint (even the newest one) is noticed as long as the row is there.
   */
  checkpointed: boolean;
}

export function sha256Hex(data: string | Buffer): string {
  return crypto.createHash('sha256').update(data).digest('hex');
}

/** Hash of any payload; JSON is canonicalized (sorted keys) so equal payloads hash equally. */
export function payloadHash(payload: unknown): string {
  if (typeof payload === 'string' || Buffer.isBuffer(payload)) return sha256Hex(payload);
  return sha256Hex(canonicalJson(payload) ?? 'null');
}

function canonicalJson(value: unknown): string | undefined {
  if (value === null || typeof value !== 'object') return JSON.stringify(value);
  if (Array.isArray(value)) return `[${value.map((v) => canonicalJson(v) ?? 'null').join(',')}]`;
  const entries = Object.keys(value)
    .sort()
    .flatMap((k) => {
      const v = canonicalJson((value as Record<string, unknown>)[k]);
      return v === undefined ? [] : [`${JSON.stringify(k)}:${v}`];
    });
  return `{${entries.join(',')}}`;
}

/**
 * The exact bytes a row's hash covers. Milliseconds since the epoch, not a date string, so
 * PostgreSQL's and PGlite's timestamp rendering cannot change the hash.
 */
export function canonicalFields(seq: number, prevHash: string, e: AuditEvent): string {
  return JSON.stringify([
    seq,
    prevHash,
    e.at.getTime(),
    e.kind,
    e.sender ?? null,
    e.action ?? null,
    e.connector ?? null,
    e.operation ?? null,
    e.outcome,
    Math.round(e.latencyMs),
    e.payloadSha256,
  ]);
}

export function rowHash(seq: number, prevHash: string, e: AuditEvent): string {
  return sha256Hex(canonicalFields(seq, prevHash, e));
}

/** The keyed link: HMAC-SHA256 over the row's fields, its key id and its checkpoint mark. */
export function rowMac(key: AuditKey, seq: number, prevHash: string, e: AuditEvent, checkpointed: boolean): string {
  return hmacHex(key, JSON.stringify([canonicalFields(seq, prevHash, e), key.id, checkpointed]));
}

/**
 * The event as the store will keep it: PostgreSQL drops U+0000 and replaces lone surrogates in
 * every text parameter (src/store/storable.ts), so that is what is hashed too; a hash over the raw
 * text would never verify against the stored row.
 */
function asStored(e: AuditEvent): AuditEvent {
  const text = (v: string | null | undefined) => (typeof v === 'string' ? storableText(v) : v);
  return { ...e, kind: text(e.kind) as AuditKind, sender: text(e.sender), action: text(e.action), connector: text(e.connector), operation: text(e.operation), outcome: storableText(e.outcome) };
}

/**
 * Links events onto the chain after (`lastSeq`, `lastHash`), under `signer` when given; with a
 * signer, rows whose seq is a multiple of `checkpointEvery` are marked for a checkpoint.
 */
export function chain(events: readonly AuditEvent[], lastSeq: number, lastHash: string, signer: AuditKey | null = null, checkpointEvery = 1000): AuditRow[] {
  const rows: AuditRow[] = [];
  let seq = lastSeq;
  let prev = lastHash;
  for (const raw of events) {
    const e = asStored(raw);
    seq += 1;
    const checkpointed = signer !== null && seq % checkpointEvery === 0;
    const hash = signer ? rowMac(signer, seq, prev, e, checkpointed) : rowHash(seq, prev, e);
    rows.push({ ...e, latencyMs: Math.round(e.latencyMs), seq, prevHash: prev, hash, keyId: signer?.id ?? null, checkpointed });
    prev = hash;
  }
  return rows;
}

/** Where the chain broke, and how it looked up to there. */
export interface ChainBreak {
  brokenAt: number;
  reason: string;
}

export type ChainResult = { ok: true; rows: number; lastHash: string } | ({ ok: false; rows: number } & ChainBreak);

/** A row's link that something outside the table vouches for (a signed checkpoint, an anchor). */
export interface ExpectedLink {
  hash: string;
  /** What vouches for it, for the report ("the signed checkpoint", "the anchor given"). */
  source: string;
}

/**
 * Checks rows in seq order starting from the genesis; stops at the first break. Unkeyed rows are
 * accepted only before the first keyed one: a rewrite without the key cannot slip unkeyed rows
 * in after it.
 */
export class ChainVerifier {
  private expectedSeq = 1;
  private prev = GENESIS_HASH;
  private count = 0;
  private failure: ChainBreak | undefined;
  /** Rows chained without a key, and with each key id. */
  unkeyed = 0;
  readonly keyed = new Map<string, number>();

  constructor(
    private readonly keys: AuditKeyring = new AuditKeyring(),
    private readonly expected: ReadonlyMap<number, ExpectedLink> = new Map(),
    /** The rows signed checkpoints are stored for. */
    private readonly checkpointSeqs: ReadonlySet<number> = new Set(),
  ) {}

  push(row: AuditRow): boolean {
    if (this.failure) return false;
    const fail = (reason: string) => {
      this.failure = { brokenAt: row.seq, reason };
      return false;
    };
    if (row.seq !== this.expectedSeq) return fail(`expected row ${this.expectedSeq}, found ${row.seq} (a row is missing)`);
    if (row.prevHash !== this.prev) return fail('previous-hash link does not match the row before');
    if (row.keyId === null) {
      if (this.keyed.size > 0) return fail('the row is unkeyed after rows chained with AUDIT_HMAC_KEY (rewritten by someone without the key)');
      if (rowHash(row.seq, row.prevHash, row) !== row.hash) return fail("the row's fields do not match its hash (edited)");
      this.unkeyed += 1;
    } else {
      const key = this.keys.get(row.keyId);
      if (!key) return fail(`the row is chained with key '${row.keyId}', which AUDIT_HMAC_KEY does not hold${this.keys.signer ? '' : ' (it is not set)'}`);
      if (!sameDigest(rowMac(key, row.seq, row.prevHash, row, row.checkpointed), row.hash)) return fail("the row's fields do not match its keyed hash (edited)");
      if (row.checkpointed && !this.checkpointSeqs.has(row.seq)) return fail('a signed checkpoint was taken at this row, but it is not stored (a checkpoint was removed)');
      this.keyed.set(row.keyId, (this.keyed.get(row.keyId) ?? 0) + 1);
    }
    const vouched = this.expected.get(row.seq);
    if (vouched && vouched.hash !== row.hash) return fail(`the row's hash differs from the one ${vouched.source} records (the chain was rewritten)`);
    this.prev = row.hash;
    this.expectedSeq += 1;
    this.count += 1;
    return true;
  }

  result(): ChainResult {
    return this.failure ? { ok: false, rows: this.count, ...this.failure } : { ok: true, rows: this.count, lastHash: this.prev };
  }
}
