/**
 * `npm run bench:embedded`: what a newcomer meets. Starts `node bin/actionbridge.js serve` (what
 * `npm start` runs once built) on a fresh temporary DATA_DIR and a free 127.0.0.1 port, and times
 * from the spawn to: the first 200 of /health (liveness), the first 200 of /ready, and the first
 * answer of `action_fetch_order` over POST /webhook (the demo data is loaded on the first start).
 * Then 100 order lookups one after the other, and the process's RSS (VmRSS in /proc/<pid>/status).
 * The same again on the same folder (a later start). The time to /health is the cold start.
 * Then memory under load with the embedded store open: a server on the no-op action of
 * bench/actions, /ready 200 first, 1000-event bodies at 50 connections for EMBEDDED_LOAD_SECONDS
 * (default 5) through bench/load.js, and its RSS right after (as `npm run bench` reads it).
 *
 * Env: EMBEDDED_APP (the package folder to start, default this repository), EMBEDDED_RUNS (default 3), EMBEDDED_LOOKUPS (default 100), EMBEDDED_JSON=1 prints one JSON
 * line instead of the table, EMBEDDED_WRITE=1 also writes the section `embedded` of
 * bench/RESULTS.md (bench/results-section.js). Every child is killed when this script ends; each
 * start is bounded (60 s), every folder it made is removed.
 */
'use strict';
const { spawn, execFileSync } = require('node:child_process');
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');
const { performance } = require('node:perf_hooks');
const { replaceSection } = require('./results-section');
const { freePort, loopbackUrl, request } = require('./common');

const root = path.resolve(__dirname, '..');
/** The built package to start (EMBEDDED_APP: a copy of it, so a rebuild of dist/ during a run cannot break it). */
const app = path.resolve(process.env.EMBEDDED_APP || root);
const RUNS = Number(process.env.EMBEDDED_RUNS || 3);
const LOOKUPS = Number(process.env.EMBEDDED_LOOKUPS || 100);
const START_LIMIT_MS = 60_000;
const ORDER = { order_id: 'ORD-48213', order_email: 'ada@example.com' };
const LOAD_SECONDS = Number(process.env.EMBEDDED_LOAD_SECONDS || 5);

const children = new Set();
process.once('exit', () => {
  for (const c of children) c.kill('SIGKILL');
});
for (const sig of ['SIGINT', 'SIGTERM']) {
  process.once(sig, () => process.exit(130));
}

/** SIGTERM, then SIGKILL after 15 s; resolves once the child has exited. */
async function stop(child, exited) {
  child.kill('SIGTERM');
  const killer = setTimeout(() => child.kill('SIGKILL'), 15_000);
  await exited;
  clearTimeout(killer);
  children.delete(child);
}

/** A Rasa call of action_fetch_order for a demo order, by its owner's email. */
function orderBody(i) {
  const sender = `bench-${i}`;
  const tracker = {
    sender_id: sender,
    slots: { ...ORDER },
    latest_message: { text: 'where is my order?', intent: { name: 'order_status', confidence: 1 }, entities: [] },
    events: [],
    paused: false,
    followup_action: null,
    active_loop: {},
    latest_action_name: 'action_listen',
  };
  return JSON.stringify({ next_action: 'action_fetch_order', sender_id: sender, tracker, version: '3.16.0', domain: { actions: ['action_fetch_order'] } });
}

/** Whether an answer is the order's description (its status slot set), not an apology. */
function answered(res) {
  if (res.status !== 200) return false;
  const events = JSON.parse(res.text).events || [];
  return events.some((e) => e.event === 'slot' && e.name === 'order_verified' && e.value === true);
}

function rssMb(pid) {
  const status = fs.readFileSync(`/proc/${pid}/status`, 'utf8');
  return Number(/^VmRSS:\s+(\d+)/m.exec(status)[1]) / 1024;
}

