/**
 * Which conversation a filer mark stands for (migration 0014): written with a ticket or lead job
 * when proactive messages are on, read when a vendor's webhook says something happened to that
 * ticket or lead. The sender id is sealed with the outbox's cipher, bound to its mark.
 */
import type { FieldCipher, Queryable, Store } from '../store';

const context = (hash: string): string => `conversation_refs.sender_id:${hash}`;

export async function rememberConversation(tx: Queryable, cipher: FieldCipher, hash: string, senderId: string): Promise<void> {
  // The first writer wins: a mark is a hash of its sender id, so every writer holds the same id.
  await tx.query(`INSERT INTO conversation_refs (hash, sender_id) VALUES ($1, $2) ON CONFLICT (hash) DO NOTHING`, [hash, cipher.encryptField(senderId, context(hash))]);
}

/** The sender id behind a mark, or null when none was recorded (filed before, or elsewhere). */
export async function conversationOf(db: Queryable, cipher: FieldCipher, hash: string): Promise<string | null> {
  const { rows } = await db.query<{ sender_id: string }>('SELECT sender_id FROM conversation_refs WHERE hash = $1', [hash]);
  return rows[0] ? cipher.decryptField(rows[0].sender_id, context(hash)) : null;
}

/** Rewrites the sealed sender ids under the newest key (`data reencrypt`); unreadable ones are counted and left. */
export async function reencryptConversationRefs(store: Store, cipher: FieldCipher, opts: { batchSize?: number } = {}): Promise<{ rewritten: number; unreadable: number }> {
  const prefix = `enc:v1:${cipher.currentKeyId}:`;
  const batchSize = opts.batchSize ?? 500;
  const count = { rewritten: 0, unreadable: 0 };
  let after = '';
  for (;;) {
    const last = await store.transaction(async (tx) => {
      const { rows } = await tx.query<{ hash: string; sender_id: string }>(
        `SELECT hash, sender_id FROM conversation_refs WHERE hash > $1 AND left(sender_id, length($2)) <> $2 ORDER BY hash LIMIT $3 FOR UPDATE`,
        [after, prefix, batchSize],
      );
      for (const r of rows) {
        let senderId: string;
        try {
          senderId = cipher.decryptField(r.sender_id, context(r.hash));
        } catch {
          count.unreadable += 1;
          continue;
        }
        await tx.query('UPDATE conversation_refs SET sender_id = $2 WHERE hash = $1', [r.hash, cipher.encryptField(senderId, context(r.hash))]);
        count.rewritten += 1;
      }
      return rows.length < batchSize ? null : rows[rows.length - 1]!.hash;
    });
    if (last === null) return count;
    after = last;
  }
}
