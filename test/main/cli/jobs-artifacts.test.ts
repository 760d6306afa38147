/**
 * `jobs show` points at what a robot kept for a failed job (#19), and `jobs artifact <id> --out`
 * writes one to a file (never to the terminal: a screenshot is binary), decrypted with the key.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { StoreArtifacts } from '../../../src/connectors/browser-robot/artifacts';
import { Outbox } from '../../../src/delivery/outbox';
import { main, type Io } from '../../../src/main/cli/main';
import { FieldCipher, migrate, parseDataKeys, type PgStore } from '../../../src/store';
import { createPgSchema, databaseUrl, type PgSchema } from '../../support/stores';

function capture(): Io & { stdout: string[]; stderr: string[] } {
  const stdout: string[] = [];
  const stderr: string[] = [];
  return { stdout, stderr, out: (s) => stdout.push(s), err: (s) => stderr.push(s) };
}

const KEY = `k1:${Buffer.alloc(32, 7).toString('base64')}`;

describe('actionbridge jobs show / jobs artifact', () => {
  let schema: PgSchema;
  let store: PgStore;
  let env: NodeJS.ProcessEnv;
  let reference: string;
  let tmp: string;
  const png = Buffer.concat([Buffer.from([0x89, 0x50, 0x4e, 0x47]), Buffer.alloc(200, 1)]);

  beforeAll(async () => {
    schema = await createPgSchema();
    store = schema.store(2);
    await migrate(store);
    const url = new URL(databaseUrl());
    url.searchParams.set('options', `-c search_path=${schema.name}`);
    env = { DATABASE_URL: url.toString(), DATA_ENCRYPTION_KEY: KEY };
    const cipher = new FieldCipher(parseDataKeys(KEY));
    const outbox = new Outbox(store, { maxAttempts: 1, cipher });
    const job = (await outbox.enqueue(store, { type: 'rpa.run', payload: {}, idempotencyKey: 'cli-rpa' })).job;
    reference = job.reference;
    const artifacts = new StoreArtifacts(store, cipher);
    await artifacts.save({ reference, task: 'leave.request', step: 'steps[12] (click)', kind: 'failure_screenshot', contentType: 'image/png', content: png });
    await artifacts.save({ reference, task: 'leave.request', step: 'steps[12] (click)', kind: 'failure_text', contentType: 'text/plain', content: Buffer.from('URL: /leave/review\nCheck your request') });
    tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'artifacts-'));
  });
  afterAll(async () => {
    await store?.close();
    await schema?.drop();
    if (tmp) fs.rmSync(tmp, { recursive: true, force: true });
  });

  it('show lists the artifacts, stored encrypted, and artifact writes one out decrypted', async () => {
    const { rows } = await store.query<{ content: string }>('SELECT content FROM job_artifacts ORDER BY id');
    expect(rows.every((r) => r.content.startsWith('enc:'))).toBe(true);

    const shown = capture();
    expect(await main(['jobs', 'show', reference], shown, env)).toBe(0);
    const view = JSON.parse(shown.stdout[0]!) as { artifacts: { id: string; kind: string; step: string; bytes: number }[] };
    expect(view.artifacts.map((a) => [a.kind, a.step, a.bytes])).toEqual([
      ['failure_screenshot', 'steps[12] (click)', png.length],
      ['failure_text', 'steps[12] (click)', 37],
    ]);

    const file = path.join(tmp, 'shot.png');
    const wrote = capture();
    expect(await main(['jobs', 'artifact', view.artifacts[0]!.id, '--out', file], wrote, env)).toBe(0);
    expect(fs.readFileSync(file).equals(png)).toBe(true);
    const text = path.join(tmp, 'page.txt');
    expect(await main(['jobs', 'artifact', view.artifacts[1]!.id, '--out', text], capture(), env)).toBe(0);
    expect(fs.readFileSync(text, 'utf8')).toContain('Check your request');
  });

  it('artifact without --out or with a bad id is a usage error; an unknown id says so', async () => {
    const noOut = capture();
    expect(await main(['jobs', 'artifact', '1'], noOut, env)).not.toBe(0);
    expect(noOut.stderr.join('\n')).toContain('--out');
    const bad = capture();
    expect(await main(['jobs', 'artifact', 'abc', '--out', path.join(tmp, 'x')], bad, env)).not.toBe(0);
    const missing = capture();
    expect(await main(['jobs', 'artifact', '999999', '--out', path.join(tmp, 'y')], missing, env)).toBe(1);
    expect(missing.stderr[0]).toBe('No artifact 999999.');
  });
});
