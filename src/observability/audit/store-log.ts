/**
 * The audit log in the store (migrations 0005-0007). Appends lock the single chain-head row, so
 * several processes sharing one PostgreSQL extend one chain in a well-defined order. The sender
 * is sealed with DATA_ENCRYPTION_KEY when one is set; the chain covers the plaintext, so
 * re-encrypting under a new key leaves every link valid.
 */
import { PLAINTEXT, type FieldCipher, type Queryable, type Store } from '../../store';
import { ChainVerifier, chain, type AuditEvent, type AuditRow, type ChainBreak, type ExpectedLink } from './chain';
import { checkCheckpoints, writeCheckpoint, type Checkpoint } from './checkpoints';
import { AuditKeyring } from './keys';

interface DbRow {
  seq: string | number;
  at: Date | string;
  kind: AuditRow['kind'];
  sender: string | null;
  action: string | null;
  connector: string | null;
  operation: string | null;
  outcome: string;
  latency_ms: number;
  payload_sha256: string;
  prev_hash: string;
  hash: string;
  key_id: string | null;
  checkpointed: boolean;
}

const COLUMNS = 'seq, at, kind, sender, action, connector, operation, outcome, latency_ms, payload_sha256, prev_hash, hash, key_id, checkpointed';
const COLUMN_COUNT = COLUMNS.split(',').length;
/** Rows per INSERT: 14 parameters each, well under PostgreSQL's 65,535 per statement. */
const INSERT_ROWS = 500;

/** What a sealed sender is bound to: its own row, so it cannot be moved to another. */
export const senderContext = (seq: number): string => `audit_log.sender:${seq}`;

export interface AuditStoreOptions {
  /** AUDIT_HMAC_KEY: the first key links new rows and signs checkpoints. None = unkeyed chain. */
  keys?: AuditKeyring;
  /** DATA_ENCRYPTION_KEY, for the sender column. */
  cipher?: FieldCipher;
  /** With a key, a signed checkpoint at every row whose seq is a multiple of this (default 1000). */
  checkpointEvery?: number;
  /** Told of each checkpoint written (the server logs it: a copy outside the database). */
  onCheckpoint?(cp: Checkpoint): void;
}

/** A stored row with its sender opened; `openError` when the sender would not open. */
function fromDb(r: DbRow, cipher: FieldCipher): { row: AuditRow; openError?: string } {
  const seq = Number(r.seq);
  let sender = r.sender;
  let openError: string | undefined;
  if (sender !== null) {
    try {
      sender = cipher.decryptField(sender, senderContext(seq));
    } catch (err) {
      // Kept as stored: a chat user's sender id may merely look like an envelope.
      openError = (err as Error).message;
    }
  }
  const row: AuditRow = {
    seq,
    at: r.at instanceof Date ? r.at : new Date(r.at),
    kind: r.kind,
    sender,
    action: r.action,
    connector: r.connector,
    operation: r.operation,
    outcome: r.outcome,
    latencyMs: r.latency_ms,
    payloadSha256: r.payload_sha256,
    prevHash: r.prev_hash,
    hash: r.hash,
    keyId: r.key_id,
    checkpointed: r.checkpointed === true,
  };
  return { row, openError };
}

