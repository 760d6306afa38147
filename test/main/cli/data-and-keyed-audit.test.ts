/**
 * The command line of the keyed audit chain and of encryption at rest: `audit verify` with
 * AUDIT_HMAC_KEY (and its warning without), `audit checkpoint` and `--anchor`, `data reencrypt`
 * after a rotation; on PostgreSQL and on the embedded store's folder.
 */
import crypto from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { main, type Io } from '../../../src/main/cli/main';
import { Outbox } from '../../../src/delivery/outbox';
import { AuditKeyring, appendAudit, parseAuditKeys, payloadHash, type AuditEvent } from '../../../src/observability/audit';
import { FieldCipher, PgliteStore, migrate, parseDataKeys, type Store } from '../../../src/store';
import { seedPgliteDir } from '../../support/pglite-template';
import { createPgSchema, databaseUrl } from '../../support/stores';

function capture(): Io & { stdout: string[]; stderr: string[] } {
  const stdout: string[] = [];
  const stderr: string[] = [];
  return { stdout, stderr, out: (s) => stdout.push(s), err: (s) => stderr.push(s) };
}

const AUDIT_KEY = 'a1:' + 'audit-secret-0123456789-abcdefghijk';
const K1 = `k1:${crypto.randomBytes(32).toString('base64')}`;
const K2 = `k2:${crypto.randomBytes(32).toString('base64')}`;

const event = (i: number): AuditEvent => ({ at: new Date(Date.UTC(2026, 6, 1, 0, i)), kind: 'action', sender: `user-${i}`, action: 'action_greet', outcome: 'success', latencyMs: 1, payloadSha256: payloadHash({ i }) });

interface Target {
  name: string;
  /** The environment the CLI gets, and a way to reach the same database from the test. */
  setup(): Promise<{ env: NodeJS.ProcessEnv; open(): Promise<Store>; cleanup(): Promise<void> }>;
}

const targets: Target[] = [
  {
    name: 'PostgreSQL',
    async setup() {
      const schema = await createPgSchema();
      const url = new URL(databaseUrl());
      url.searchParams.set('options', `-c search_path=${schema.name}`);
      return { env: { DATABASE_URL: url.toString() }, open: async () => schema.store(2), cleanup: () => schema.drop() };
    },
  },
  {
    name: 'the embedded store',
    async setup() {
      const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'ab-cli-keys-'));
      seedPgliteDir(path.join(dataDir, 'pglite'));
      return {
        env: { DATA_DIR: dataDir },
        open: () => PgliteStore.open(path.join(dataDir, 'pglite')),
        cleanup: async () => fs.rmSync(dataDir, { recursive: true, force: true }),
      };
    },
  },
];

