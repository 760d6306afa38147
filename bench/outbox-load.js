/**
 * Load for bench/outbox.js, as its own process (pinned to its own core): `connections` keep-alive
 * clients POST action_file_ticket calls to /webhook for `duration` seconds (or until `count`
 * calls were sent), each call a different conversation, so each one is a new ticket and not
 * Rasa re-sending the same call (which the server answers from the job it already has).
 *
 * An answer counts as accepted only when it is 200 and what `expect` asks for: `queued` (the
 * ticket_key slot holds a REF- reference, i.e. the job is in the outbox) or `any200`.
 * Prints one JSON line: counts, req/s over the measured time, exact latency percentiles.
 *
 * Usage: node bench/outbox-load.js '{"port":5055,"tag":"r1","connections":10,"duration":5,"expect":"queued"}'
 */
'use strict';
const http = require('node:http');
const { ticketCallBody } = require('./outbox-body');

const opts = JSON.parse(process.argv[2]);
const agent = new http.Agent({ keepAlive: true, maxSockets: opts.connections });
// The reference is what a queued ticket answers with (slot ticket_key and the message's ticket_reference).
const REFERENCE = /"REF-[0-9A-Z]{10}"/;

function post(body) {
  return new Promise((resolve) => {
    const started = process.hrtime.bigint();
    const req = http.request(
      { host: '127.0.0.1', port: opts.port, path: '/webhook', method: 'POST', agent, headers: { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) } },
      (res) => {
        let text = '';
        res.setEncoding('utf8');
        res.on('data', (d) => (text += d));
        res.on('end', () => resolve({ status: res.statusCode, text, ms: Number(process.hrtime.bigint() - started) / 1e6 }));
      },
    );
    req.once('error', () => resolve({ status: 0, text: '', ms: Number(process.hrtime.bigint() - started) / 1e6 }));
    req.setTimeout(30_000, () => req.destroy(new Error('timeout')));
    req.end(body);
  });
}

async function main() {
  const latencies = [];
  const failures = {};
  let sent = 0;
  let ok = 0;
  const limit = opts.count ?? Infinity;
  const until = opts.duration ? Date.now() + opts.duration * 1000 : Infinity;
  const started = process.hrtime.bigint();
  const client = async () => {
    while (sent < limit && Date.now() < until) {
      const i = sent++;
      const res = await post(ticketCallBody(opts.tag, i));
      const accepted = res.status === 200 && (opts.expect !== 'queued' || REFERENCE.test(res.text));
      if (accepted) {
        ok++;
        latencies.push(res.ms);
      } else {
        // Only the status is kept: an answer's text is the server's, not for the terminal.
        const key = res.status === 200 ? '200 without a reference' : String(res.status);
        failures[key] = (failures[key] || 0) + 1;
      }
    }
  };
  await Promise.all(Array.from({ length: opts.connections }, client));
  const seconds = Number(process.hrtime.bigint() - started) / 1e9;
  latencies.sort((a, b) => a - b);
  const q = (p) => (latencies.length ? latencies[Math.min(latencies.length - 1, Math.floor(p * latencies.length))] : null);
  agent.destroy();
  process.stdout.write(JSON.stringify({ connections: opts.connections, sent, ok, failures, seconds, rps: ok / seconds, p50: q(0.5), p99: q(0.99), max: latencies[latencies.length - 1] ?? null }) + '\n');
}

main().catch((err) => {
  process.stderr.write(`outbox-load: ${err.message}\n`);
  process.exit(1);
});
