/**
 * The embedded store's template (src/store/embedded-template.ts): a new data folder starts from
 * an initdb'd, migrated cluster instead of running initdb; a folder that already holds one is
 * never overwritten; the tar reader writes only inside its folder.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { PgliteStore, migrate, readMigrations } from '../../src/store';
import { unpackTemplate } from '../../src/store/embedded-template';
import { unpackTar } from '../../src/store/tar';
import { openMemoryPglite } from '../support/pglite-template';

let tmp: string;
beforeAll(() => {
  tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'ab-template-'));
});
afterAll(() => fs.rmSync(tmp, { recursive: true, force: true }));

describe('a new embedded folder from the template', () => {
  let template: string;
  beforeAll(async () => {
    // What scripts/embedded-template.js makes at build time: a cluster with every migration applied.
    const memory = await openMemoryPglite();
    try {
      await migrate(memory);
      await memory.query("INSERT INTO customers (id, name, email) VALUES ('C-T', 'From the template', 't@example.com')");
      template = path.join(tmp, 'template.tar.gz');
      fs.writeFileSync(template, await memory.dump());
    } finally {
      await memory.close();
    }
  }, 120_000);

  it('holds every migration before the first query, and a later opening keeps its data', async () => {
    const folder = path.join(tmp, 'a', 'data', 'pglite');
    const first = await PgliteStore.open(folder, { template });
    try {
      expect(fs.existsSync(path.join(folder, 'PG_VERSION'))).toBe(true);
      const { rows } = await first.query<{ version: string }>('SELECT version FROM schema_migrations ORDER BY version');
      expect(rows.map((r) => r.version)).toEqual(readMigrations().map((m) => m.version));
      expect(await migrate(first)).toEqual([]);
      expect((await first.query('SELECT name FROM customers WHERE id = $1', ['C-T'])).rows).toEqual([{ name: 'From the template' }]);
      await first.query("INSERT INTO customers (id, name, email) VALUES ('C-L', 'Later', 'l@example.com')");
    } finally {
      await first.close();
    }
    // Nothing but the folder is left beside it (no staging copy; the lock released).
    expect(fs.readdirSync(path.dirname(folder))).toEqual(['pglite']);

    const second = await PgliteStore.open(folder, { template });
    try {
      const { rows } = await second.query<{ id: string }>("SELECT id FROM customers WHERE id IN ('C-T', 'C-L') ORDER BY id");
      expect(rows.map((r) => r.id)).toEqual(['C-L', 'C-T']);
    } finally {
      await second.close();
    }
  }, 120_000);

  it('leaves a folder that already holds files alone, and says when there is no template', async () => {
    const folder = path.join(tmp, 'b');
    fs.mkdirSync(folder);
    fs.writeFileSync(path.join(folder, 'keep'), 'x');
    expect(await unpackTemplate(folder, template)).toBe(false);
    expect(fs.readdirSync(folder)).toEqual(['keep']);
    expect(await unpackTemplate(path.join(tmp, 'c'), path.join(tmp, 'missing.tar.gz'))).toBe(false);
    expect(fs.existsSync(path.join(tmp, 'c'))).toBe(false);
  });
});

/** One ustar entry: a 512-byte header, then the content padded to 512 bytes. */
function entry(name: string, type: string, content = ''): Buffer {
  const header = Buffer.alloc(512);
  header.write(name, 0, 'latin1');
  header.write('0000644\0', 100, 'latin1');
  header.write(`${Buffer.byteLength(content).toString(8).padStart(11, '0')}\0`, 124, 'latin1');
  header.write(type, 156, 'latin1');
  header.write('ustar\0', 257, 'latin1');
  const body = Buffer.alloc(Math.ceil(Buffer.byteLength(content) / 512) * 512);
  body.write(content, 0, 'latin1');
  return Buffer.concat([header, body]);
}
const END = Buffer.alloc(1024);

describe('unpackTar', () => {
  it('writes folders and files under its root, leading slashes and all', async () => {
    const root = path.join(tmp, 'tar-ok');
    const n = await unpackTar(Buffer.concat([entry('/base', '5'), entry('/base/1', '0', 'page'), entry('/PG_VERSION', '0', '17'), END]), root);
    expect(n).toBe(2);
    expect(fs.readFileSync(path.join(root, 'base', '1'), 'utf8')).toBe('page');
    expect(fs.readFileSync(path.join(root, 'PG_VERSION'), 'utf8')).toBe('17');
  });

  it('refuses a path out of its root, a link, and an archive cut short, writing nothing outside', async () => {
    const root = path.join(tmp, 'tar-bad');
    await expect(unpackTar(Buffer.concat([entry('../escaped', '0', 'x'), END]), root)).rejects.toThrow(/Unsafe path/);
    expect(fs.existsSync(path.join(tmp, 'escaped'))).toBe(false);
    await expect(unpackTar(Buffer.concat([entry('link', '2'), END]), root)).rejects.toThrow(/Unsupported entry type '2'/);
    await expect(unpackTar(entry('cut', '0', 'y'.repeat(600)).subarray(0, 700), root)).rejects.toThrow(/ends inside 'cut'/);
  });
});
