/**
 * `actionbridge data reencrypt`: rewrites the personal data at rest (outbox payloads and results,
 * the audit log's sender) under the first DATA_ENCRYPTION_KEY, so an older key can then be
 * dropped from the list. Batched, and safe to run again (or after an interruption).
 */
import { parseArgs } from 'node:util';
import { loadConfig } from '../../config';
import { reencryptConversationRefs } from '../../delivery/conversation-refs';
import { reencryptOutbox } from '../../delivery/reencrypt';
import { reencryptAuditSenders } from '../../observability/audit';
import { FieldCipher, openStore } from '../../store';
import type { Io } from './io';

export const DATA_USAGE = `  data reencrypt             Rewrite encrypted personal data (outbox, audit senders) under the first DATA_ENCRYPTION_KEY.
      --batch n                Rows per transaction (default 500).`;

export class DataUsageError extends Error {}

export async function dataCommand(args: string[], io: Io, env: NodeJS.ProcessEnv): Promise<number> {
  const [sub, ...rest] = args;
  const { values } = parseArgs({ args: rest, options: { batch: { type: 'string' } } });
  if (sub !== 'reencrypt') throw new DataUsageError(`data: expected reencrypt, got '${sub ?? ''}'`);
  const batchSize = values.batch === undefined ? 500 : Number(values.batch);
  if (!Number.isInteger(batchSize) || batchSize <= 0 || batchSize > 100_000) throw new DataUsageError('--batch must be a whole number from 1 to 100000');

  const config = loadConfig(env);
  const cipher = new FieldCipher(config.DATA_ENCRYPTION_KEY ?? []);
  if (!cipher.enabled) {
    io.err('data reencrypt needs DATA_ENCRYPTION_KEY: values are rewritten under its first key (docs/operations.md).');
    return 1;
  }
  const { store } = await openStore(config);
  try {
    const outbox = await reencryptOutbox(store, cipher, { batchSize });
    const audit = await reencryptAuditSenders(store, cipher, { batchSize });
    const refs = await reencryptConversationRefs(store, cipher, { batchSize });
    io.out(`Re-encrypted under key '${cipher.currentKeyId}': ${outbox.rewritten} outbox jobs, ${audit.rewritten} audit senders, ${refs.rewritten} conversation refs.`);
    const unreadable = outbox.unreadable + audit.unreadable + refs.unreadable;
    if (unreadable === 0) return 0;
    io.err(`${unreadable} values would not open (${outbox.unreadable} outbox jobs, ${audit.unreadable} audit senders, ${refs.unreadable} conversation refs): their key is not in DATA_ENCRYPTION_KEY, or they were altered. They are left as they are.`);
    return 1;
  } finally {
    await store.close();
  }
}
