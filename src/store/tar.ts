/**
 * Unpacks the plain tar archives PGlite's `dumpDataDir` writes (ustar headers, regular files and
 * folders only) into a folder. Small on purpose: the embedded store's template is our own build
 * output, so anything else in it (links, devices, long-name extensions) is refused, not guessed at.
 */
import fs from 'node:fs';
import path from 'node:path';

const BLOCK = 512;

function field(header: Buffer, from: number, to: number): string {
  const raw = header.subarray(from, to).toString('latin1');
  const nul = raw.indexOf('\0');
  return nul < 0 ? raw : raw.slice(0, nul);
}

/** `name` as a path inside `root`; a name climbing out of it (`..`, absolute after joining) is refused. */
function inside(root: string, name: string): string {
  const parts = name.split('/').filter((p) => p !== '' && p !== '.');
  if (parts.length === 0 || parts.includes('..')) throw new Error(`Unsafe path '${name}' in the archive`);
  return path.join(root, ...parts);
}

/**
 * Writes the archive's folders and files under `root` (created when missing); returns the file
 * count. Each file is written from a view of the archive, without copying, and asynchronously, so
 * a server unpacking its store after it listens still answers /health.
 */
export async function unpackTar(archive: Buffer, root: string): Promise<number> {
  await fs.promises.mkdir(root, { recursive: true, mode: 0o700 });
  let files = 0;
  for (let at = 0; at + BLOCK <= archive.length; ) {
    const header = archive.subarray(at, at + BLOCK);
    if (header.every((b) => b === 0)) break;
    const prefix = field(header, 345, 500);
    const name = prefix ? `${prefix}/${field(header, 0, 100)}` : field(header, 0, 100);
    const size = Number.parseInt(field(header, 124, 136).trim() || '0', 8);
    const type = String.fromCharCode(header[156] ?? 0);
    if (!Number.isSafeInteger(size) || size < 0) throw new Error(`Bad size in the archive's entry '${name}'`);
    if (type !== '5' && type !== '0' && type !== '\0') throw new Error(`Unsupported entry type '${type}' ('${name}') in the archive`);
    at += BLOCK;
    const padded = Math.ceil(size / BLOCK) * BLOCK;
    if (at + padded > archive.length) throw new Error(`The archive ends inside '${name}'`);
    if (type === '5') {
      await fs.promises.mkdir(inside(root, name), { recursive: true, mode: 0o700 });
    } else {
      const target = inside(root, name);
      await fs.promises.mkdir(path.dirname(target), { recursive: true, mode: 0o700 });
      await fs.promises.writeFile(target, archive.subarray(at, at + size), { mode: 0o600 });
      files++;
    }
    at += padded;
  }
  return files;
}
