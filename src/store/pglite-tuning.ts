/**
 * How the embedded store runs PGlite, measured on a 2-core machine (bench/analysis.md, "embedded"):
 *
 * - shared_buffers 16 MB instead of initdb's 128 MB: PostgreSQL's buffer pool lives in the
 *   WebAssembly memory and is touched at start, so its size is resident memory. The embedded store
 *   holds demo and small data; 16 MB keeps every page of it cached (about 120 MB less RSS).
 * - V8's baseline WebAssembly compiler only (Liftoff): the optimising tier recompiled PGlite's 9 MB
 *   module in the background, which on two busy cores delayed the first answers by seconds and held
 *   about 60 MB more, for no measurable gain per query on the embedded store's lookups.
 */
import v8 from 'node:v8';

/** Appended to PGlite's own start parameters (the later `-c` wins). */
export const PGLITE_SETTINGS = ['-c', 'shared_buffers=16MB'] as const;

let compilerChosen = false;

/**
 * Chooses Liftoff for WebAssembly compiled from now on, once per process, before PGlite's module
 * is compiled. Process-wide: the only other WebAssembly in a server is Node's own HTTP parser for
 * fetch, which Liftoff runs as well.
 */
export function preferBaselineWasmCompiler(): void {
  if (compilerChosen) return;
  compilerChosen = true;
  v8.setFlagsFromString('--liftoff-only');
}
