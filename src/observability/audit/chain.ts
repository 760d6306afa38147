/**
 * The hash chain behind the audit log. A row's hash is SHA-256 over the previous row's hash and
 * the row's own fields in a fixed order, so any edit, deletion or reordering is detectable by
 * recomputing the chain from the start.
 */
import crypto from 'node:crypto';
import { storableText } from '../../store/storable';

export const GENESIS_HASH = '0'.repeat(64);

export type AuditKind = 'action' | 'outbound';

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

/**
 * The event as the store will keep it: PostgreSQL drops U+0000 and replaces lone surrogates in
 * every text parameter (src/store/storable.ts), so that is what is hashed too; a hash over the raw
 * text would never verify against the stored row.
 */
function asStored(e: AuditEvent): AuditEvent {
  const text = (v: string | null | undefined) => (typeof v === 'string' ? storableText(v) : v);
  return { ...e, kind: text(e.kind) as AuditKind, sender: text(e.sender), action: text(e.action), connector: text(e.connector), operation: text(e.operation), outcome: storableText(e.outcome) };
}

/** Links events onto the chain after (`lastSeq`, `lastHash`). */
export function chain(events: readonly AuditEvent[], lastSeq: number, lastHash: string): AuditRow[] {
  const rows: AuditRow[] = [];
  let seq = lastSeq;
  let prev = lastHash;
  for (const raw of events) {
    const e = asStored(raw);
    seq += 1;
    const hash = rowHash(seq, prev, e);
    rows.push({ ...e, latencyMs: Math.round(e.latencyMs), seq, prevHash: prev, hash });
    prev = hash;
  }
  return rows;
}

export type VerifyResult = { ok: true; rows: number; lastHash: string } | { ok: false; rows: number; brokenAt: number; reason: string };

/** Checks rows in seq order starting from the genesis; stops at the first break. */
export class ChainVerifier {
  private expectedSeq = 1;
  private prev = GENESIS_HASH;
  private count = 0;
  private failure: { brokenAt: number; reason: string } | undefined;

  push(row: AuditRow): boolean {
    if (this.failure) return false;
    const fail = (reason: string) => {
      this.failure = { brokenAt: row.seq, reason };
      return false;
    };
    if (row.seq !== this.expectedSeq) return fail(`expected row ${this.expectedSeq}, found ${row.seq} (a row is missing)`);
    if (row.prevHash !== this.prev) return fail('previous-hash link does not match the row before');
    if (rowHash(row.seq, row.prevHash, row) !== row.hash) return fail("the row's fields do not match its hash (edited)");
    this.prev = row.hash;
    this.expectedSeq += 1;
    this.count += 1;
    return true;
  }

  result(): VerifyResult {
    return this.failure ? { ok: false, rows: this.count, ...this.failure } : { ok: true, rows: this.count, lastHash: this.prev };
  }
}
