#!/usr/bin/env node
// `npm run seed`: migrate the configured database and load the demo orders (see docs/orders.md).
require('../dist/src/main/seed.js').main().then(
  (code) => { process.exitCode = code; },
  (err) => { process.stderr.write(`seed failed: ${err && err.message ? err.message : err}\n`); process.exitCode = 1; },
);
