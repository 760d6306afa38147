/**
 * `actionbridge audit verify` and `actionbridge audit export --from ISO --to ISO`: checks the
 * audit log's hash chain, and prints a time range as JSON lines.
 */
import { parseArgs } from 'node:util';
import { loadConfig } from '../../config';
import { exportAudit, verifyAudit } from '../../observability/audit';
import { openStore } from '../../store';
import type { Io } from './io';

export const AUDIT_USAGE = `  audit verify               Recompute the audit log's hash chain; exit 1 at the first broken row.
  audit export --from ISO --to ISO
                             Audit rows with from <= time < to, one JSON object a line.`;

export class AuditUsageError extends Error {}

function isoDate(name: string, value: string | undefined): Date {
  const d = value === undefined ? undefined : new Date(value);
  if (!d || Number.isNaN(d.getTime())) throw new AuditUsageError(`audit export: --${name} needs an ISO date or time, e.g. 2026-01-31T00:00:00Z`);
  return d;
}

export async function auditCommand(args: string[], io: Io, env: NodeJS.ProcessEnv): Promise<number> {
  const [sub, ...rest] = args;
  const { values } = parseArgs({ args: rest, options: { from: { type: 'string' }, to: { type: 'string' } } });
  if (sub !== 'verify' && sub !== 'export') throw new AuditUsageError(`audit: expected verify or export, got '${sub ?? ''}'`);
  const range = sub === 'export' ? { from: isoDate('from', values.from), to: isoDate('to', values.to) } : undefined;

  const { store } = await openStore(loadConfig(env));
  try {
    if (range) {
      for await (const row of exportAudit(store, range.from, range.to)) io.out(JSON.stringify(row));
      return 0;
    }
    const result = await verifyAudit(store);
    if (result.ok) {
      io.out(`Audit chain intact: ${result.rows} rows, last hash ${result.lastHash}.`);
      return 0;
    }
    io.err(`Audit chain broken at row ${result.brokenAt}: ${result.reason}. ${result.rows} rows before it verify.`);
    return 1;
  } finally {
    await store.close();
  }
}
