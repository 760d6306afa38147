/**
 * The floor for accepting a ticket durably: a bare `node:http` server that reads the body,
 * JSON-parses it and writes one row shaped like an outbox job (table bare_jobs, a copy of
 * outbox_jobs with its indexes) in one autocommitted INSERT, then answers a fixed reply. No
 * action, no validation, no idempotency lookup: what any server that must not lose the request
 * pays at least, on the same PostgreSQL. Listens on 127.0.0.1:PORT; DATABASE_URL picks the schema.
 */
'use strict';
const http = require('node:http');
const { randomBytes } = require('node:crypto');
const { Pool } = require('pg');

const pool = new Pool({ connectionString: process.env.DATABASE_URL, max: Number(process.env.DATABASE_POOL_MAX || 10) });
const ANSWER = Buffer.from(JSON.stringify({ events: [], responses: [{ text: 'queued' }] }));
const INSERT = `INSERT INTO bare_jobs (reference, idempotency_key, type, payload, max_attempts) VALUES ($1, $2, 'ticket.create', $3::jsonb, 8)`;

function fail(res, status) {
  res.writeHead(status, { 'Content-Type': 'application/json' });
  res.end('{"error":"not stored"}');
}

async function store(raw, res) {
  let call;
  try {
    call = JSON.parse(raw);
  } catch {
    return fail(res, 400);
  }
  const slots = (call && call.tracker && call.tracker.slots) || {};
  const payload = { summary: slots.ticket_summary, description: slots.ticket_description, severity: slots.ticket_severity };
  try {
    await pool.query(INSERT, [`REF-${randomBytes(5).toString('hex').toUpperCase()}`, `${call.sender_id}:${call.next_action}`, JSON.stringify(payload)]);
  } catch {
    return fail(res, 503);
  }
  res.writeHead(200, { 'Content-Type': 'application/json', 'Content-Length': ANSWER.length });
  res.end(ANSWER);
}

const server = http.createServer((req, res) => {
  const chunks = [];
  req.on('data', (chunk) => chunks.push(chunk));
  req.on('end', () => void store(Buffer.concat(chunks).toString('utf8'), res));
});
server.keepAliveTimeout = 120_000;
server.listen(Number(process.env.PORT), '127.0.0.1', () => process.stdout.write('bare outbox server listening\n'));
process.once('SIGTERM', () => {
  server.close();
  void pool.end().finally(() => process.exit(0));
});
