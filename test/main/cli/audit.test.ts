import { main, type Io } from '../../../src/main/cli/main';
import { appendAudit, payloadHash, type AuditEvent } from '../../../src/observability/audit';
import { migrate, type PgStore } from '../../../src/store';
import { createPgSchema, databaseUrl, type PgSchema } from '../../support/stores';

function capture(): Io & { stdout: string[]; stderr: string[] } {
  const stdout: string[] = [];
  const stderr: string[] = [];
  return { stdout, stderr, out: (s) => stdout.push(s), err: (s) => stderr.push(s) };
}

const event = (minute: number): AuditEvent => ({
  at: new Date(Date.UTC(2026, 2, 1, 10, minute)),
  kind: 'outbound',
  sender: `s-${minute}`,
  action: 'action_create_ticket',
  connector: 'jira',
  operation: 'createIssue',
  outcome: 'ok',
  latencyMs: 30,
  payloadSha256: payloadHash({ minute }),
});

describe('actionbridge audit (PostgreSQL)', () => {
  let schema: PgSchema;
  let store: PgStore;
  let env: NodeJS.ProcessEnv;

  beforeAll(async () => {
    schema = await createPgSchema();
    store = schema.store(2);
    await migrate(store);
    const url = new URL(databaseUrl());
    url.searchParams.set('options', `-c search_path=${schema.name}`);
    env = { DATABASE_URL: url.toString() };
    await appendAudit(store, [0, 5, 10, 15].map(event));
  });
  afterAll(async () => {
    await store.close();
    await schema.drop();
  });

  it('exports a time range as JSON lines', async () => {
    const io = capture();
    expect(await main(['audit', 'export', '--from', '2026-03-01T10:05:00Z', '--to', '2026-03-01T10:15:00Z'], io, env)).toBe(0);
    expect(io.stdout.map((l) => (JSON.parse(l) as { sender: string }).sender)).toEqual(['s-5', 's-10']);
  });

  it('rejects a bad date with a usage error', async () => {
    const io = capture();
    expect(await main(['audit', 'export', '--from', 'yesterday', '--to', '2026-03-01T10:15:00Z'], io, env)).toBe(2);
    expect(io.stderr.join('\n')).toMatch(/--from needs an ISO date/);
  });

  it('verifies the chain, then reports the edited row', async () => {
    const ok = capture();
    expect(await main(['audit', 'verify'], ok, env)).toBe(0);
    expect(ok.stdout.join('\n')).toMatch(/intact: 4 rows/);

    await store.query('ALTER TABLE audit_log DISABLE TRIGGER audit_log_append_only');
    await store.query("UPDATE audit_log SET sender = 'someone-else' WHERE seq = 3");
    const bad = capture();
    expect(await main(['audit', 'verify'], bad, env)).toBe(1);
    expect(bad.stderr.join('\n')).toMatch(/broken at row 3/);
  });
});
