/** Migration 0013: what an administrator does from the ops console is a row of the chain (kind 'admin'); other kinds are still refused. */
import { migrate, type Store } from '../../../src/store';
import { appendAudit, exportAudit, payloadHash, verifyAudit, type AuditEvent } from '../../../src/observability/audit';
import { STORE_TARGETS } from '../../support/stores';

const at = new Date(Date.UTC(2026, 11, 2, 14, 0, 0));
const outbound: AuditEvent = { at, kind: 'outbound', sender: null, action: null, connector: 'jira', operation: 'createIssue', outcome: 'ok', latencyMs: 40, payloadSha256: payloadHash({ n: 1 }) };
const retried: AuditEvent = { at, kind: 'admin', sender: 'Ada Ops (admin token 0123456789ab, 127.0.0.1)', action: 'jobs.retry', connector: null, operation: 'REF-0A1B2C3D4E', outcome: 'retried', latencyMs: 0, payloadSha256: payloadHash({ reference: 'REF-0A1B2C3D4E' }) };

describe.each(STORE_TARGETS)('admin rows in the audit log on the $name store', (target) => {
  let store: Store;
  let cleanup: () => Promise<void>;

  beforeEach(async () => {
    ({ store, cleanup } = await target.open());
    await migrate(store);
  });
  afterEach(() => cleanup());

  it('chains an admin row between others, exports it with who did it, and verifies', async () => {
    await appendAudit(store, [outbound, retried, outbound]);
    expect(await verifyAudit(store)).toMatchObject({ ok: true, rows: 3 });
    const rows: Record<string, unknown>[] = [];
    for await (const r of exportAudit(store, new Date(at.getTime() - 1000), new Date(at.getTime() + 1000))) rows.push(r);
    expect(rows.map((r) => r.kind)).toEqual(['outbound', 'admin', 'outbound']);
    expect(rows[1]).toMatchObject({ sender: retried.sender, operation: 'REF-0A1B2C3D4E' });
  });

  it('still refuses a kind nobody declared', async () => {
    await expect(appendAudit(store, [{ ...retried, kind: 'root' as AuditEvent['kind'] }])).rejects.toThrow(/audit_log_kind_check|check constraint/);
    expect(await verifyAudit(store)).toMatchObject({ ok: true, rows: 0 });
  });
});
