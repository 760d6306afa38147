/**
 * One load run with autocannon against 127.0.0.1, as its own process (pinned to its own core by
 * run.js). Prints one JSON line: throughput, latency percentiles, status counts, and the spread
 * of latencies per connection (to see whether some connections are starved).
 *
 * Usage: node bench/load.js '{"url":"http://127.0.0.1:5055/webhook","bodyFile":"...","connections":10,"duration":5}'
 */
'use strict';
const fs = require('node:fs');
const autocannon = require('autocannon');

const opts = JSON.parse(process.argv[2]);
const body = fs.readFileSync(opts.bodyFile);

/**
 * `senderPerConnection`: each connection is its own conversation (its own sender_id), as Rasa
 * calls an action server: one call at a time per conversation. Needed where the server counts
 * per conversation (the order lookup's verification quotas).
 */
let setupClient;
if (opts.senderPerConnection) {
  const text = body.toString('utf8');
  const sender = JSON.parse(text).sender_id;
  let n = 0;
  setupClient = (client) => client.setBody(text.split(JSON.stringify(sender)).join(JSON.stringify(`${sender}-c${n++}`)));
}

const perClient = new Map();
const instance = autocannon(
  {
    url: opts.url,
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body,
    connections: opts.connections,
    duration: opts.duration,
    pipelining: 1,
    timeout: 30,
    setupClient,
  },
  (err, result) => {
    if (err) {
      process.stderr.write(`load: ${err.message}\n`);
      process.exit(1);
    }
    const quantile = (sorted, q) => (sorted.length ? sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))] : null);
    const all = [];
    const conn = [];
    for (const list of perClient.values()) {
      list.sort((a, b) => a - b);
      all.push(...list);
      conn.push({ n: list.length, p50: quantile(list, 0.5), max: list[list.length - 1] });
    }
    all.sort((a, b) => a - b);
    conn.sort((a, b) => a.n - b.n);
    const out = {
      connections: opts.connections,
      duration: result.duration,
      requests: result.requests.total,
      rps: result.requests.total / result.duration,
      // Exact percentiles over every 2xx response (autocannon's histogram rounds to whole ms).
      p50: quantile(all, 0.5),
      p99: quantile(all, 0.99),
      max: all[all.length - 1] ?? null,
      ac: { p50: result.latency.p50, p99: result.latency.p99 },
      non2xx: result.non2xx,
      errors: result.errors,
      timeouts: result.timeouts,
      perConnection: { fewest: conn[0], most: conn[conn.length - 1] },
    };
    if (opts.dumpConnections) out.connectionsDetail = conn;
    process.stdout.write(JSON.stringify(out) + '\n');
  },
);
instance.on('response', (client, statusCode, _bytes, ms) => {
  if (statusCode < 200 || statusCode >= 300) return;
  let list = perClient.get(client);
  if (!list) perClient.set(client, (list = []));
  list.push(ms);
});
