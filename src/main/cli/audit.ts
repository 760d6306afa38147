/**
 * `actionbridge audit verify|checkpoint|export`: checks the audit log's chain against its signed
 * checkpoints (and anchors kept elsewhere), signs a checkpoint at the head, and prints a time
 * range as JSON lines.
 */
import { parseArgs } from 'node:util';
import { loadConfig } from '../../config';
import { AuditKeyring, checkpointAudit, exportAudit, verifyAudit, type VerifyResult } from '../../observability/audit';
import { FieldCipher, openStore } from '../../store';
import type { Io } from './io';

export const AUDIT_USAGE = `  audit verify               Check the audit log's chain and its signed checkpoints; exit 1 at the first broken row.
      --anchor seq:hash        A checkpoint kept outside the database (repeatable): row seq must still have that hash.
  audit checkpoint           Verify, then sign a checkpoint at the head (needs AUDIT_HMAC_KEY); prints its anchor.
      --adopt-unkeyed          Vouch for a log chained before AUDIT_HMAC_KEY was set.
  audit export --from ISO --to ISO
                             Audit rows with from <= time < to, one JSON object a line.`;

export class AuditUsageError extends Error {}

function isoDate(name: string, value: string | undefined): Date {
  const d = value === undefined ? undefined : new Date(value);
  if (!d || Number.isNaN(d.getTime())) throw new AuditUsageError(`audit export: --${name} needs an ISO date or time, e.g. 2026-01-31T00:00:00Z`);
  return d;
}

function anchor(value: string): { seq: number; hash: string } {
  const m = /^(\d{1,15}):([0-9a-f]{64})$/.exec(value.trim());
  if (!m || Number(m[1]) < 1) throw new AuditUsageError(`audit verify: --anchor needs seq:hash (as audit checkpoint prints it), e.g. 1000:${'ab'.repeat(32)}`);
  return { seq: Number(m[1]), hash: m[2]! };
}

function summary(r: VerifyResult): string {
  const keyed = Object.entries(r.keyed).map(([id, n]) => `${n} under key '${id}'`);
  const parts = [...keyed, ...(r.unkeyed ? [`${r.unkeyed} unkeyed`] : [])];
  const checkpoints = r.checkpoints ? `${r.checkpoints} signed checkpoints, the latest at row ${r.latestCheckpoint}` : 'no signed checkpoints';
  return `${parts.length ? parts.join(', ') : 'no rows'}; ${checkpoints}`;
}

export async function auditCommand(args: string[], io: Io, env: NodeJS.ProcessEnv): Promise<number> {
  const [sub, ...rest] = args;
  const { values } = parseArgs({
    args: rest,
    options: { from: { type: 'string' }, to: { type: 'string' }, anchor: { type: 'string', multiple: true }, 'adopt-unkeyed': { type: 'boolean' } },
  });
  if (sub !== 'verify' && sub !== 'export' && sub !== 'checkpoint') throw new AuditUsageError(`audit: expected verify, checkpoint or export, got '${sub ?? ''}'`);
  const range = sub === 'export' ? { from: isoDate('from', values.from), to: isoDate('to', values.to) } : undefined;
  const anchors = (values.anchor ?? []).map(anchor);

  const config = loadConfig(env);
  const keys = new AuditKeyring(config.AUDIT_HMAC_KEY ?? []);
  const cipher = new FieldCipher(config.DATA_ENCRYPTION_KEY ?? []);
  if (sub === 'checkpoint' && !keys.signer) {
    io.err('audit checkpoint needs AUDIT_HMAC_KEY: a checkpoint is signed with it (docs/operations.md).');
    return 1;
  }
  const { store } = await openStore(config);
  try {
    if (range) {
      for await (const row of exportAudit(store, range.from, range.to, cipher)) io.out(JSON.stringify(row));
      return 0;
    }
    if (sub === 'checkpoint') {
      const made = await checkpointAudit(store, { keys, cipher, adoptUnkeyed: values['adopt-unkeyed'] === true });
      if (!made.ok) {
        io.err(`Not signed: the audit chain is broken at row ${made.failure.brokenAt}: ${made.failure.reason}.`);
        return 1;
      }
      if (!made.checkpoint) io.out('The audit log is empty: nothing to sign.');
      else io.out(`Checkpoint at row ${made.checkpoint.seq} signed with key '${made.checkpoint.keyId}'. Keep this anchor outside the database: --anchor ${made.checkpoint.seq}:${made.checkpoint.headHash}`);
      return 0;
    }
    const result = await verifyAudit(store, { keys, cipher, anchors });
    for (const w of result.warnings) io.err(`WARNING: ${w}`);
    if (result.ok) {
      io.out(`Audit chain intact: ${result.rows} rows (${summary(result)}), last hash ${result.lastHash}.`);
      return 0;
    }
    io.err(`Audit chain broken at row ${result.brokenAt}: ${result.reason}. ${result.rows} rows before it verify.`);
    return 1;
  } finally {
    await store.close();
  }
}
