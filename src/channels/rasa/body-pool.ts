/**
 * Reusable buffers for request bodies of known length. Long trackers are hundreds of KB and
 * dozens arrive at once; allocating a fresh one per call leaves the C heap (where Buffers live)
 * fragmented and the process resident size high long after the load. A body buffer is handed
 * back once its JSON has been parsed and serves the next body of the same size class.
 */
const MIN_CLASS = 64 * 1024;
/**
 * Free buffers kept for reuse, all size classes together. Sized for a burst of long trackers:
 * 50 callers with 443 KB bodies have 25 MB of bodies read and waiting at once. With a cap below
 * that (it was 8 MB), every burst dropped dozens of buffers; they had waited long enough to be
 * promoted, so their memory came back only at the next full collection, while new ones were
 * malloc'd: ~15-20 MB more resident after the benchmark's 50-connection run than keeping them.
 */
const MAX_POOLED_BYTES = 32 * 1024 * 1024;

const free = new Map<number, ArrayBuffer[]>();
/** Buffers handed out and not yet given back (only these may be released, and only once). */
const lent = new WeakSet<ArrayBuffer>();
let pooledBytes = 0;

function sizeClass(n: number): number {
  let size = MIN_CLASS;
  while (size < n) size *= 2;
  return size;
}

/** A buffer of exactly `length` bytes (uninitialised), to be given back with `releaseBody`. */
export function acquireBody(length: number): Buffer {
  const size = sizeClass(length);
  let store = free.get(size)?.pop();
  if (store) pooledBytes -= size;
  else store = Buffer.allocUnsafeSlow(size).buffer as ArrayBuffer;
  lent.add(store);
  return Buffer.from(store, 0, length);
}

/** Gives a body buffer back once nothing reads it any more; other buffers are ignored. */
export function releaseBody(body: Buffer): void {
  const store = body.buffer as ArrayBuffer;
  if (!lent.has(store)) return;
  lent.delete(store);
  if (pooledBytes + store.byteLength > MAX_POOLED_BYTES) return;
  pooledBytes += store.byteLength;
  const list = free.get(store.byteLength);
  if (list) list.push(store);
  else free.set(store.byteLength, [store]);
}
