/**
 * What the JSON_MAX_DEPTH guard costs at the benchmark's three tracker sizes: the scan of the raw
 * bytes (what /webhook does before parsing bodies from SCAN_BEFORE_PARSE_BYTES on, and the other
 * JSON routes always), the walk of the parsed value (what /webhook does for smaller bodies), and
 * what the server does with the body anyway (decode to a string, JSON.parse). Median of many runs,
 * microseconds per body.
 *
 * Usage: node bench/json-depth.js [events...]   (after `npm run build`; default 5 50 1000)
 */
'use strict';
const { makeBody } = require('./generate');
const { medianMicros } = require('./timing');
const { exceedsJsonDepth, nestsDeeperThan, DEFAULT_JSON_MAX_DEPTH } = require('../dist/src/http/json-depth');

const sizes = process.argv.slice(2).filter((a) => /^\d+$/.test(a)).map(Number);
for (const events of sizes.length > 0 ? sizes : [5, 50, 1000]) {
  const body = Buffer.from(makeBody(events));
  const parsed = JSON.parse(body.toString('utf8'));
  const iterations = body.length > 100_000 ? 300 : 3000;
  const scan = medianMicros(() => {
    if (exceedsJsonDepth(body, DEFAULT_JSON_MAX_DEPTH)) throw new Error('a generated body is never too deep');
  }, { iterations, warmup: 200 });
  const walk = medianMicros(() => {
    if (nestsDeeperThan(parsed, DEFAULT_JSON_MAX_DEPTH)) throw new Error('a generated body is never too deep');
  }, { iterations, warmup: 200 });
  const parse = medianMicros(() => JSON.parse(body.toString('utf8')), { iterations, warmup: 50 });
  const share = (us) => `${((100 * us) / parse).toFixed(0)}%`;
  console.log(
    `${events} events, ${(body.length / 1024).toFixed(1)} KiB: toString + JSON.parse ${parse.toFixed(1)} µs; byte scan ${scan.toFixed(1)} µs (${share(scan)}); walk of the parsed value ${walk.toFixed(1)} µs (${share(walk)})`,
  );
}
