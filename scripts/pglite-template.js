// A PGlite cluster as initdb leaves it, made once and reused by the tests. initdb in WebAssembly
// takes 3-8 s per store (most of the suite's time went there); loading its result takes about 1 s.
// Two forms: a tarball for in-memory stores (PGlite's loadDataDir) and a data folder to copy where
// a test needs the embedded store's folder. Keyed by the PGlite version; rebuilt when missing.
// Run by jest's global setup; test/support/pglite-template.ts reads what it made.
const fs = require('node:fs');
const path = require('node:path');

const ROOT = path.resolve(__dirname, '..');
const PKG = path.join(ROOT, 'node_modules', '@electric-sql', 'pglite', 'package.json');
const version = JSON.parse(fs.readFileSync(PKG, 'utf8')).version;
const DIR = path.join(ROOT, 'node_modules', '.cache', 'actionbridge-tests', `pglite-${version}`);
const TAR = path.join(DIR, 'initdb.tar');
const DATA = path.join(DIR, 'initdb-data');

module.exports = { TAR, DATA };

async function build() {
  if (fs.existsSync(TAR) && fs.existsSync(path.join(DATA, 'PG_VERSION'))) return;
  fs.mkdirSync(DIR, { recursive: true });
  const { PGlite } = require('@electric-sql/pglite');
  const memory = new PGlite();
  await memory.waitReady;
  const tar = Buffer.from(await (await memory.dumpDataDir('none')).arrayBuffer());
  await memory.close();
  // Written under temporary names and renamed, so a half-made template is never used.
  const tmpTar = `${TAR}.${process.pid}`;
  fs.writeFileSync(tmpTar, tar);
  fs.renameSync(tmpTar, TAR);
  const tmpData = `${DATA}.${process.pid}`;
  fs.rmSync(tmpData, { recursive: true, force: true });
  const onDisk = new PGlite(tmpData, { loadDataDir: new (require('node:buffer').Blob)([tar]) });
  await onDisk.waitReady;
  await onDisk.close();
  fs.rmSync(DATA, { recursive: true, force: true });
  fs.renameSync(tmpData, DATA);
}

if (require.main === module) {
  build().catch((err) => {
    console.error(err);
    process.exit(1);
  });
}
