/**
 * The audit log in the store (migration 0005). Appends lock the single chain-head row, so
 * several processes sharing one PostgreSQL extend one chain in a well-defined order.
 */
import type { Queryable, Store } from '../../store';
import { ChainVerifier, chain, type AuditEvent, type AuditRow, type VerifyResult } from './chain';

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
}

const COLUMNS = 'seq, at, kind, sender, action, connector, operation, outcome, latency_ms, payload_sha256, prev_hash, hash';

function fromDb(r: DbRow): AuditRow {
  return {
    seq: Number(r.seq),
    at: r.at instanceof Date ? r.at : new Date(r.at),
    kind: r.kind,
    sender: r.sender,
    action: r.action,
    connector: r.connector,
    operation: r.operation,
    outcome: r.outcome,
    latencyMs: r.latency_ms,
    payloadSha256: r.payload_sha256,
    prevHash: r.prev_hash,
    hash: r.hash,
  };
}

/** Appends events as one transaction; returns the rows written. */
export async function appendAudit(store: Store, events: readonly AuditEvent[]): Promise<AuditRow[]> {
  if (events.length === 0) return [];
  return store.transaction(async (tx) => {
    const head = await tx.query<{ last_seq: string | number; last_hash: string }>(
      'SELECT last_seq, last_hash FROM audit_chain_head WHERE id FOR UPDATE',
    );
    const h = head.rows[0];
    if (!h) throw new Error('audit_chain_head is missing: run the migrations');
    const rows = chain(events, Number(h.last_seq), h.last_hash);
    for (const r of rows) {
      await tx.query(
        `INSERT INTO audit_log (${COLUMNS}) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12)`,
        [r.seq, r.at.toISOString(), r.kind, r.sender ?? null, r.action ?? null, r.connector ?? null, r.operation ?? null, r.outcome, r.latencyMs, r.payloadSha256, r.prevHash, r.hash],
      );
    }
    const last = rows[rows.length - 1]!;
    await tx.query('UPDATE audit_chain_head SET last_seq = $1, last_hash = $2 WHERE id', [last.seq, last.hash]);
    return rows;
  });
}

const PAGE = 1000;

/** Walks the whole chain in pages; also checks that the head row agrees with the last row. */
export async function verifyAudit(db: Queryable): Promise<VerifyResult> {
  const verifier = new ChainVerifier();
  let after = 0;
  for (;;) {
    const { rows } = await db.query<DbRow>(`SELECT ${COLUMNS} FROM audit_log WHERE seq > $1 ORDER BY seq LIMIT ${PAGE}`, [after]);
    for (const r of rows) if (!verifier.push(fromDb(r))) return verifier.result();
    if (rows.length < PAGE) break;
    after = Number(rows[rows.length - 1]!.seq);
  }
  const result = verifier.result();
  if (!result.ok) return result;
  const head = await db.query<{ last_seq: string | number; last_hash: string }>('SELECT last_seq, last_hash FROM audit_chain_head WHERE id');
  const h = head.rows[0];
  if (h && (Number(h.last_seq) !== result.rows || h.last_hash !== result.lastHash)) {
    // Rows cut off the end leave a valid but shorter chain; the head still remembers the tail.
    return { ok: false, rows: result.rows, brokenAt: result.rows + 1, reason: `the chain head records ${h.last_seq} rows (rows removed from the end)` };
  }
  return result;
}

/** Rows with from <= at < to, in chain order, as JSON-ready objects. */
export async function* exportAudit(db: Queryable, from: Date, to: Date): AsyncGenerator<Record<string, unknown>> {
  let after = 0;
  for (;;) {
    const { rows } = await db.query<DbRow>(
      `SELECT ${COLUMNS} FROM audit_log WHERE seq > $1 AND at >= $2 AND at < $3 ORDER BY seq LIMIT ${PAGE}`,
      [after, from.toISOString(), to.toISOString()],
    );
    for (const r of rows) {
      const row = fromDb(r);
      yield { ...row, at: row.at.toISOString() };
    }
    if (rows.length < PAGE) return;
    after = Number(rows[rows.length - 1]!.seq);
  }
}
