/**
 * What the JSON_MAX_DEPTH guard costs: one scan of the raw bytes of a tracker body (what every
 * JSON route does before parsing, /webhook included), against what the server does with that body
 * anyway (decode to a string, JSON.parse). Median of many runs, microseconds per body, at the
 * benchmark's three tracker sizes.
 *
 * Usage: node bench/json-depth.js [events...]   (after `npm run build`; default 5 50 1000)
 */
'use strict';
const { makeBody } = require('./generate');
const { medianMicros } = require('./timing');
const { exceedsJsonDepth, DEFAULT_JSON_MAX_DEPTH } = require('../dist/src/http/json-depth');

const sizes = process.argv.slice(2).filter((a) => /^\d+$/.test(a)).map(Number);
for (const events of sizes.length > 0 ? sizes : [5, 50, 1000]) {
  const body = Buffer.from(makeBody(events));
  const iterations = body.length > 100_000 ? 300 : 3000;
  const scan = medianMicros(() => {
    if (exceedsJsonDepth(body, DEFAULT_JSON_MAX_DEPTH)) throw new Error('a generated body is never too deep');
  }, { iterations, warmup: 200 });
  const parse = medianMicros(() => JSON.parse(body.toString('utf8')), { iterations, warmup: 50 });
  console.log(
    `${events} events, ${(body.length / 1024).toFixed(1)} KiB: depth scan ${scan.toFixed(1)} µs, toString + JSON.parse ${parse.toFixed(1)} µs (scan = ${((100 * scan) / parse).toFixed(0)}%)`,
  );
}
