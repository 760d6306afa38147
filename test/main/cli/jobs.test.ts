import { main, type Io } from '../../../src/main/cli/main';
import { Outbox } from '../../../src/delivery/outbox';
import { migrate, type PgStore } from '../../../src/store';
import { createPgSchema, databaseUrl, type PgSchema } from '../../support/stores';

function capture(): Io & { stdout: string[]; stderr: string[] } {
  const stdout: string[] = [];
  const stderr: string[] = [];
  return { stdout, stderr, out: (s) => stdout.push(s), err: (s) => stderr.push(s) };
}

describe('actionbridge jobs (PostgreSQL)', () => {
  let schema: PgSchema;
  let store: PgStore;
  let outbox: Outbox;
  let env: NodeJS.ProcessEnv;
  let dead: string;
  let done: string;
  let filed: string;

  beforeAll(async () => {
    schema = await createPgSchema();
    store = schema.store(2);
    await migrate(store);
    outbox = new Outbox(store, { maxAttempts: 1 });
    const url = new URL(databaseUrl());
    url.searchParams.set('options', `-c search_path=${schema.name}`);
    env = { DATABASE_URL: url.toString() };

    const a = (await outbox.enqueue(store, { type: 'ticket.create', payload: { summary: 'dead one' }, idempotencyKey: 'cli-dead' })).job;
    const claimedA = await outbox.claim(a.reference, 60_000);
    await outbox.fail(claimedA!, 'upstream_unavailable: Jira did not answer in time.', 1_000);
    dead = a.reference;
    const b = (await outbox.enqueue(store, { type: 'lead.upsert', payload: {}, idempotencyKey: 'cli-done' })).job;
    await outbox.complete((await outbox.claim(b.reference, 60_000))!, { id: 'lead-1' });
    const c = (await outbox.enqueue(store, { type: 'ticket.create', payload: { summary: 'filed' }, idempotencyKey: 'cli-filed' })).job;
    await outbox.complete((await outbox.claim(c.reference, 60_000))!, { key: 'SUP-12', url: 'https://jira.example/browse/SUP-12' });
    filed = c.reference;
    done = b.reference;
    await outbox.enqueue(store, { type: 'kb.create', payload: {}, idempotencyKey: 'cli-pending' });
  });
  afterAll(async () => {
    await store.close();
    await schema.drop();
  });

  it('lists jobs, and only the dead ones with --status dead', async () => {
    const all = capture();
    expect(await main(['jobs', 'list'], all, env)).toBe(0);
    expect(all.stdout).toHaveLength(4);
    const deadOnly = capture();
    expect(await main(['jobs', 'list', '--status', 'dead'], deadOnly, env)).toBe(0);
    expect(deadOnly.stdout).toHaveLength(1);
    expect(deadOnly.stdout[0]).toContain(dead);
    expect(deadOnly.stdout[0]).toContain('ticket.create');
    expect(deadOnly.stdout[0]).toContain('Jira did not answer in time.');
    const json = capture();
    expect(await main(['jobs', 'list', '--json', '--status', 'done'], json, env)).toBe(0);
    const listed = JSON.parse(json.stdout[0]!) as { reference: string }[];
    expect(listed).toHaveLength(2);
    expect(listed).toContainEqual(expect.objectContaining({ reference: done, status: 'done', result: { id: 'lead-1' } }));
  });

  it('shows one job by its reference (any case)', async () => {
    const io = capture();
    expect(await main(['jobs', 'show', dead.toLowerCase()], io, env)).toBe(0);
    expect(JSON.parse(io.stdout.join('\n'))).toMatchObject({ reference: dead, status: 'dead', attempts: 1, maxAttempts: 1, lastError: 'upstream_unavailable: Jira did not answer in time.' });
    const missing = capture();
    expect(await main(['jobs', 'show', 'REF-0000000000'], missing, env)).toBe(1);
    expect(missing.stderr[0]).toBe('No job REF-0000000000.');
    const byKey = capture();
    expect(await main(['jobs', 'show', 'sup-12'], byKey, env)).toBe(0);
    expect(JSON.parse(byKey.stdout.join('\n'))).toMatchObject({ reference: filed, result: { key: 'SUP-12' } });
    const noKey = capture();
    expect(await main(['jobs', 'show', 'SUP-99'], noKey, env)).toBe(1);
  });

  it('retries a dead job (pending again with fresh attempts) but not a done one', async () => {
    const io = capture();
    expect(await main(['jobs', 'retry', dead], io, env)).toBe(0);
    expect(io.stdout[0]).toContain('queued again');
    expect(await outbox.get(dead)).toMatchObject({ status: 'pending', attempts: 0 });
    const again = capture();
    expect(await main(['jobs', 'retry', done], again, env)).toBe(1);
    expect(again.stderr[0]).toContain('already done');
  });

  it('refuses to start a worker without a shared PostgreSQL', async () => {
    const io = capture();
    expect(await main(['worker'], io, {})).toBe(1);
    expect(io.stderr[0]).toContain('DATABASE_URL');
  });

  it('answers usage errors with exit code 2', async () => {
    for (const args of [['jobs'], ['jobs', 'show'], ['jobs', 'show', 'not a key'], ['jobs', 'retry', 'SUP-1'], ['jobs', 'list', '--status', 'lost'], ['jobs', 'list', '--limit', '0']]) {
      const io = capture();
      expect(await main(args, io, env)).toBe(2);
      expect(io.stderr.join('\n')).toMatch(/jobs|--status|--limit/);
    }
  });
});