describe.each(targets)('actionbridge audit and data commands on $name', (target) => {
  let env: NodeJS.ProcessEnv;
  let open: () => Promise<Store>;
  let cleanup: () => Promise<void>;

  beforeAll(async () => {
    ({ env, open, cleanup } = await target.setup());
    const store = await open();
    try {
      await migrate(store);
      const keys = new AuditKeyring(parseAuditKeys(AUDIT_KEY));
      const cipher = new FieldCipher(parseDataKeys(K1));
      await appendAudit(store, [1, 2, 3, 4, 5].map(event), { keys, cipher, checkpointEvery: 2 });
      const outbox = new Outbox(store, { cipher });
      await outbox.enqueue(store, { type: 'lead.create', payload: { email: 'ada@example.com' }, idempotencyKey: 'cli-1' });
      await new Outbox(store).enqueue(store, { type: 'lead.create', payload: { email: 'bob@example.com' }, idempotencyKey: 'cli-2' });
    } finally {
      await store.close();
    }
  });
  afterAll(() => cleanup());

  it('audit verify with the keys: intact, with the key ids and checkpoints named', async () => {
    const io = capture();
    expect(await main(['audit', 'verify'], io, { ...env, AUDIT_HMAC_KEY: AUDIT_KEY, DATA_ENCRYPTION_KEY: K1 })).toBe(0);
    expect(io.stdout.join('\n')).toMatch(/intact: 5 rows \(5 under key 'a1'; 2 signed checkpoints, the latest at row 4\)/);
    expect(io.stderr).toEqual([]);
  });

  it('audit verify without AUDIT_HMAC_KEY cannot vouch for keyed rows, and says why', async () => {
    const io = capture();
    expect(await main(['audit', 'verify'], io, { ...env, DATA_ENCRYPTION_KEY: K1 })).toBe(1);
    const err = io.stderr.join('\n');
    expect(err).toMatch(/WARNING: AUDIT_HMAC_KEY is not set/);
    expect(err).toMatch(/key 'a1', which AUDIT_HMAC_KEY does not hold \(it is not set\)/);
  });

  it('audit checkpoint signs the head and prints an anchor that verify then checks; a bad anchor is a usage error', async () => {
    const keyed = { ...env, AUDIT_HMAC_KEY: AUDIT_KEY, DATA_ENCRYPTION_KEY: K1 };
    const io = capture();
    expect(await main(['audit', 'checkpoint'], io, keyed)).toBe(0);
    const anchor = /--anchor (5:[0-9a-f]{64})/.exec(io.stdout.join('\n'))?.[1];
    expect(anchor).toBeDefined();
    const ok = capture();
    expect(await main(['audit', 'verify', '--anchor', anchor!], ok, keyed)).toBe(0);
    const wrong = capture();
    expect(await main(['audit', 'verify', '--anchor', `5:${'0'.repeat(64)}`], wrong, keyed)).toBe(1);
    expect(wrong.stderr.join('\n')).toMatch(/broken at row 5: the row's hash differs from the one the anchor given records/);
    const usage = capture();
    expect(await main(['audit', 'verify', '--anchor', 'five'], usage, keyed)).toBe(2);
    expect(usage.stderr.join('\n')).toMatch(/--anchor needs seq:hash/);
    const keyless = capture();
    expect(await main(['audit', 'checkpoint'], keyless, env)).toBe(1);
    expect(keyless.stderr.join('\n')).toMatch(/needs AUDIT_HMAC_KEY/);
  });

  it('a bad key in the settings stops the command with a message that never quotes it', async () => {
    const short = 'a1:too-short-secret';
    const io = capture();
    expect(await main(['audit', 'verify'], io, { ...env, AUDIT_HMAC_KEY: short })).toBe(1);
    expect(io.stderr.join('\n')).toMatch(/AUDIT_HMAC_KEY: the secret of key 'a1' must be at least 32 characters/);
    expect(io.stderr.join('\n')).not.toContain('too-short-secret');
  });

  it('data reencrypt after a rotation (key list read from a _FILE): everything moves to the new key, a second run finds nothing', async () => {
    const keyFile = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'ab-key-')), 'data-key');
    fs.writeFileSync(keyFile, `${K2},${K1}\n`);
    const rotatedEnv = { ...env, DATA_ENCRYPTION_KEY_FILE: keyFile, AUDIT_HMAC_KEY: AUDIT_KEY };
    const io = capture();
    expect(await main(['data', 'reencrypt', '--batch', '2'], io, rotatedEnv)).toBe(0);
    expect(io.stdout.join('\n')).toMatch(/under key 'k2': 2 outbox jobs, 5 audit senders/);
    const again = capture();
    expect(await main(['data', 'reencrypt'], again, rotatedEnv)).toBe(0);
    expect(again.stdout.join('\n')).toMatch(/0 outbox jobs, 0 audit senders/);

    const store = await open();
    try {
      const raw = JSON.stringify((await store.query('SELECT payload FROM outbox_jobs')).rows) + JSON.stringify((await store.query('SELECT sender FROM audit_log')).rows);
      expect(raw).not.toMatch(/example\.com|user-\d/);
      expect(raw).not.toContain('enc:v1:k1:');
    } finally {
      await store.close();
    }
    // Only the new key now: the chain still verifies (it covers the plaintext) and jobs show reads.
    const onlyNew = { ...env, DATA_ENCRYPTION_KEY: K2, AUDIT_HMAC_KEY: AUDIT_KEY };
    expect(await main(['audit', 'verify'], capture(), onlyNew)).toBe(0);
    const jobs = capture();
    expect(await main(['jobs', 'list', '--json'], jobs, onlyNew)).toBe(0);
    expect(jobs.stdout.join('')).toContain('ada@example.com');

    const keyless = capture();
    expect(await main(['data', 'reencrypt'], keyless, env)).toBe(1);
    expect(keyless.stderr.join('\n')).toMatch(/needs DATA_ENCRYPTION_KEY/);
  });
});
