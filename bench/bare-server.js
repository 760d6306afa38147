/**
 * The yardstick: a bare `node:http` server that reads the body, JSON-parses it and answers a
 * fixed /webhook reply. It does the least work any Node server answering Rasa must do.
 * Listens on 127.0.0.1:PORT.
 */
'use strict';
const http = require('node:http');
const { setImmediate } = require('node:timers');

const ANSWER = Buffer.from(JSON.stringify({ events: [], responses: [] }));

// Diagnostics only (bench/starvation.js): BARE_TURNS=1 defers each parse to a FIFO drained one
// body per event-loop turn. The benchmark always runs the plain version (parse inline).
const TURNS = process.env.BARE_TURNS === '1';
const queue = [];
let draining = false;
function drain() {
  queue.shift()();
  if (queue.length > 0) setImmediate(drain);
  else draining = false;
}
function later(fn) {
  queue.push(fn);
  if (!draining) {
    draining = true;
    setImmediate(drain);
  }
}

function answer(chunks, res) {
  try {
    JSON.parse(Buffer.concat(chunks).toString('utf8'));
  } catch {
    res.writeHead(400, { 'Content-Type': 'application/json' });
    res.end('{"error":"bad json"}');
    return;
  }
  res.writeHead(200, { 'Content-Type': 'application/json', 'Content-Length': ANSWER.length });
  res.end(ANSWER);
}

const server = http.createServer((req, res) => {
  const chunks = [];
  req.on('data', (chunk) => chunks.push(chunk));
  if (TURNS) req.on('end', () => later(() => answer(chunks, res)));
  else req.on('end', () => answer(chunks, res));
});
server.keepAliveTimeout = 120_000;
server.listen(Number(process.env.PORT), '127.0.0.1');
process.once('SIGTERM', () => process.exit(0));
