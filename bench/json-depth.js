/**
 * What the JSON_MAX_DEPTH guard costs: one scan of the raw bytes of a 1000-event tracker body
 * (443 KiB, what the Dialogflow and /hooks routes do) and one walk of the parsed value (what the
 * /webhook hot path does), against what the server does with that body anyway (decode to a
 * string, JSON.parse). Median of many runs, microseconds per body.
 *
 * Usage: node bench/json-depth.js [events]   (after `npm run build`)
 */
'use strict';
const { makeBody } = require('./generate');
const { medianMicros } = require('./timing');
const { exceedsJsonDepth, nestsDeeperThan, DEFAULT_JSON_MAX_DEPTH } = require('../dist/src/http/json-depth');

const events = Number(process.argv.find((a) => /^\d+$/.test(a)) || 1000);
const body = Buffer.from(makeBody(events));
const parsed = JSON.parse(body.toString('utf8'));

const median = (label, fn, iterations) => ({ label, us: Math.round(medianMicros(fn, { iterations, warmup: 50 })) });

const rows = [
  median(`depth scan (limit ${DEFAULT_JSON_MAX_DEPTH})`, () => {
    if (exceedsJsonDepth(body, DEFAULT_JSON_MAX_DEPTH)) throw new Error('a generated body is never too deep');
  }, 1000),
  median(`walk of the parsed value (limit ${DEFAULT_JSON_MAX_DEPTH}; what /webhook uses)`, () => {
    if (nestsDeeperThan(parsed, DEFAULT_JSON_MAX_DEPTH)) throw new Error('a generated body is never too deep');
  }, 1000),
  median('toString + JSON.parse (for scale)', () => JSON.parse(body.toString('utf8')), 300),
];
console.log(`${events} events, ${(body.length / 1024).toFixed(1)} KiB`);
for (const r of rows) console.log(`${r.label}: ${r.us} µs`);