/** Polls until `probe` resolves true; the time since `t0`, in ms. */
async function until(child, t0, what, probe) {
  for (;;) {
    if (child.exitCode !== null) throw new Error(`the server exited (${child.exitCode}) before ${what}`);
    if (performance.now() - t0 > START_LIMIT_MS) throw new Error(`no ${what} within ${START_LIMIT_MS} ms`);
    const ok = await probe().catch(() => false);
    if (ok) return performance.now() - t0;
    await new Promise((r) => setTimeout(r, 10));
  }
}

function serverEnv(port, dataDir, extra = {}) {
  const env = { ...process.env, PORT: String(port), HOST: '127.0.0.1', DATA_DIR: dataDir, LOG_LEVEL: 'warn', NODE_ENV: 'production' };
  for (const k of ['DATABASE_URL', 'AMQP_URL', 'REDIS_URL', 'CI']) delete env[k];
  return { ...env, ...extra };
}

/**
 * The same memory run with the store on PostgreSQL (DATABASE_URL, 127.0.0.1 only; a schema of its
 * own, dropped afterwards): the server without PGlite in its process, for comparison.
 */
async function underLoadOnPostgres(dataDir, databaseUrl) {
  const { Client } = require('pg');
  const schema = `bench_mem_${process.pid}_${Date.now()}`;
  const admin = new Client({ connectionString: databaseUrl });
  await admin.connect();
  try {
    await admin.query(`CREATE SCHEMA ${schema}`);
    const url = new (require('node:url').URL)(databaseUrl);
    url.searchParams.set('options', `-csearch_path=${schema}`);
    return await underLoad(dataDir, { DATABASE_URL: url.toString() });
  } finally {
    await admin.query(`DROP SCHEMA IF EXISTS ${schema} CASCADE`).catch(() => undefined);
    await admin.end();
  }
}

/** RSS after 1000-event calls at 50 connections, the embedded store open (the /webhook bench's memory figure). */
async function underLoad(dataDir, extraEnv = {}) {
  const port = await freePort();
  const bodyFile = path.join(dataDir, 'body-1000.json');
  fs.mkdirSync(dataDir, { recursive: true });
  fs.writeFileSync(bodyFile, require('./generate').makeBody(1000));
  const child = spawn(process.execPath, [path.join(app, 'bin', 'actionbridge.js'), 'serve'], { cwd: app, env: serverEnv(port, dataDir, { ACTIONS_DIR: path.join(app, 'bench', 'actions'), ...extraEnv }), stdio: ['ignore', 'ignore', 'inherit'] });
  children.add(child);
  const exited = new Promise((r) => child.once('exit', r));
  try {
    const t0 = performance.now();
    await until(child, t0, '/ready', async () => (await request(port, 'GET', '/ready')).status === 200);
    const rssReadyMb = rssMb(child.pid);
    const load = spawn(process.execPath, [path.join(__dirname, 'load.js'), JSON.stringify({ url: `http://127.0.0.1:${port}/webhook`, bodyFile, connections: 50, duration: LOAD_SECONDS })], { stdio: ['ignore', 'pipe', 'inherit'] });
    children.add(load);
    let out = '';
    load.stdout.on('data', (d) => (out += d));
    const killer = setTimeout(() => load.kill('SIGKILL'), (LOAD_SECONDS + 60) * 1000);
    const code = await new Promise((r) => load.once('exit', r));
    clearTimeout(killer);
    children.delete(load);
    if (code !== 0) throw new Error(`the load run exited with ${code}`);
    const result = JSON.parse(out.trim().split('\n').pop());
    return { rssReadyMb, rssMb: rssMb(child.pid), requests: result.requests ?? result.total ?? null };
  } finally {
    await stop(child, exited);
  }
}

