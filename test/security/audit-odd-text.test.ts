/**
 * Finding 6(b) of the security audit (#13): a `sender_id` carrying U+0000 or a lone surrogate was
 * hashed as sent but stored as PostgreSQL keeps text (NUL dropped, surrogate replaced), so every
 * later `audit verify` failed at that row. The chain now hashes exactly what is stored, on the
 * embedded store and on real PostgreSQL.
 */
import { AuditRecorder, payloadHash, verifyAudit } from '../../src/observability/audit';
import { migrate } from '../../src/store';
import { STORE_TARGETS } from '../support/stores';

describe.each(STORE_TARGETS)('the audit chain on the $name store, with text PostgreSQL rewrites', (target) => {
  it('verifies after a sender id with U+0000 and a lone surrogate', async () => {
    const { store, cleanup } = await target.open();
    try {
      await migrate(store);
      const recorder = new AuditRecorder(store, { flushMs: 5 });
      for (const sender of ['ada\u0000', 'mallory\ud800', '\udc00x\u0000y', 'plain']) {
        recorder.record({ at: new Date(), kind: 'action', sender, action: 'action_echo\u0000', outcome: 'success', latencyMs: 1, payloadSha256: payloadHash({ sender }) });
      }
      await recorder.close();
      expect(await verifyAudit(store)).toMatchObject({ ok: true, rows: 4 });
      const { rows } = await store.query<{ sender: string }>('SELECT sender FROM audit_log ORDER BY seq');
      expect(rows.map((r) => r.sender)).toEqual(['ada', 'mallory\ufffd', '\ufffdxy', 'plain']);
    } finally {
      await cleanup();
    }
  });
});
