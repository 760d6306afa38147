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
 * count. Takes the archive in chunks (holding at most one file's bytes beyond the chunk at hand)
 * and writes asynchronously, so a server unpacking its store after it listens still answers
 * /health.
 */
export async function unpackTarStream(archive: AsyncIterable<Buffer> | Iterable<Buffer>, root: string): Promise<number> {
  await fs.promises.mkdir(root, { recursive: true, mode: 0o700 });
  let pending: Buffer = Buffer.alloc(0);
  let files = 0;
  let entry: { name: string; type: string; size: number } | null = null;
  let ended = false;
  const take = async (): Promise<boolean> => {
    if (!entry) {
      if (pending.length < BLOCK) return false;
      const header = pending.subarray(0, BLOCK);
      // Two zero blocks end the archive; one is enough to stop reading.
      if (header.every((b) => b === 0)) {
        ended = true;
        return false;
      }
      const prefix = field(header, 345, 500);
      const name = prefix ? `${prefix}/${field(header, 0, 100)}` : field(header, 0, 100);
      const size = Number.parseInt(field(header, 124, 136).trim() || '0', 8);
      const type = String.fromCharCode(header[156] ?? 0);
      if (!Number.isSafeInteger(size) || size < 0) throw new Error(`Bad size in the archive's entry '${name}'`);
      if (type !== '5' && type !== '0' && type !== '\0') throw new Error(`Unsupported entry type '${type}' ('${name}') in the archive`);
      entry = { name, type, size };
      pending = pending.subarray(BLOCK);
    }
    const padded = Math.ceil(entry.size / BLOCK) * BLOCK;
    if (pending.length < padded) return false;
    if (entry.type === '5') {
      await fs.promises.mkdir(inside(root, entry.name), { recursive: true, mode: 0o700 });
    } else {
      const target = inside(root, entry.name);
      await fs.promises.mkdir(path.dirname(target), { recursive: true, mode: 0o700 });
      await fs.promises.writeFile(target, pending.subarray(0, entry.size), { mode: 0o600 });
      files++;
    }
    pending = pending.subarray(padded);
    entry = null;
    return true;
  };
  // Chunks are joined only once enough bytes for the next step have come: joining on every chunk
  // copied a 16 MB WAL segment about a thousand times.
  let waiting: Buffer[] = [];
  let waitingBytes = 0;
  const needed = () => (entry ? Math.ceil(entry.size / BLOCK) * BLOCK : BLOCK);
  for await (const chunk of archive) {
    waiting.push(chunk);
    waitingBytes += chunk.length;
    if (pending.length + waitingBytes < needed()) continue;
    // An archive already in memory arrives as one chunk: used as it is, not copied.
    pending = pending.length === 0 && waiting.length === 1 ? waiting[0]! : Buffer.concat([pending, ...waiting]);
    waiting = [];
    waitingBytes = 0;
    while (!ended && (await take()));
    if (ended) break;
  }
  if (!ended && entry) throw new Error(`The archive ends inside '${(entry as { name: string }).name}'`);
  return files;
}

/** The same over an archive already in memory. */
export function unpackTar(archive: Buffer, root: string): Promise<number> {
  return unpackTarStream([archive], root);
}