/** Appends events as one transaction; returns the rows written (senders in plaintext). */
export async function appendAudit(store: Store, events: readonly AuditEvent[], opts: AuditStoreOptions = {}): Promise<AuditRow[]> {
  if (events.length === 0) return [];
  const cipher = opts.cipher ?? PLAINTEXT;
  const signer = opts.keys?.signer ?? null;
  const every = opts.checkpointEvery ?? 1000;
  const written: Checkpoint[] = [];
  const rows = await store.transaction(async (tx) => {
    const head = await tx.query<{ last_seq: string | number; last_hash: string }>(
      'SELECT last_seq, last_hash FROM audit_chain_head WHERE id FOR UPDATE',
    );
    const h = head.rows[0];
    if (!h) throw new Error('audit_chain_head is missing: run the migrations');
    const rows = chain(events, Number(h.last_seq), h.last_hash, signer, every);
    // One statement per slice of rows: a batch is written in one round trip, not one per event.
    for (let from = 0; from < rows.length; from += INSERT_ROWS) {
      const slice = rows.slice(from, from + INSERT_ROWS);
      const params: unknown[] = [];
      const tuples = slice.map((r) => {
        const sender = r.sender == null ? null : cipher.encryptField(r.sender, senderContext(r.seq));
        const at = params.length;
        params.push(r.seq, r.at.toISOString(), r.kind, sender, r.action ?? null, r.connector ?? null, r.operation ?? null, r.outcome, r.latencyMs, r.payloadSha256, r.prevHash, r.hash, r.keyId, r.checkpointed);
        return `(${Array.from({ length: COLUMN_COUNT }, (_, i) => `$${at + i + 1}`).join(', ')})`;
      });
      await tx.query(`INSERT INTO audit_log (${COLUMNS}) VALUES ${tuples.join(', ')}`, params);
    }
    if (signer) for (const r of rows) if (r.checkpointed) written.push(await writeCheckpoint(tx, signer, r.seq, r.hash));
    const last = rows[rows.length - 1]!;
    await tx.query('UPDATE audit_chain_head SET last_seq = $1, last_hash = $2 WHERE id', [last.seq, last.hash]);
    return rows;
  });
  for (const cp of written) opts.onCheckpoint?.(cp);
  return rows;
}

export interface VerifyOptions {
  keys?: AuditKeyring;
  cipher?: FieldCipher;
  /** Links kept outside the database (from `audit checkpoint`): row `seq` must still have `hash`. */
  anchors?: readonly { seq: number; hash: string }[];
}

export interface VerifySummary {
  rows: number;
  /** Rows per AUDIT_HMAC_KEY id. */
  keyed: Record<string, number>;
  unkeyed: number;
  checkpoints: number;
  /** The row the newest checkpoint vouches for; rows after it are protected only by their keyed links. */
  latestCheckpoint: number | null;
  /** What verification could not rule out (e.g. no key: the chain only detects accidents). */
  warnings: string[];
}

export type VerifyResult = ({ ok: true; lastHash: string } | ({ ok: false } & ChainBreak)) & VerifySummary;
export type VerifyFailure = Extract<VerifyResult, { ok: false }>;

const PAGE = 1000;

const NO_KEY_WARNING =
  'AUDIT_HMAC_KEY is not set: the chain is unkeyed, so it detects accidents only; anyone who can write SQL can rewrite rows and recompute it.';

/**
 * Walks the whole chain in pages and checks it against the signed checkpoints, the chain head
 * and any anchors; reports the first problem by row.
 */
export async function verifyAudit(db: Queryable, opts: VerifyOptions = {}): Promise<VerifyResult> {
  const keys = opts.keys ?? new AuditKeyring();
  const cipher = opts.cipher ?? PLAINTEXT;
  const checkpoints = await checkCheckpoints(db, keys);
  const expected = new Map<number, ExpectedLink>(checkpoints.expected);
  for (const a of opts.anchors ?? []) expected.set(a.seq, { hash: a.hash, source: 'the anchor given' });
  const verifier = new ChainVerifier(keys, expected, new Set(checkpoints.expected.keys()));
  let openFailure: ChainBreak | undefined;
  let after = 0;
  walk: for (;;) {
    const { rows } = await db.query<DbRow>(`SELECT ${COLUMNS} FROM audit_log WHERE seq > $1 ORDER BY seq LIMIT ${PAGE}`, [after]);
    for (const r of rows) {
      const { row, openError } = fromDb(r, cipher);
      if (!verifier.push(row)) {
        if (openError) openFailure = { brokenAt: row.seq, reason: `the sender does not open: ${openError}` };
        break walk;
      }
    }
    if (rows.length < PAGE) break;
    after = Number(rows[rows.length - 1]!.seq);
  }
  const chained = verifier.result();
  const keyedTotal = [...verifier.keyed.values()].reduce((a, b) => a + b, 0);
  const summary: VerifySummary = {
    rows: chained.rows,
    keyed: Object.fromEntries(verifier.keyed),
    unkeyed: verifier.unkeyed,
    checkpoints: checkpoints.count,
    latestCheckpoint: checkpoints.latest?.seq ?? null,
    warnings: keys.signer ? [] : [NO_KEY_WARNING],
  };
  const broken = (b: ChainBreak): VerifyResult => ({ ok: false, ...summary, ...b });

  const first = [chained.ok ? undefined : (openFailure ?? chained), checkpoints.failure].filter((b): b is ChainBreak => b !== undefined).sort((a, b) => a.brokenAt - b.brokenAt)[0];
  if (first) return broken({ brokenAt: first.brokenAt, reason: first.reason });
  if (!chained.ok) return broken(chained);

  const head = await db.query<{ last_seq: string | number; last_hash: string }>('SELECT last_seq, last_hash FROM audit_chain_head WHERE id');
  const h = head.rows[0];
  if (h && (Number(h.last_seq) !== chained.rows || h.last_hash !== chained.lastHash)) {
    // Rows cut off the end leave a valid but shorter chain; the head still remembers the tail.
    return broken({ brokenAt: chained.rows + 1, reason: `the chain head records ${h.last_seq} rows (rows removed from the end, or the head rewritten)` });
  }
  const beyond = [...expected.entries()].filter(([seq]) => seq > chained.rows).sort(([a], [b]) => a - b)[0];
  if (beyond) {
    return broken({ brokenAt: chained.rows + 1, reason: `${beyond[1].source} records row ${beyond[0]}, but the chain ends at row ${chained.rows} (rows removed from the end)` });
  }
  // Keyed rows vouch for the unkeyed ones before them (their keyed link covers the last unkeyed
  // hash); an all-unkeyed log under a key needs a signed checkpoint at its end instead.
  if (keys.signer && verifier.unkeyed > 0 && keyedTotal === 0 && (checkpoints.latest?.seq ?? 0) < chained.rows) {
    return broken({
      brokenAt: chained.rows,
      reason:
        `rows 1-${chained.rows} are chained without a key and nothing signed vouches for them (rewritten by someone without the key?). ` +
        'If they predate AUDIT_HMAC_KEY, adopt them once with: actionbridge audit checkpoint --adopt-unkeyed',
    });
  }
  return { ok: true, lastHash: chained.lastHash, ...summary };
}

