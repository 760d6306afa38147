/**
 * The floor for an order lookup: a bare `node:http` server that reads the /webhook body,
 * JSON-parses it and runs the same SQL as ActionBridge's action_fetch_order on the email path, in
 * the same order: the four verification quotas taken in one transaction (sender, email, order,
 * global; src/identity/store-quota.ts), the order selected (src/connectors/orders/store-orders.ts),
 * the email compared by digest, the quotas given back after a match (taken in one statement and
 * given back in one; both commits without waiting for the WAL flush, as ActionBridge does). No SDK, no validation, no
 * logging, no audit: what any server that checks who asks before it shows an order pays at least.
 *
 * PostgreSQL through a `pg` pool (DATABASE_URL picks the schema), or with BARE_PGLITE_DIR the
 * embedded engine (PGlite) opened on that data folder, as ActionBridge's embedded store opens it.
 * Listens on 127.0.0.1:PORT; prints one line once it listens.
 */
'use strict';
const http = require('node:http');
const { createHash, timingSafeEqual } = require('node:crypto');

const WINDOW_MS = 15 * 60_000;
const LIMITS = { sender: 5, email: 10, order: 20, global: 1000 };
const TAKE_SQL = `
INSERT INTO attempt_quotas (key, used, window_ends_ms) VALUES ($1, 1, $2)
ON CONFLICT (key) DO UPDATE SET
  used = CASE WHEN attempt_quotas.window_ends_ms <= $3 THEN 1 ELSE attempt_quotas.used + 1 END,
  window_ends_ms = CASE WHEN attempt_quotas.window_ends_ms <= $3 THEN $2 ELSE attempt_quotas.window_ends_ms END
RETURNING used, window_ends_ms`;
const NO_FLUSH_WAIT = "SET LOCAL synchronous_commit = 'off'";
const TAKE_ALL_SQL = `
INSERT INTO attempt_quotas (key, used, window_ends_ms)
SELECT key, 1, ends FROM unnest($1::text[], $2::bigint[]) AS t(key, ends) ORDER BY key
ON CONFLICT (key) DO UPDATE SET
  used = CASE WHEN attempt_quotas.window_ends_ms <= $3 THEN 1 ELSE attempt_quotas.used + 1 END,
  window_ends_ms = CASE WHEN attempt_quotas.window_ends_ms <= $3 THEN EXCLUDED.window_ends_ms ELSE attempt_quotas.window_ends_ms END
RETURNING key, used, window_ends_ms`;
const GIVE_BACK_SQL = `WITH mine AS (
  SELECT key FROM attempt_quotas WHERE (key, window_ends_ms) IN (SELECT * FROM unnest($1::text[], $2::bigint[])) ORDER BY key FOR UPDATE)
UPDATE attempt_quotas q SET used = q.used - 1 FROM mine WHERE q.key = mine.key AND q.used > 0`;
// BARE_QUOTA_SQL=per-quota: the statements before #17 (one upsert per quota, each give-back its
// own flushed commit), to measure what that cost; the default is what ActionBridge runs now.
const PER_QUOTA = process.env.BARE_QUOTA_SQL === 'per-quota';
const GIVE_BACK_ONE_SQL = 'UPDATE attempt_quotas SET used = used - 1 WHERE key = $1 AND window_ends_ms = $2 AND used > 0';
const SELECT_ORDER = `SELECT id, customer_id, email, status, items, total::text AS total, currency, carrier, tracking_number,
  to_char(estimated_delivery, 'YYYY-MM-DD') AS estimated_delivery, shipping_address, updated_at FROM orders WHERE id = $1`;
const SWEEP_EVERY = 500;

/** { query(sql, params) → rows, transaction(fn(tx)) } over PostgreSQL or PGlite. */
async function openDb() {
  if (process.env.BARE_PGLITE_DIR) {
    const { PGlite } = require('@electric-sql/pglite');
    const db = new PGlite(process.env.BARE_PGLITE_DIR);
    await db.waitReady;
    return {
      query: async (sql, params) => (await db.query(sql, params)).rows,
      transaction: (fn) => db.transaction((tx) => fn({ query: async (sql, params) => (await tx.query(sql, params)).rows })),
      close: () => db.close(),
    };
  }
  const { Pool } = require('pg');
  const pool = new Pool({ connectionString: process.env.DATABASE_URL, max: Number(process.env.DATABASE_POOL_MAX || 10) });
  return {
    query: async (sql, params) => (await pool.query(sql, params)).rows,
    async transaction(fn) {
      const client = await pool.connect();
      try {
        await client.query('BEGIN');
        const out = await fn({ query: async (sql, params) => (await client.query(sql, params)).rows });
        await client.query('COMMIT');
        return out;
      } catch (err) {
        await client.query('ROLLBACK').catch(() => undefined);
        throw err;
      } finally {
        client.release();
      }
    },
    close: () => pool.end(),
  };
}

