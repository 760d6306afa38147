import { migrate, type Store } from '../../../src/store';
import { AuditRecorder, appendAudit, exportAudit, payloadHash, verifyAudit, type AuditEvent } from '../../../src/observability/audit';
import { STORE_TARGETS } from '../../support/stores';

const event = (i: number, over: Partial<AuditEvent> = {}): AuditEvent => ({
  at: new Date(Date.UTC(2026, 0, 1, 0, 0, i)),
  kind: i % 2 === 0 ? 'action' : 'outbound',
  sender: `sender-${i}`,
  action: 'action_fetch_order',
  connector: i % 2 === 0 ? null : 'jira',
  operation: i % 2 === 0 ? null : 'createIssue',
  outcome: 'ok',
  latencyMs: 12.4,
  payloadSha256: payloadHash({ email: `user${i}@example.com` }),
  ...over,
});

async function collect<T>(it: AsyncIterable<T>): Promise<T[]> {
  const out: T[] = [];
  for await (const x of it) out.push(x);
  return out;
}

describe.each(STORE_TARGETS)('audit log on the $name store', (target) => {
  let store: Store;
  let cleanup: () => Promise<void>;

  beforeEach(async () => {
    ({ store, cleanup } = await target.open());
    await migrate(store);
  });
  afterEach(() => cleanup());

  it('chains appended rows and verifies them', async () => {
    await appendAudit(store, [event(1), event(2)]);
    await appendAudit(store, [event(3)]);
    expect(await verifyAudit(store)).toMatchObject({ ok: true, rows: 3, lastHash: expect.stringMatching(/^[0-9a-f]{64}$/) });
  });

  it('never stores the raw payload', async () => {
    await appendAudit(store, [event(1)]);
    const { rows } = await store.query('SELECT * FROM audit_log');
    expect(JSON.stringify(rows)).not.toContain('user1@example.com');
  });

  it('refuses updates through the application and detects an edited row', async () => {
    await appendAudit(store, [event(1), event(2), event(3)]);
    await expect(store.query("UPDATE audit_log SET outcome = 'error' WHERE seq = 2")).rejects.toThrow(/append-only/);
    // An owner can switch the guard off; the chain still gives the edit away.
    await store.query('ALTER TABLE audit_log DISABLE TRIGGER audit_log_append_only');
    await store.query("UPDATE audit_log SET outcome = 'error' WHERE seq = 2");
    expect(await verifyAudit(store)).toMatchObject({ ok: false, brokenAt: 2, reason: expect.stringMatching(/edited/) });
  });

  it('detects a deleted middle row and rows cut off the end', async () => {
    await appendAudit(store, [event(1), event(2), event(3)]);
    await store.query('ALTER TABLE audit_log DISABLE TRIGGER audit_log_append_only');
    await store.query('DELETE FROM audit_log WHERE seq = 2');
    expect(await verifyAudit(store)).toMatchObject({ ok: false, brokenAt: 3, reason: expect.stringMatching(/missing/) });
    await store.query('DELETE FROM audit_log WHERE seq = 3');
    expect(await verifyAudit(store)).toMatchObject({ ok: false, brokenAt: 2, reason: expect.stringMatching(/removed from the end/) });
  });

  it('exports a time range as rows in chain order', async () => {
    await appendAudit(store, [1, 2, 3, 4].map((i) => event(i)));
    const rows = await collect(exportAudit(store, new Date(Date.UTC(2026, 0, 1, 0, 0, 2)), new Date(Date.UTC(2026, 0, 1, 0, 0, 4))));
    expect(rows.map((r) => [r.seq, r.at, r.sender])).toEqual([
      [2, '2026-01-01T00:00:02.000Z', 'sender-2'],
      [3, '2026-01-01T00:00:03.000Z', 'sender-3'],
    ]);
  });

  it('the recorder writes queued events in batches and concurrent recorders keep one valid chain', async () => {
    const a = new AuditRecorder(store, { flushMs: 5, batchSize: 7 });
    const b = new AuditRecorder(store, { flushMs: 5, batchSize: 7 });
    for (let i = 1; i <= 40; i++) (i % 2 ? a : b).record(event(i));
    await Promise.all([a.close(), b.close()]);
    expect(a.pending + b.pending).toBe(0);
    expect(await verifyAudit(store)).toMatchObject({ ok: true, rows: 40 });
  });
});
