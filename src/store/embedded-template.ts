/**
 * The embedded store's template: a PGlite cluster as initdb leaves it, with every migration of
 * this build applied, dumped once at build time (scripts/embedded-template.js) and shipped gzipped
 * in dist/embedded/. A first start unpacks it into the data folder instead of running initdb and
 * the migrations in WebAssembly, which took most of the 8 s a newcomer waited for the first order
 * (bench/RESULTS.md, embedded section). Named by PGlite's version: a cluster only opens under the
 * PostgreSQL it was made by, so with another version installed there is no template and the first
 * start runs initdb as before.
 */
import fs from 'node:fs';
import path from 'node:path';
import zlib from 'node:zlib';
import { promisify } from 'node:util';
import { unpackTar } from './tar';

const gunzip = promisify(zlib.gunzip);

/**
 * Inflates into one buffer of the size gzip's trailer gives (mod 2^32), not zlib's 16 KB pieces:
 * one large block goes back to the system when it is dropped, while 40 MB of pieces (streamed or
 * not) stayed in the server's resident memory, about 30 MB of it for good (bench/analysis.md).
 */
async function gunzipWhole(gz: Buffer): Promise<Buffer> {
  const size = gz.length >= 4 ? gz.readUInt32LE(gz.length - 4) : 0;
  return gunzip(gz, { chunkSize: Math.min(Math.max(size, 64 * 1024) + 1024, 1 << 30) });
}

/** The installed PGlite's version (its package.json is not among its exports, so it is read from disk). */
export function pgliteVersion(): string {
  const entry = require.resolve('@electric-sql/pglite');
  let dir = path.dirname(entry);
  for (;;) {
    const file = path.join(dir, 'package.json');
    if (fs.existsSync(file)) {
      const pkg = JSON.parse(fs.readFileSync(file, 'utf8')) as { name?: string; version?: string };
      if (pkg.name === '@electric-sql/pglite' && pkg.version) return pkg.version;
    }
    const up = path.dirname(dir);
    if (up === dir) throw new Error('@electric-sql/pglite: package.json not found');
    dir = up;
  }
}

/** Where the build puts the template: dist/embedded/, beside dist/src/ (this file is dist/src/store/). */
export function defaultTemplateFile(version = pgliteVersion()): string {
  return path.resolve(__dirname, '../../embedded', `pglite-${version}.tar.gz`);
}

/**
 * Fills `dataDir` (absent or empty) from the template, unpacked beside it first and renamed into
 * place, so a start killed half-way never leaves a half-made cluster to open. Returns false, and
 * leaves the folder alone, when there is no template or the folder already holds something.
 */
export async function unpackTemplate(dataDir: string, templateFile: string): Promise<boolean> {
  if (!fs.existsSync(templateFile)) return false;
  if (fs.existsSync(dataDir) && fs.readdirSync(dataDir).length > 0) return false;
  const staging = `${dataDir}.unpacking-${process.pid}`;
  await fs.promises.rm(staging, { recursive: true, force: true });
  try {
    await unpackTar(await gunzipWhole(await fs.promises.readFile(templateFile)), staging);
    await fs.promises.rm(dataDir, { recursive: true, force: true });
    await fs.promises.rename(staging, dataDir);
    return true;
  } finally {
    await fs.promises.rm(staging, { recursive: true, force: true });
  }
}