const digest = (s) => createHash('sha256').update(s.trim().toLowerCase()).digest();

let takes = 0;
async function lookUp(db, call) {
  const slots = call.tracker.slots;
  const orderId = slots.order_id;
  const email = slots.order_email.trim();
  const now = Date.now();
  const quotas = [
    { key: `verify:sender:${call.sender_id}`, limit: LIMITS.sender },
    { key: `verify:email:${digest(email).toString('hex').slice(0, 32)}`, limit: LIMITS.email },
    { key: `verify:order:${orderId}`, limit: LIMITS.order },
    { key: 'verify:global', limit: LIMITS.global },
  ].sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0));
  const windows = await db.transaction(async (tx) => {
    const taken = [];
    if (PER_QUOTA) {
      for (const q of quotas) {
        const [row] = await tx.query(TAKE_SQL, [q.key, now + WINDOW_MS, now]);
        if (Number(row.used) > q.limit) throw new Error('throttled');
        taken.push({ key: q.key, endsMs: String(row.window_ends_ms) });
      }
      return taken;
    }
    await tx.query(NO_FLUSH_WAIT);
    const rows = await tx.query(TAKE_ALL_SQL, [quotas.map((q) => q.key), quotas.map(() => now + WINDOW_MS), now]);
    const rowOf = new Map(rows.map((r) => [r.key, r]));
    for (const q of quotas) {
      const row = rowOf.get(q.key);
      if (Number(row.used) > q.limit) throw new Error('throttled');
      taken.push({ key: q.key, endsMs: String(row.window_ends_ms) });
    }
    return taken;
  });
  if (++takes % SWEEP_EVERY === 0) await db.query('DELETE FROM attempt_quotas WHERE window_ends_ms <= $1', [now]);
  const [order] = await db.query(SELECT_ORDER, [orderId]);
  if (!order || !timingSafeEqual(digest(order.email), digest(email))) return null;
  if (PER_QUOTA) for (const w of windows) await db.query(GIVE_BACK_ONE_SQL, [w.key, w.endsMs]);
  else {
    await db.transaction(async (tx) => {
      await tx.query(NO_FLUSH_WAIT);
      await tx.query(GIVE_BACK_SQL, [windows.map((w) => w.key), windows.map((w) => w.endsMs)]);
    });
  }
  return order;
}

function answer(order) {
  if (!order) return { events: [{ event: 'slot', timestamp: null, name: 'order_verified', value: false }], responses: [{ text: 'not found' }] };
  const items = order.items.map((i) => `${i.quantity} × ${i.name}`).join(', ');
  return {
    events: [
      { event: 'slot', timestamp: null, name: 'order_id', value: order.id },
      { event: 'slot', timestamp: null, name: 'order_status', value: order.status },
      { event: 'slot', timestamp: null, name: 'order_verified', value: true },
    ],
    responses: [{ text: `Order ${order.id} is ${order.status}: ${items}. Total ${order.total} ${order.currency.trim()}.`, buttons: [], elements: [], custom: {}, template: null, response: null, image: null, attachment: null }],
  };
}

async function main() {
  const db = await openDb();
  const server = http.createServer((req, res) => {
    const chunks = [];
    req.on('data', (chunk) => chunks.push(chunk));
    req.on('end', () => {
      let call;
      try {
        call = JSON.parse(Buffer.concat(chunks).toString('utf8'));
      } catch {
        res.writeHead(400, { 'Content-Type': 'application/json' });
        return res.end('{"error":"bad json"}');
      }
      lookUp(db, call).then(
        (order) => {
          const body = JSON.stringify(answer(order));
          res.writeHead(200, { 'Content-Type': 'application/json', 'Content-Length': Buffer.byteLength(body) });
          res.end(body);
        },
        () => {
          res.writeHead(503, { 'Content-Type': 'application/json' });
          res.end('{"error":"lookup failed"}');
        },
      );
    });
  });
  server.keepAliveTimeout = 120_000;
  server.listen(Number(process.env.PORT), '127.0.0.1', () => process.stdout.write('bare order server listening\n'));
  process.once('SIGTERM', () => {
    server.close();
    void Promise.resolve(db.close()).finally(() => process.exit(0));
  });
}

main().catch((err) => {
  process.stderr.write(`bare order server: ${err.message}\n`);
  process.exit(1);
});
