/**
 * The relay and the workers look for due jobs and lapsed leases on every round. With a backlog
 * (workers away, RabbitMQ holding thousands of queued jobs) those lookups must go through the
 * partial indexes of migration 0016, not read every queued row: the one OR over both conditions
 * made PostgreSQL scan the whole table each round. Checked on the plans PostgreSQL chooses for the
 * statements the Outbox actually sends, after ANALYZE, with a 5,000-job backlog.
 */
import { Outbox } from '../../src/delivery/outbox';
import { migrate, type Store } from '../../src/store';
import { RecordingStore } from '../support/recording-store';
import { createPgSchema, type PgSchema } from '../support/stores';

interface PlanNode {
  'Node Type': string;
  'Relation Name'?: string;
  'Index Name'?: string;
  Plans?: PlanNode[];
}

function scansOf(node: PlanNode, out: PlanNode[] = []): PlanNode[] {
  // The reads of outbox_jobs (the UPDATE's own ModifyTable node names the table too).
  if (node['Relation Name'] === 'outbox_jobs' && node['Node Type'].endsWith('Scan')) out.push(node);
  for (const child of node.Plans ?? []) scansOf(child, out);
  return out;
}

describe('outbox lookups with a backlog of queued jobs (PostgreSQL)', () => {
  let schema: PgSchema;
  let store: Store;
  let recording: RecordingStore;
  let outbox: Outbox;

  beforeAll(async () => {
    schema = await createPgSchema();
    store = schema.store();
    await migrate(store);
    // A backlog handed to RabbitMQ, leases running, and one new job waiting.
    await store.query(
      `INSERT INTO outbox_jobs (reference, idempotency_key, type, payload, max_attempts, status, next_attempt_at, locked_until)
       SELECT 'REF-B' || g, 'backlog-' || g, 'ticket.create', '{}'::jsonb, 8, 'queued', now() - interval '1 minute', now() + interval '10 minutes'
         FROM generate_series(1, 5000) g`,
    );
    recording = new RecordingStore(store);
    outbox = new Outbox(recording);
    await outbox.enqueue(recording, { type: 'ticket.create', payload: { summary: 'new' }, idempotencyKey: 'plans-new' });
    await store.query('ANALYZE outbox_jobs');
  });

  afterAll(async () => {
    await store.close();
    await schema.drop();
  });

  /** The plan PostgreSQL chooses for the one statement `call` sent: its reads of outbox_jobs. */
  async function planOf(call: () => Promise<unknown>): Promise<PlanNode[]> {
    const from = recording.sent.length;
    await call();
    const sent = recording.sent.slice(from);
    expect(sent).toHaveLength(1);
    const { sql, params } = sent[0]!;
    const { rows } = await store.query<{ 'QUERY PLAN': [{ Plan: PlanNode }] }>(`EXPLAIN (FORMAT JSON) ${sql}`, params);
    return scansOf(rows[0]!['QUERY PLAN'][0].Plan);
  }

  it('answers "is anything due?" from the two partial indexes', async () => {
    const scans = await planOf(() => outbox.hasDue());
    expect(scans.map((s) => s['Node Type'])).not.toContain('Seq Scan');
    expect(scans.map((s) => s['Index Name']).sort()).toEqual(['outbox_jobs_lease_idx', 'outbox_jobs_pending_due_idx']);
  });

  it('claims for the relay and for a worker without reading the backlog', async () => {
    for (const claim of [() => outbox.claimForPublish(100, 60_000), () => outbox.claimForPublish(100, 60_000, { expired: false }), () => outbox.claimDue(10, 60_000)]) {
      const scans = await planOf(claim);
      expect(scans.map((s) => s['Node Type'])).not.toContain('Seq Scan');
      const lookups = scans.filter((s) => s['Index Name'] !== 'outbox_jobs_pkey').map((s) => s['Index Name']);
      expect(lookups).toContain('outbox_jobs_pending_due_idx');
      expect(lookups.filter((name) => name !== 'outbox_jobs_pending_due_idx' && name !== 'outbox_jobs_lease_idx')).toStrictEqual([]);
    }
  });

  it('still finds the new job and a lapsed lease behind the backlog', async () => {
    // The lookups above claimed the new job; it waits again, and one lease of the backlog lapsed.
    await store.query(`UPDATE outbox_jobs SET status = 'pending', locked_until = NULL WHERE idempotency_key = 'plans-new'`);
    await store.query(`UPDATE outbox_jobs SET locked_until = now() - interval '1 second' WHERE reference = 'REF-B42'`);
    expect(await outbox.hasDue()).toBe(true);
    const claimed = await outbox.claimForPublish(100, 60_000);
    const fresh = (await outbox.enqueue(store, { type: 'ticket.create', payload: {}, idempotencyKey: 'plans-new' })).job.reference;
    expect(claimed.map((j) => j.reference).sort()).toEqual(['REF-B42', fresh].sort());
    expect(await outbox.claimForPublish(100, 60_000)).toEqual([]);
    expect(await outbox.hasDue()).toBe(false);
  });
});
