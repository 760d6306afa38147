/** Makes the embedded store's template (src/store/embedded-template.ts): initdb, then every migration. */
import fs from 'node:fs';
import path from 'node:path';
import { migrate, readMigrations, type Migration } from './migrate';
import { PgliteStore } from './pglite-store';

/** Writes the gzipped cluster to `file` (under a temporary name first, so a half-written one is never read). */
export async function buildTemplate(file: string, migrations: Migration[] = readMigrations()): Promise<void> {
  const store = await PgliteStore.open();
  try {
    await migrate(store, migrations);
    const archive = await store.dump();
    fs.mkdirSync(path.dirname(file), { recursive: true });
    const partial = `${file}.${process.pid}.partial`;
    fs.writeFileSync(partial, archive);
    fs.renameSync(partial, file);
  } finally {
    await store.close();
  }
}
