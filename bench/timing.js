/** The bench scripts' one timer: median wall time of a synchronous call, in microseconds. */
'use strict';
const { performance } = require('node:perf_hooks');

/** Runs `fn` `warmup` times untimed (so it is optimised), then `iterations` times timed. */
function medianMicros(fn, { iterations, warmup = 20 }) {
  for (let i = 0; i < warmup; i++) fn();
  const samples = [];
  for (let i = 0; i < iterations; i++) {
    const t0 = performance.now();
    fn();
    samples.push(performance.now() - t0);
  }
  samples.sort((a, b) => a - b);
  return samples[samples.length >> 1] * 1000;
}

module.exports = { medianMicros };
