#!/usr/bin/env node
require('../dist/src/main/cli/main.js').main(process.argv.slice(2)).then(
  (code) => { if (typeof code === 'number' && code >= 0) process.exitCode = code; },
  (err) => { process.stderr.write(`actionbridge: ${err && err.message ? err.message : err}\n`); process.exitCode = 1; },
);
