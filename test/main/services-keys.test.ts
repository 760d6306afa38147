/**
 * The composition root wires AUDIT_HMAC_KEY and DATA_ENCRYPTION_KEY from the environment: the
 * audit recorder links rows under the key and seals senders, and the outbox seals job payloads.
 */
import crypto from 'node:crypto';
import { AuditKeyring, parseAuditKeys, payloadHash, verifyAudit } from '../../src/observability/audit';
import { FieldCipher, parseDataKeys } from '../../src/store';
import { servicesFrom } from '../support/services';
import { createPgSchema, databaseUrl } from '../support/stores';

const AUDIT_KEY = 'svc:' + 'services-secret-0123456789-abcdefgh';
const DATA_KEY = `d1:${crypto.randomBytes(32).toString('base64')}`;

it('createServices seals outbox payloads and audit senders, and keys the audit chain', async () => {
  const schema = await createPgSchema();
  try {
    const env = {
      CRM_PROVIDER: 'local',
      TICKETING_PROVIDER: 'local',
      KB_PROVIDER: 'local',
      AUDIT_LOG: 'on',
      AUDIT_HMAC_KEY: AUDIT_KEY,
      AUDIT_CHECKPOINT_EVERY: '2',
      DATA_ENCRYPTION_KEY: DATA_KEY,
      DATABASE_URL: `${databaseUrl()}?options=${encodeURIComponent(`-c search_path=${schema.name}`)}`,
    };
    const built = await servicesFrom(env);
    try {
      expect(built.cipher.currentKeyId).toBe('d1');
      await built.store.transaction((tx) => built.delivery.outbox.enqueue(tx, { type: 'lead.create', payload: { email: 'grace@example.com' }, idempotencyKey: 'svc-1' }));
      for (const sender of ['grace-1', 'grace-2']) built.audit!.record({ at: new Date(), kind: 'action', sender, action: 'action_greet', outcome: 'success', latencyMs: 1, payloadSha256: payloadHash(sender) });
      await built.audit!.flush();

      const raw = JSON.stringify((await built.store.query('SELECT payload FROM outbox_jobs')).rows) + JSON.stringify((await built.store.query('SELECT sender FROM audit_log')).rows);
      expect(raw).not.toMatch(/grace/);
      const keys = new AuditKeyring(parseAuditKeys(AUDIT_KEY));
      expect(await verifyAudit(built.store, { keys, cipher: new FieldCipher(parseDataKeys(DATA_KEY)) })).toMatchObject({ ok: true, rows: 2, keyed: { svc: 2 }, checkpoints: 1 });
    } finally {
      await built.close();
    }
  } finally {
    await schema.drop();
  }
});
