/** conversation_refs at rest: sealed, bound to its mark, and moved to a new key by `data reencrypt`. */
import { randomBytes } from 'node:crypto';
import { conversationOf, reencryptConversationRefs, rememberConversation } from '../../src/delivery/conversation-refs';
import { FieldCipher, FieldCipherError, migrate, parseDataKeys, type PgStore } from '../../src/store';
import { createPgSchema, type PgSchema } from '../support/stores';

const k1 = `k1:${randomBytes(32).toString('base64')}`;
const k2 = `k2:${randomBytes(32).toString('base64')}`;
const mark = (n: number) => n.toString(16).padStart(32, '0');

describe('conversation_refs', () => {
  let schema: PgSchema;
  let store: PgStore;
  beforeAll(async () => {
    schema = await createPgSchema();
    store = schema.store();
    await migrate(store);
  });
  afterAll(async () => {
    await store.close();
    await schema.drop();
  });

  it('keeps the first sender of a mark, sealed and bound to that mark', async () => {
    const cipher = new FieldCipher(parseDataKeys(k1));
    await rememberConversation(store, cipher, mark(1), 'sender-one');
    await rememberConversation(store, cipher, mark(1), 'someone-else');
    expect(await conversationOf(store, cipher, mark(1))).toBe('sender-one');
    expect(await conversationOf(store, cipher, mark(99))).toBeNull();
    // A sealed id copied under another mark does not open there.
    await store.query(`INSERT INTO conversation_refs (hash, sender_id) SELECT $2, sender_id FROM conversation_refs WHERE hash = $1`, [mark(1), mark(2)]);
    await expect(conversationOf(store, cipher, mark(2))).rejects.toBeInstanceOf(FieldCipherError);
    await store.query('DELETE FROM conversation_refs WHERE hash = $1', [mark(2)]);
  });

  it('data reencrypt moves every readable id to the newest key; a second run finds nothing', async () => {
    const old = new FieldCipher(parseDataKeys(k1));
    for (let i = 10; i < 15; i += 1) await rememberConversation(store, old, mark(i), `sender-${i}`);
    await store.query(`INSERT INTO conversation_refs (hash, sender_id) VALUES ($1, 'enc:v1:k1:AAAA:BBBB:CCCC')`, [mark(20)]);
    const rotated = new FieldCipher(parseDataKeys(`${k2},${k1}`));
    expect(await reencryptConversationRefs(store, rotated, { batchSize: 2 })).toEqual({ rewritten: 6, unreadable: 1 });
    expect(await reencryptConversationRefs(store, rotated)).toEqual({ rewritten: 0, unreadable: 1 });
    const onlyNew = new FieldCipher(parseDataKeys(k2));
    expect(await conversationOf(store, onlyNew, mark(12))).toBe('sender-12');
    expect(await conversationOf(store, onlyNew, mark(1))).toBe('sender-one');
  });
});
