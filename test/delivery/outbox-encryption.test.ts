/**
 * Outbox payloads and results carry personal data (names, emails, addresses): sealed with
 * DATA_ENCRYPTION_KEY on both stores, readable next to plaintext rows, rotated and re-encrypted.
 */
import crypto from 'node:crypto';
import { Outbox } from '../../src/delivery/outbox';
import { reencryptOutbox } from '../../src/delivery/reencrypt';
import { FieldCipher, FieldCipherError, migrate, parseDataKeys, type Store } from '../../src/store';
import { STORE_TARGETS } from '../support/stores';

const K1 = `k1:${crypto.randomBytes(32).toString('base64')}`;
const K2 = `k2:${crypto.randomBytes(32).toString('base64')}`;
const sealedK1 = new FieldCipher(parseDataKeys(K1));
const rotated = new FieldCipher(parseDataKeys(`${K2},${K1}`));

const personal = (i: number) => ({ name: `Ada Lovelace ${i}`, email: `ada${i}@example.com`, address: `${i} Analytical Engine Lane` });

describe.each(STORE_TARGETS)('outbox encryption at rest on the $name store', (target) => {
  let store: Store;
  let cleanup: () => Promise<void>;
  beforeEach(async () => {
    ({ store, cleanup } = await target.open());
    await migrate(store);
  });
  afterEach(() => cleanup());

  const enqueue = (outbox: Outbox, key: string, payload: unknown) => store.transaction((tx) => outbox.enqueue(tx, { type: 'lead.create', payload, idempotencyKey: key }));
  const rawRows = async () => JSON.stringify((await store.query('SELECT payload, result FROM outbox_jobs')).rows);

  it('seals payload and result: SQL sees envelopes, the outbox sees the data, jobs show finds the vendor key', async () => {
    const outbox = new Outbox(store, { cipher: sealedK1 });
    const { job } = await enqueue(outbox, 'k-1', personal(1));
    expect(job.payload).toEqual(personal(1));
    const [claimed] = await outbox.claimDue(1, 60_000);
    expect(claimed?.payload).toEqual(personal(1));
    expect(await outbox.complete(claimed!, { key: 'SUP-12', reporter: 'ada1@example.com' })).toBe(true);

    const raw = await rawRows();
    expect(raw).not.toContain('Ada');
    expect(raw).not.toContain('example.com');
    expect(raw).toMatch(/enc:v1:k1:/);
    expect(await outbox.get(job.reference)).toMatchObject({ payload: personal(1), result: { key: 'SUP-12', reporter: 'ada1@example.com' } });
    expect((await outbox.findByResultKey('sup-12'))?.reference).toBe(job.reference);
  });

  it('reads plaintext rows written before the key next to sealed ones', async () => {
    const plain = new Outbox(store);
    const sealed = new Outbox(store, { cipher: sealedK1 });
    await enqueue(plain, 'k-plain', personal(1));
    await enqueue(sealed, 'k-sealed', personal(2));
    expect((await sealed.list()).map((j) => j.payload)).toEqual(expect.arrayContaining([personal(1), personal(2)]));
  });

  it('without the key: reading says which key is missing, and a worker sets the job aside without spending an attempt', async () => {
    const sealed = new Outbox(store, { cipher: sealedK1 });
    const { job } = await enqueue(sealed, 'k-sealed', personal(1));
    const keyless = new Outbox(store);
    await enqueue(keyless, 'k-plain', personal(2));
    await expect(keyless.get(job.reference)).rejects.toThrow(FieldCipherError);
    await expect(keyless.get(job.reference)).rejects.toThrow(/key 'k1', which DATA_ENCRYPTION_KEY does not hold/);

    const claimed = await keyless.claimDue(10, 60_000);
    expect(claimed.map((j) => j.payload)).toEqual([personal(2)]);
    const { rows } = await store.query<{ status: string; attempts: number; last_error: string }>('SELECT status, attempts, last_error FROM outbox_jobs WHERE reference = $1', [job.reference]);
    expect(rows[0]).toMatchObject({ status: 'pending', attempts: 0, last_error: expect.stringMatching(/cannot decrypt the job: .*key 'k1'/) });
    expect(rows[0]!.last_error).not.toContain('Ada');
  });

  it('a sealed payload moved into another job does not open there', async () => {
    const outbox = new Outbox(store, { cipher: sealedK1 });
    const a = await enqueue(outbox, 'k-a', personal(1));
    const b = await enqueue(outbox, 'k-b', personal(2));
    await store.query('UPDATE outbox_jobs SET payload = (SELECT payload FROM outbox_jobs WHERE reference = $1) WHERE reference = $2', [a.job.reference, b.job.reference]);
    await expect(outbox.get(b.job.reference)).rejects.toThrow(/moved from another row/);
  });

  it('after a rotation, re-encryption moves plaintext and old-key rows under the new key in batches, and a second run has nothing to do', async () => {
    const plain = new Outbox(store);
    const old = new Outbox(store, { cipher: sealedK1 });
    for (let i = 0; i < 5; i++) await enqueue(i % 2 ? plain : old, `k-${i}`, personal(i));
    const [done] = await old.claimDue(1, 60_000);
    await old.complete(done!, { key: 'SUP-1', email: 'x@example.com' });

    expect(await reencryptOutbox(store, rotated, { batchSize: 2 })).toEqual({ rewritten: 5, unreadable: 0 });
    const { rows } = await store.query<{ payload: unknown; result: unknown }>('SELECT payload, result FROM outbox_jobs');
    for (const r of rows) {
      expect(r.payload).toMatch(/^enc:v1:k2:/);
      if (r.result !== null) expect(r.result).toMatch(/^enc:v1:k2:/);
    }
    expect(await reencryptOutbox(store, rotated, { batchSize: 2 })).toEqual({ rewritten: 0, unreadable: 0 });
    // The old key can now leave the list.
    const onlyNew = new Outbox(store, { cipher: new FieldCipher(parseDataKeys(K2)) });
    expect((await onlyNew.list()).map((j) => j.payload)).toEqual(expect.arrayContaining([0, 1, 2, 3, 4].map(personal)));
    expect((await onlyNew.findByResultKey('SUP-1'))?.result).toEqual({ key: 'SUP-1', email: 'x@example.com' });
  });

  it('re-encryption leaves values it cannot open as they are and counts them', async () => {
    const stranger = new Outbox(store, { cipher: new FieldCipher(parseDataKeys(`gone:${crypto.randomBytes(32).toString('base64')}`)) });
    await enqueue(stranger, 'k-gone', personal(1));
    await enqueue(new Outbox(store), 'k-plain', personal(2));
    expect(await reencryptOutbox(store, rotated)).toEqual({ rewritten: 1, unreadable: 1 });
  });
});
