/**
 * Rewrites outbox payloads and results under the newest DATA_ENCRYPTION_KEY (plaintext sealed,
 * older keys resealed), a batch per transaction with the rows locked, so a worker finishing a job
 * meanwhile simply waits. Safe to run again: rows already under the newest key are not selected.
 */
import type { FieldCipher, Store } from '../store';
import { payloadContext, resultContext } from './outbox';

export interface OutboxReencryptCount {
  rewritten: number;
  /** Rows with a value that would not open (its key missing, or altered): left as they are. */
  unreadable: number;
}

/** A jsonb value that is not one envelope under `$2`'s prefix. */
const notUnder = (column: string) => `NOT (jsonb_typeof(${column}) = 'string' AND left(${column} #>> '{}', length($2)) = $2)`;

export async function reencryptOutbox(store: Store, cipher: FieldCipher, opts: { batchSize?: number } = {}): Promise<OutboxReencryptCount> {
  if (!cipher.enabled) throw new Error('re-encryption needs DATA_ENCRYPTION_KEY (the first key is the one values are rewritten under)');
  const prefix = `enc:v1:${cipher.currentKeyId}:`;
  const batchSize = opts.batchSize ?? 500;
  const count: OutboxReencryptCount = { rewritten: 0, unreadable: 0 };
  let after = '';
  for (;;) {
    const last = await store.transaction(async (tx) => {
      const { rows } = await tx.query<{ reference: string; payload: unknown; result: unknown }>(
        `SELECT reference, payload, result FROM outbox_jobs
          WHERE reference > $1 AND (${notUnder('payload')} OR (result IS NOT NULL AND ${notUnder('result')}))
          ORDER BY reference LIMIT $3 FOR UPDATE`,
        [after, prefix, batchSize],
      );
      for (const r of rows) {
        let payload: unknown;
        let result: unknown;
        try {
          payload = cipher.decryptJson(r.payload, payloadContext(r.reference));
          result = r.result === null ? null : cipher.decryptJson(r.result, resultContext(r.reference));
        } catch {
          count.unreadable += 1;
          continue;
        }
        await tx.query('UPDATE outbox_jobs SET payload = $2::jsonb, result = $3::jsonb WHERE reference = $1', [
          r.reference,
          JSON.stringify(cipher.encryptJson(payload, payloadContext(r.reference))),
          r.result === null ? null : JSON.stringify(cipher.encryptJson(result, resultContext(r.reference))),
        ]);
        count.rewritten += 1;
      }
      return rows.length < batchSize ? null : rows[rows.length - 1]!.reference;
    });
    if (last === null) return count;
    after = last;
  }
}