/** One start of the server on `dataDir`: /health, the first order answer, /ready, the lookups. */
async function oneStart(dataDir) {
  const port = await freePort();
  const env = serverEnv(port, dataDir);
  const t0 = performance.now();
  const child = spawn(process.execPath, [path.join(app, 'bin', 'actionbridge.js'), 'serve'], { cwd: app, env, stdio: ['ignore', 'ignore', 'pipe'] });
  children.add(child);
  let stderr = '';
  child.stderr.on('data', (d) => (stderr = (stderr + d).slice(-2000)));
  const exited = new Promise((r) => child.once('exit', r));
  try {
    const out = {};
    out.healthMs = await until(child, t0, '/health', async () => (await request(port, 'GET', '/health')).status === 200);
    out.firstOrderMs = await until(child, t0, 'an order answer', async () => answered(await request(port, 'POST', '/webhook', orderBody(0))));
    out.readyMs = await until(child, t0, '/ready', async () => (await request(port, 'GET', '/ready')).status === 200);
    out.rssFirstMb = rssMb(child.pid);
    for (let i = 1; i <= LOOKUPS; i++) {
      if (!answered(await request(port, 'POST', '/webhook', orderBody(i)))) throw new Error(`lookup ${i} did not answer with the order`);
    }
    out.rssMb = rssMb(child.pid);
    return out;
  } catch (err) {
    throw new Error(`${err.message}\n${stderr}`);
  } finally {
    await stop(child, exited);
  }
}

const median = (xs) => {
  const s = xs.filter((x) => Number.isFinite(x)).sort((a, b) => a - b);
  if (!s.length) return null;
  const m = s.length >> 1;
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
};

function machine() {
  const cpus = os.cpus();
  return {
    cpu: `${cpus[0]?.model ?? 'unknown'} × ${cpus.length}`,
    memory: `${Math.round(os.totalmem() / 1024 ** 3)} GiB`,
    kernel: `${os.type()} ${os.release()}`,
    node: process.version,
    pglite: JSON.parse(fs.readFileSync(path.join(root, 'node_modules/@electric-sql/pglite/package.json'), 'utf8')).version,
  };
}

async function main() {
  const info = machine();
  const loadBefore = os.loadavg()[0];
  const rows = { fresh: [], later: [], load: [], loadPg: [] };
  const pgUrl = process.env.DATABASE_URL ? loopbackUrl(process.env.DATABASE_URL, '', 'DATABASE_URL') : null;
  for (let run = 0; run < RUNS; run++) {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'actionbridge-embedded-'));
    try {
      rows.fresh.push(await oneStart(dir));
      rows.later.push(await oneStart(dir));
      rows.load.push(await underLoad(path.join(dir, 'load')));
      if (pgUrl) rows.loadPg.push(await underLoadOnPostgres(path.join(dir, 'load-pg'), pgUrl));
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  }
  const m = (list, key) => median(list.map((r) => r[key]));
  const summary = {
    at: new Date().toISOString(),
    commit: (() => {
      try {
        return execFileSync('git', ['rev-parse', '--short', 'HEAD'], { cwd: root, encoding: 'utf8' }).trim();
      } catch {
        return 'unknown';
      }
    })(),
    machine: info,
    loadavg: [loadBefore, os.loadavg()[0]].map((x) => x.toFixed(1)).join(' → '),
    runs: RUNS,
    lookups: LOOKUPS,
    fresh: { healthMs: m(rows.fresh, 'healthMs'), firstOrderMs: m(rows.fresh, 'firstOrderMs'), readyMs: m(rows.fresh, 'readyMs'), rssFirstMb: m(rows.fresh, 'rssFirstMb'), rssMb: m(rows.fresh, 'rssMb') },
    later: { healthMs: m(rows.later, 'healthMs'), firstOrderMs: m(rows.later, 'firstOrderMs'), readyMs: m(rows.later, 'readyMs'), rssFirstMb: m(rows.later, 'rssFirstMb'), rssMb: m(rows.later, 'rssMb') },
    load: { rssReadyMb: m(rows.load, 'rssReadyMb'), rssMb: m(rows.load, 'rssMb') },
    loadPg: rows.loadPg.length ? { rssReadyMb: m(rows.loadPg, 'rssReadyMb'), rssMb: m(rows.loadPg, 'rssMb') } : null,
    samples: rows,
  };
  if (process.env.EMBEDDED_JSON === '1') {
    process.stdout.write(`${JSON.stringify(summary)}\n`);
  } else {
    process.stdout.write(table(summary));
  }
  if (process.env.EMBEDDED_WRITE === '1') {
    const file = path.join(__dirname, 'RESULTS.md');
    const previous = fs.existsSync(file) ? fs.readFileSync(file, 'utf8') : '';
    fs.writeFileSync(file, replaceSection(previous, 'embedded', section(summary)));
  }
}

