// Compile dist/ once before any test file runs: tests that start the real server process would
// otherwise race to rebuild it in parallel workers and read half-written files.
const { execFileSync } = require('node:child_process');
const path = require('node:path');

module.exports = async () => {
  execFileSync(process.execPath, [path.join(__dirname, 'ensure-build.js')], { stdio: 'inherit' });
};
