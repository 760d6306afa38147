// Compile dist/ once before any test file runs: tests that start the real server process would
// otherwise race to rebuild it in parallel workers and read half-written files.
const { execFileSync } = require('node:child_process');
const fs = require('node:fs');
const path = require('node:path');

module.exports = async () => {
  try {
    // The initdb'd PGlite cluster the embedded-store tests start from (cached between runs).
    execFileSync(process.execPath, [path.join(__dirname, 'pglite-template.js')], { stdio: 'pipe' });
  } catch (err) {
    // Without it the tests run initdb themselves: slower, same result.
    process.stderr.write(`PGlite template not made (${err.message}); embedded stores will run initdb\n`);
  }
  try {
    execFileSync(process.execPath, [path.join(__dirname, 'ensure-build.js')], { stdio: 'pipe' });
  } catch (err) {
    // tsc emits JavaScript even when a file has a type error (`npm run typecheck` reports those);
    // the process tests only need the emitted files.
    if (!fs.existsSync(path.join(__dirname, '..', 'dist', 'src', 'main', 'cli', 'main.js'))) throw err;
  }
};
