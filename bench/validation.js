/**
 * What validation costs on the hot path, for one 1000-event tracker: the shallow checks (top-level
 * fields, the tracker's own fields, each event an object with a string `event`) as the server runs
 * them on a valid call (hand-written) and as zod runs them (WebhookEnvelopeSchema +
 * WebhookBodySchema, the server's fallback that words a 400), against a deep parse of every event
 * with RasaEventSchema. JSON.parse of the same body is shown for scale.
 *
 * Usage: node bench/validation.js [--json] [events]
 */
'use strict';
const { makeBody } = require('./generate');
const { medianMicros } = require('./timing');
const { isPlainValidBody, isPlainValidEnvelope, WebhookBodySchema, WebhookEnvelopeSchema } = require('../dist/src/protocol/request');
const { RasaEventSchema } = require('../dist/src/protocol/events');

const asJson = process.argv.includes('--json');
const events = Number(process.argv.find((a) => /^\d+$/.test(a)) || 1000);
const text = makeBody(events);
const parsed = JSON.parse(text);
const ITERATIONS = 200;

const time = (label, fn) => ({ label, us: medianMicros(fn, { iterations: ITERATIONS, warmup: 20 }) });

const shallow = () => {
  if (!WebhookEnvelopeSchema.safeParse(parsed).success || !WebhookBodySchema.safeParse(parsed).success) throw new Error('shallow check failed');
};
const deep = () => {
  shallow();
  for (const e of parsed.tracker.events) if (!RasaEventSchema.safeParse(e).success) throw new Error('deep check failed');
};

const hot = () => {
  if (!isPlainValidEnvelope(parsed) || !isPlainValidBody(parsed)) throw new Error('hand-written check failed');
};

const parse = time('JSON.parse of the body (for scale)', () => JSON.parse(text));
const rowHot = time('shallow, hand-written: isPlainValidEnvelope + isPlainValidBody (what the server runs on a valid call)', hot);
const rowShallow = time('shallow, zod: WebhookEnvelopeSchema + WebhookBodySchema (the server\'s fallback, words the 400)', shallow);
const rowDeep = time(`deep: zod shallow plus RasaEventSchema on each of the ${events} events`, deep);
const result = {
  events,
  bytes: Buffer.byteLength(text),
  iterations: ITERATIONS,
  rows: [parse, rowHot, rowShallow, rowDeep],
  deepOverHot: rowDeep.us / rowHot.us,
  deepOverShallow: rowDeep.us / rowShallow.us,
  deepOverParse: rowDeep.us / parse.us,
};

if (asJson) process.stdout.write(JSON.stringify(result) + '\n');
else {
  for (const r of result.rows) process.stdout.write(`${r.us.toFixed(0).padStart(8)} µs  ${r.label}\n`);
  process.stdout.write(`deep / hand-written = ${result.deepOverHot.toFixed(0)}×, deep / zod shallow = ${result.deepOverShallow.toFixed(1)}×, deep / JSON.parse = ${result.deepOverParse.toFixed(1)}×\n`);
}
