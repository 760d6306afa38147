/**
 * How expensive fresh memory is on this machine, printed as one JSON line for RESULTS.md.
 * On some virtual machines the first touch of a page costs ~10 µs instead of well under 1 µs, and
 * that decides how much a string over V8's 128 KiB large-object limit costs (see analysis.md).
 *
 * Usage: node bench/page-cost.js <body file>
 */
'use strict';
const fs = require('node:fs');

const PAGE = 4096;
const best = (rounds, fn) => {
  let min = Infinity;
  for (let r = 0; r < rounds; r++) {
    const t = process.hrtime.bigint();
    fn();
    min = Math.min(min, Number(process.hrtime.bigint() - t) / 1000);
  }
  return min;
};

// 64 MB of buffers never touched before, one byte written per page.
const MB64 = 64 * 1024 * 1024;
const touchUs = best(3, () => {
  const bufs = [];
  for (let i = 0; i < 64; i++) {
    const b = Buffer.allocUnsafeSlow(MB64 / 64);
    for (let o = 0; o < b.length; o += PAGE) b[o] = 1;
    bufs.push(b);
  }
});

const body = fs.readFileSync(process.argv[2]);
const PIECE = 64 * 1024;
const wholeUs = best(50, () => body.toString('utf8')) ;
const piecesUs = best(50, () => {
  for (let at = 0; at < body.length; at += PIECE) body.toString('utf8', at, Math.min(body.length, at + PIECE));
});
process.stdout.write(`${JSON.stringify({ faultUsPerPage: touchUs / (MB64 / PAGE), decodeWholeUs: wholeUs, decodePiecesUs: piecesUs, bodyBytes: body.length })}\n`);
