/**
 * `npm ci` (the README's install and CI's) refuses a lock file that misses any optional
 * dependency of a locked package. npm 11 leaves out other platforms' native binaries when it
 * writes the lock, so a dependency that ships per-platform binaries breaks every clean install.
 * This catches such a dependency when it is added, not when CI runs.
 */
import fs from 'node:fs';
import path from 'node:path';

interface LockedPackage {
  optionalDependencies?: Record<string, string>;
}

test('every optional dependency of a locked package is itself in the lock file', () => {
  const lock = JSON.parse(fs.readFileSync(path.join(__dirname, '../../package-lock.json'), 'utf8')) as {
    packages: Record<string, LockedPackage>;
  };
  const missing: string[] = [];
  for (const [where, pkg] of Object.entries(lock.packages)) {
    for (const dep of Object.keys(pkg.optionalDependencies ?? {})) {
      const nested = `${where}/node_modules/${dep}`;
      if (!lock.packages[`node_modules/${dep}`] && !lock.packages[nested]) missing.push(`${where} → ${dep}`);
    }
  }
  expect(missing).toEqual([]);
});
