/**
 * Embedded stores for tests, started from the initdb'd cluster jest's global setup prepared
 * (scripts/pglite-template.js) instead of running initdb each time: the same empty cluster, in
 * about a second instead of several. Without the template they run initdb as before.
 */
import { Blob } from 'node:buffer';
import fs from 'node:fs';
import { PgliteStore } from '../../src/store';

// eslint-disable-next-line @typescript-eslint/no-require-imports
const { TAR, DATA } = require('../../scripts/pglite-template') as { TAR: string; DATA: string };

// Read once per test file; a Blob is immutable, so every store can load the same one.
let template: globalThis.Blob | undefined;

/** A new, empty in-memory PGlite store (not migrated). */
export async function openMemoryPglite(): Promise<PgliteStore> {
  if (!template && fs.existsSync(TAR)) template = new Blob([fs.readFileSync(TAR)]) as unknown as globalThis.Blob;
  return template ? PgliteStore.open(undefined, { from: template }) : PgliteStore.open();
}

/**
 * Fills `dir` (the embedded store's folder, DATA_DIR/pglite) with an empty initdb'd cluster, as a
 * first start leaves it, for tests about something else than creating the folder.
 */
export function seedPgliteDir(dir: string): void {
  if (fs.existsSync(DATA)) fs.cpSync(DATA, dir, { recursive: true });
}