/**
 * Signs a checkpoint at the current head, after verifying the chain while holding the head (so a
 * rewrite is never signed into place, and no row slips in unverified). `adoptUnkeyed` accepts the
 * one failure of an all-unkeyed log that predates the key.
 */
export async function checkpointAudit(
  store: Store,
  opts: { keys: AuditKeyring; cipher?: FieldCipher; adoptUnkeyed?: boolean },
): Promise<{ ok: true; checkpoint: Checkpoint | null } | { ok: false; failure: VerifyFailure }> {
  const signer = opts.keys.signer;
  if (!signer) throw new Error('audit checkpoint needs AUDIT_HMAC_KEY: a checkpoint is signed with it');
  return store.transaction(async (tx) => {
    const head = await tx.query<{ last_seq: string | number; last_hash: string }>('SELECT last_seq, last_hash FROM audit_chain_head WHERE id FOR UPDATE');
    const h = head.rows[0];
    if (!h) throw new Error('audit_chain_head is missing: run the migrations');
    const verified = await verifyAudit(tx, { keys: opts.keys, cipher: opts.cipher });
    if (!verified.ok) {
      const adoptable = opts.adoptUnkeyed === true && verified.unkeyed === verified.rows && verified.rows === Number(h.last_seq) && /without a key and nothing signed/.test(verified.reason);
      if (!adoptable) return { ok: false as const, failure: verified };
    }
    const checkpoint = Number(h.last_seq) === 0 ? null : await writeCheckpoint(tx, signer, Number(h.last_seq), h.last_hash);
    return { ok: true as const, checkpoint };
  });
}

/** Rows with from <= at < to, in chain order, as JSON-ready objects (senders opened). */
export async function* exportAudit(db: Queryable, from: Date, to: Date, cipher: FieldCipher = PLAINTEXT): AsyncGenerator<Record<string, unknown>> {
  let after = 0;
  for (;;) {
    const { rows } = await db.query<DbRow>(
      `SELECT ${COLUMNS} FROM audit_log WHERE seq > $1 AND at >= $2 AND at < $3 ORDER BY seq LIMIT ${PAGE}`,
      [after, from.toISOString(), to.toISOString()],
    );
    for (const r of rows) {
      const { row, openError } = fromDb(r, cipher);
      yield { ...row, at: row.at.toISOString(), ...(openError ? { senderNotOpened: openError } : {}) };
    }
    if (rows.length < PAGE) return;
    after = Number(rows[rows.length - 1]!.seq);
  }
}