const s = (ms) => (ms === null || ms === undefined ? 'n/a' : `${(ms / 1000).toFixed(2)} s`);
const mb = (x) => (x === null || x === undefined ? 'n/a' : `${Math.round(x)} MB`);

function table(r) {
  return [
    `embedded store start (${r.runs} runs, medians; ${r.lookups} lookups; load average ${r.loadavg})`,
    `  fresh DATA_DIR : /health ${s(r.fresh.healthMs)}  first order ${s(r.fresh.firstOrderMs)}  /ready ${s(r.fresh.readyMs)}  RSS ${mb(r.fresh.rssFirstMb)} → ${mb(r.fresh.rssMb)} after lookups`,
    `  later start    : /health ${s(r.later.healthMs)}  first order ${s(r.later.firstOrderMs)}  /ready ${s(r.later.readyMs)}  RSS ${mb(r.later.rssFirstMb)} → ${mb(r.later.rssMb)} after lookups`,
    `  under load     : 1000-event bodies, 50 connections, ${LOAD_SECONDS} s: RSS ${mb(r.load.rssReadyMb)} at /ready → ${mb(r.load.rssMb)} after`,
    ...(r.loadPg ? [`  same, PostgreSQL store: RSS ${mb(r.loadPg.rssReadyMb)} at /ready → ${mb(r.loadPg.rssMb)} after`] : []),
    '',
  ].join('\n');
}

function section(r) {
  const m = r.machine;
  return [
    '## Embedded store: start-up, first order, memory (`npm run bench:embedded`)',
    '',
    `Run ${r.at} at ${r.commit}; ${m.cpu}, ${m.memory}, ${m.kernel}, Node ${m.node}, PGlite ${m.pglite}; load average ${r.loadavg} (shared machine).`,
    `Medians of ${r.runs} runs; times from spawning \`node bin/actionbridge.js serve\` (what \`npm start\` runs once built).`,
    '',
    '| start | /health | first `action_fetch_order` answer | /ready 200 | RSS after 1st | RSS after ' + r.lookups + ' lookups |',
    '|---|---|---|---|---|---|',
    `| fresh DATA_DIR | ${s(r.fresh.healthMs)} | ${s(r.fresh.firstOrderMs)} | ${s(r.fresh.readyMs)} | ${mb(r.fresh.rssFirstMb)} | ${mb(r.fresh.rssMb)} |`,
    `| same DATA_DIR again | ${s(r.later.healthMs)} | ${s(r.later.firstOrderMs)} | ${s(r.later.readyMs)} | ${mb(r.later.rssFirstMb)} | ${mb(r.later.rssMb)} |`,
    '',
    `Memory under load, store open: 1000-event bodies at 50 connections for ${LOAD_SECONDS} s (no-op action of bench/actions, fresh DATA_DIR): RSS ${mb(r.load.rssReadyMb)} at /ready, ${mb(r.load.rssMb)} right after the run.` +
      (r.loadPg ? ` The same run with the store on PostgreSQL (DATABASE_URL; PGlite not in the process): ${mb(r.loadPg.rssReadyMb)} at /ready, ${mb(r.loadPg.rssMb)} after. Target < 150 MB: ${r.loadPg.rssMb < 150 ? 'met' : 'missed'} on PostgreSQL, ${r.load.rssMb < 150 ? 'met' : 'missed'} with PGlite open (its ~90 MB at rest: bench/analysis.md, "Memory under load with the store open: the floor").` : ''),
    '',
    `Reproduce: \`${r.loadPg ? 'DATABASE_URL=postgres://postgres@127.0.0.1:5432/test ' : ''}npm run bench:embedded\` (EMBEDDED_RUNS=${r.runs}; EMBEDDED_WRITE=1 rewrites this section; with DATABASE_URL the memory run is repeated on PostgreSQL).`,
  ].join('\n');
}

main().catch((err) => {
  process.stderr.write(`${err.stack || err}\n`);
  process.exit(1);
});
