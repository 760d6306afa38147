#!/usr/bin/env node
// Build step: puts the embedded store's template (initdb + every migration, gzipped, about 5 MB)
// in dist/embedded/, where a first start finds it (src/store/embedded-template.ts). Making one
// runs initdb in WebAssembly (5-15 s), so each is kept in node_modules/.cache keyed by PGlite's
// version and the migrations' contents, and a rebuild only copies it. Runs after tsc (it uses dist/).
const crypto = require('node:crypto');
const fs = require('node:fs');
const path = require('node:path');

const ROOT = path.resolve(__dirname, '..');
const DIST_STORE = path.join(ROOT, 'dist', 'src', 'store');

async function main() {
  const { defaultTemplateFile, pgliteVersion } = require(path.join(DIST_STORE, 'embedded-template.js'));
  const { readMigrations } = require(path.join(DIST_STORE, 'migrate.js'));
  const version = pgliteVersion();
  const migrations = readMigrations();
  const hash = crypto.createHash('sha256');
  for (const m of migrations) hash.update(`${m.version}\0${m.name}\0${m.sql}\0`);
  const cached = path.join(ROOT, 'node_modules', '.cache', 'actionbridge', 'embedded', `pglite-${version}-${hash.digest('hex').slice(0, 16)}.tar.gz`);
  if (!fs.existsSync(cached)) {
    process.stderr.write('actionbridge: preparing the embedded database template (once)...\n');
    const { buildTemplate } = require(path.join(DIST_STORE, 'build-template.js'));
    await buildTemplate(cached, migrations);
  }
  const target = defaultTemplateFile(version);
  fs.mkdirSync(path.dirname(target), { recursive: true });
  const partial = `${target}.${process.pid}.partial`;
  fs.copyFileSync(cached, partial);
  fs.renameSync(partial, target);
}

main().catch((err) => {
  process.stderr.write(`actionbridge: the embedded database template could not be made: ${err && err.stack ? err.stack : err}\n`);
  process.exit(1);
});
