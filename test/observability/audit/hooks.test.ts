import { AuditRecorder, auditCallHook, auditGatewayObserver, combineObservers, verifyAudit } from '../../../src/observability/audit';
import { migrate } from '../../../src/store';
import type { GatewayObserver } from '../../../src/connectors/kit/gateway';
import { echoAction } from '../../support/actions';
import { request } from '../../support/http';
import { registryOf, startTestServer } from '../../support/server';
import { webhookBody } from '../../support/webhook-body';
import { openMemoryPglite } from '../../support/pglite-template';

describe('audit hooks on a real server', () => {
  it('records each /webhook execution and each outbound call on one verified chain, without the sender\'s message', async () => {
    const store = await openMemoryPglite();
    await migrate(store);
    const recorder = new AuditRecorder(store, { flushMs: 5 });
    const server = await startTestServer(registryOf(echoAction), { onCall: auditCallHook(recorder) });
    try {
      for (const sender of ['alice@example.com', 'bob']) {
        const body = JSON.stringify(webhookBody('action_echo', { senderId: sender, text: 'my phone is +44 7700 900123' }));
        const res = await request(server.url, { method: 'POST', path: '/webhook', headers: { 'Content-Type': 'application/json' }, body });
        expect(res.status).toBe(200);
      }
      const seen: string[] = [];
      const spy: GatewayObserver = { callFinished: (e) => seen.push(e.connector), retried: () => undefined, breakerChanged: () => undefined };
      const observer = combineObservers(auditGatewayObserver(recorder), spy)!;
      observer.callFinished({ connector: 'jira', operation: 'createIssue', durationMs: 41.6 });
      observer.callFinished({ connector: 'hubspot', operation: 'upsertContact', durationMs: 12, errorKind: 'rate_limited' });
      expect(seen).toEqual(['jira', 'hubspot']);
      await recorder.flush();

      const { rows } = await store.query<{ kind: string; action: string | null; connector: string | null; outcome: string }>(
        'SELECT kind, action, connector, outcome FROM audit_log ORDER BY seq',
      );
      expect(rows).toEqual([
        { kind: 'action', action: 'action_echo', connector: null, outcome: 'success' },
        { kind: 'action', action: 'action_echo', connector: null, outcome: 'success' },
        { kind: 'outbound', action: null, connector: 'jira', outcome: 'success' },
        { kind: 'outbound', action: null, connector: 'hubspot', outcome: 'failure:rate_limited' },
      ]);
      expect(JSON.stringify((await store.query('SELECT * FROM audit_log')).rows)).not.toContain('7700');
      expect(await verifyAudit(store)).toMatchObject({ ok: true, rows: 4 });
    } finally {
      await server.close();
      await recorder.close();
      await store.close();
    }
  });
});
