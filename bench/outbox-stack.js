/**
 * What bench/outbox.js runs on: its own PostgreSQL schema and RabbitMQ queue (created, then
 * dropped and deleted), and the `actionbridge` processes, each spawned, watched through its JSON
 * log lines, and stopped. Everything stays on 127.0.0.1: a URL naming another host is refused.
 */
'use strict';
const { spawn } = require('node:child_process');
const { randomBytes } = require('node:crypto');
const path = require('node:path');
const { setTimeout: sleep } = require('node:timers/promises');
const { Client } = require('pg');
const amqp = require('amqplib');

const { loopbackUrl, hasTaskset, pinned, cpuSeconds, machineJiffies } = require('./common');

const root = path.resolve(__dirname, '..');
const BIN = path.join(root, 'bin', 'actionbridge.js');

const children = new Set();

/**
 * Starts a process (pinned to `core` when taskset exists and a core is given); stdout is scanned
 * line by line for `watch` substrings and JSON log lines, and kept only as counts.
 */
function startProcess(label, argv, { env, core, watch = [] }) {
  const [cmd, args] = pinned(core, argv);
  const child = spawn(cmd, args, { cwd: root, env: { PATH: process.env.PATH || '', ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
  children.add(child);
  const counts = Object.fromEntries(watch.map((w) => [w, 0]));
  const waiters = [];
  let pending = '';
  let stderr = '';
  const exited = new Promise((resolve) => child.once('exit', (code, signal) => resolve(code ?? signal)));
  void exited.then(() => children.delete(child));
  child.stdout.setEncoding('utf8');
  child.stdout.on('data', (chunk) => {
    const lines = (pending + chunk).split('\n');
    pending = lines.pop();
    for (const line of lines) {
      for (const w of watch) if (line.includes(w)) counts[w]++;
      for (const waiter of waiters.splice(0)) {
        if (line.includes(waiter.text)) waiter.resolve(parseLine(line));
        else waiters.push(waiter);
      }
    }
  });
  child.stderr.setEncoding('utf8');
  child.stderr.on('data', (d) => (stderr = (stderr + d).slice(-4000)));
  return {
    label,
    child,
    counts,
    exited,
    /** Resolves with the first stdout line containing `text` (parsed when JSON). */
    waitFor(text, timeoutMs) {
      return new Promise((resolve, reject) => {
        const timer = setTimeout(() => reject(new Error(`${label}: no '${text}' within ${timeoutMs} ms`)), timeoutMs);
        waiters.push({ text, resolve: (v) => (clearTimeout(timer), resolve(v)) });
        void exited.then((code) => {
          clearTimeout(timer);
          reject(new Error(`${label} exited (${code}) before '${text}'; its stderr ends with:\n${stderr.slice(-1500)}`));
        });
      });
    },
    /** SIGTERM, then SIGKILL if it has not ended within `graceMs`. */
    async stop(graceMs = 15_000) {
      if (child.exitCode !== null || child.signalCode !== null) return exited;
      child.kill('SIGTERM');
      const killer = setTimeout(() => child.kill('SIGKILL'), graceMs);
      const code = await exited;
      clearTimeout(killer);
      return code;
    },
  };
}

function parseLine(line) {
  try {
    return JSON.parse(line);
  } catch {
    return {};
  }
}

function killAll() {
  for (const c of children) c.kill('SIGKILL');
}

function actionbridge(command, env, opts = {}) {
  return startProcess(`actionbridge ${command}`, [process.execPath, BIN, command], { env, ...opts });
}

/** Runs one node script to completion on `core` and returns its last stdout line as JSON. */
function runJson(script, arg, core, timeoutMs) {
  const p = startProcess(path.basename(script), [process.execPath, script, JSON.stringify(arg)], { env: {}, core });
  let out = '';
  p.child.stdout.on('data', (d) => (out += d));
  const killer = setTimeout(() => p.child.kill('SIGKILL'), timeoutMs);
  return p.exited.then((code) => {
    clearTimeout(killer);
    if (code !== 0) throw new Error(`${path.basename(script)} ended with ${code}`);
    return JSON.parse(out.trim().split('\n').pop());
  });
}

/** A fresh schema: `url` puts connections in it; `drop()` removes it with everything in it. */
async function createSchema(databaseUrl) {
  const name = `bench_outbox_${randomBytes(5).toString('hex')}`;
  const admin = new Client({ connectionString: databaseUrl });
  await admin.connect();
  await admin.query(`CREATE SCHEMA ${name}`);
  await admin.query(`SET search_path TO ${name}`);
  const url = new (require('node:url').URL)(databaseUrl);
  url.searchParams.set('options', `-c search_path=${name}`);
  return {
    name,
    url: url.toString(),
    query: (sql, params) => admin.query(sql, params),
    /**
     * Rows inserted and updated per table of this schema so far (PostgreSQL's statistics: a
     * backend reports them when it ends or goes idle, so read this once the processes stopped).
     */
    async rowWrites() {
      const { rows } = await admin.query('SELECT relname, n_tup_ins::int AS ins, n_tup_upd::int AS upd FROM pg_stat_user_tables WHERE schemaname = $1', [name]);
      return Object.fromEntries(rows.filter((r) => r.ins + r.upd > 0).map((r) => [r.relname, { ins: r.ins, upd: r.upd }]));
    },
    async drop() {
      try {
        await admin.query(`DROP SCHEMA IF EXISTS ${name} CASCADE`);
      } finally {
        await admin.end();
      }
    },
  };
}

function uniqueQueue() {
  return `actionbridge.bench.${randomBytes(5).toString('hex')}`;
}

/** Messages waiting in `queue` (null when it does not exist yet). */
async function queueDepth(amqpUrl, queue) {
  const conn = await amqp.connect(amqpUrl);
  conn.on('error', () => undefined);
  try {
    const ch = await conn.createChannel();
    ch.on('error', () => undefined);
    const { messageCount } = await ch.checkQueue(queue);
    await ch.close();
    return messageCount;
  } catch {
    return null;
  } finally {
    await conn.close().catch(() => undefined);
  }
}

/** The queue and its dead-letter queue gone. */
async function deleteQueues(amqpUrl, queue) {
  const conn = await amqp.connect(amqpUrl);
  try {
    const ch = await conn.createChannel();
    await ch.deleteQueue(queue);
    await ch.deleteQueue(`${queue}.dead`);
    await ch.close();
  } finally {
    await conn.close();
  }
}

/** Polls `check` every `everyMs` until it returns a truthy value; fails after `timeoutMs`. */
async function until(what, check, timeoutMs, everyMs = 100) {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await check();
    if (value) return value;
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await sleep(everyMs);
  }
}

module.exports = { loopbackUrl, hasTaskset, cpuSeconds, machineJiffies, actionbridge, startProcess, runJson, killAll, createSchema, uniqueQueue, queueDepth, deleteQueues, until };
