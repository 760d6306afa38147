/**
 * Rewrites the audit log's sender under the newest DATA_ENCRYPTION_KEY (plaintext senders get
 * sealed, senders under older keys resealed), in batches, each its own transaction. Safe to run
 * again: rows already under the newest key are not selected. The chain covers the plaintext, so
 * every link stays valid; the append-only guard lets only this change through (migration 0007).
 */
import type { FieldCipher, Store } from '../../store';
import { senderContext } from './store-log';

export interface ReencryptCount {
  rewritten: number;
  /** Values that would not open (a key missing from DATA_ENCRYPTION_KEY, or altered): left as they are. */
  unreadable: number;
}

export async function reencryptAuditSenders(store: Store, cipher: FieldCipher, opts: { batchSize?: number } = {}): Promise<ReencryptCount> {
  const prefix = `enc:v1:${cipher.currentKeyId ?? ''}:`;
  if (!cipher.enabled) throw new Error('re-encryption needs DATA_ENCRYPTION_KEY (the first key is the one values are rewritten under)');
  const batchSize = opts.batchSize ?? 500;
  const count: ReencryptCount = { rewritten: 0, unreadable: 0 };
  let after = 0;
  for (;;) {
    const last = await store.transaction(async (tx) => {
      await tx.query("SELECT set_config('actionbridge.audit_reencrypt', 'on', true)");
      const { rows } = await tx.query<{ seq: string | number; sender: string }>(
        `SELECT seq, sender FROM audit_log
          WHERE seq > $1 AND sender IS NOT NULL AND left(sender, length($2)) <> $2
          ORDER BY seq LIMIT $3 FOR UPDATE`,
        [after, prefix, batchSize],
      );
      for (const r of rows) {
        const context = senderContext(Number(r.seq));
        let plain: string;
        try {
          plain = cipher.decryptField(r.sender, context);
        } catch {
          count.unreadable += 1;
          continue;
        }
        await tx.query('UPDATE audit_log SET sender = $2 WHERE seq = $1', [r.seq, cipher.encryptField(plain, context)]);
        count.rewritten += 1;
      }
      return rows.length < batchSize ? null : Number(rows[rows.length - 1]!.seq);
    });
    if (last === null) return count;
    after = last;
  }
}
