/**
 * How expensive fresh memory is on this machine, printed as one JSON line for RESULTS.md.
 * On some virtual machines the first touch of a page costs ~10 µs instead of well under 1 µs, and
 * that decides how much a string over V8's 128 KiB large-object limit costs (see analysis.md).
 *
 * Usage: node bench/page-cost.js <body file>
 */
'use strict';
const fs = require('node:fs');
const { medianMicros } = require('./timing');

const PAGE = 4096;

// 64 MB of buffers never touched before, one byte written per page.
const MB64 = 64 * 1024 * 1024;
// Fastest of three rounds: each allocates its own 64 MB, so there is nothing to warm up.
let touchUs = Infinity;
for (let round = 0; round < 3; round++) {
  const t0 = process.hrtime.bigint();
  const bufs = [];
  for (let i = 0; i < 64; i++) {
    const b = Buffer.allocUnsafeSlow(MB64 / 64);
    for (let o = 0; o < b.length; o += PAGE) b[o] = 1;
    bufs.push(b);
  }
  touchUs = Math.min(touchUs, Number(process.hrtime.bigint() - t0) / 1000);
}

const body = fs.readFileSync(process.argv[2]);
const PIECE = 64 * 1024;
const wholeUs = medianMicros(() => body.toString('utf8'), { iterations: 50, warmup: 5 });
const piecesUs = medianMicros(() => {
  for (let at = 0; at < body.length; at += PIECE) body.toString('utf8', at, Math.min(body.length, at + PIECE));
}, { iterations: 50, warmup: 5 });
process.stdout.write(`${JSON.stringify({ faultUsPerPage: touchUs / (MB64 / PAGE), decodeWholeUs: wholeUs, decodePiecesUs: piecesUs, bodyBytes: body.length })}\n`);
