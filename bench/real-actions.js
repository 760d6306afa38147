/**
 * Real actions under load (issue #17), each against the floor for the same work in the same run:
 *
 * 1. action_fetch_order on PostgreSQL: `actionbridge serve` (DATABASE_URL, own schema, demo data
 *    seeded) against bench/bare-order-server.js (node:http + pg, the same SQL). Both on core 0.
 * 2. action_fetch_order on the embedded store: `actionbridge serve` on a DATA_DIR against the
 *    bare server on PGlite, opened on a copy of that same data folder (made while ours is stopped).
 * 3. action_file_ticket with the outbox, always queued (DELIVERY_BUDGET_MS=0): bench/outbox.js's
 *    accept stage, against bench/bare-outbox-server.js (one INSERT + COMMIT per request).
 * 4. Processes: the order lookup on PostgreSQL served by WEB_CONCURRENCY=1 and =2, unpinned (two
 *    processes need both cores), with the load also unpinned.
 *
 * Load: bench/load.js (autocannon, keep-alive, one process per run, on core 1 where pinned),
 * BENCH_ORDER_EVENTS-event tracker (50), BENCH_ORDER_CONNECTIONS (10). Runs alternate between
 * the servers compared; every figure is the median of BENCH_RUNS (3) runs of BENCH_DURATION (5) s.
 * Writes the `actions` section of bench/RESULTS.md (bench/results-section.js).
 * Env also: DATABASE_URL, AMQP_URL (127.0.0.1 only), BENCH_OUT, BENCH_STAGES (order-pg,
 * order-embedded, ticket, processes).
 */
'use strict';
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');
const { spawnSync } = require('node:child_process');
const common = require('./common');
const stack = require('./outbox-stack');
const { orderCallBody, answeredOrder } = require('./order-body');
const { replaceSection } = require('./results-section');
const { actionsReport } = require('./real-actions-report');

const env = process.env;
const list = (v, d) => (v ? v.split(',').map(Number) : d);
const RUNS = Number(env.BENCH_RUNS || 3);
const DURATION = Number(env.BENCH_DURATION || 5);
const EVENTS = Number(env.BENCH_ORDER_EVENTS || 50);
const CONNECTIONS = list(env.BENCH_ORDER_CONNECTIONS, [10]);
const STAGES = (env.BENCH_STAGES || 'order-pg,order-embedded,ticket,processes').split(',');
const OUT = env.BENCH_OUT || path.join(__dirname, 'RESULTS.md');
const DATABASE_URL = common.loopbackUrl(env.DATABASE_URL, 'postgres://postgres@127.0.0.1:5432/test', 'DATABASE_URL');
const ROOT = path.resolve(__dirname, '..');
const LOAD = path.join(__dirname, 'load.js');
const START_TIMEOUT_MS = 120_000;
const TARGETS = { orderPg: 0.7, ticket: 0.5 };

const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'actionbridge-real-actions-'));
const cleanups = [];
async function cleanUp() {
  stack.killAll();
  while (cleanups.length) await cleanups.pop()().catch((err) => process.stderr.write(`cleanup: ${err.message}\n`));
  fs.rmSync(tmp, { recursive: true, force: true });
}

const post = (port, body, timeoutMs = 60_000) => common.request(port, 'POST', '/webhook', body, timeoutMs);

/** One call must come back as the order shown; the answer's text never reaches the terminal. */
async function expectOrder(name, port, body, timeoutMs) {
  const res = await post(port, body, timeoutMs);
  if (res.status !== 200 || !answeredOrder(res.text)) throw new Error(`${name} did not answer the order (status ${res.status}, ${res.text.length} bytes)`);
}

// Each connection its own conversation: Rasa never sends one conversation's calls in parallel.
const load = (port, bodyFile, connections, duration, core) =>
  stack.runJson(LOAD, { url: `http://127.0.0.1:${port}/webhook`, bodyFile, connections, duration, senderPerConnection: true }, core, (duration + 60) * 1000);

/** ActionBridge refusing a lookup answers 200 with a "too many attempts" message: counted apart. */
const THROTTLED = '"identity verification throttled"';

/**
 * Alternating runs of the servers at each connection count. `servers`: [{ name, port, proc }];
 * the first is the yardstick the others are divided by, run by run. `core`: the load's core.
 */
async function compare(servers, bodyFile, connectionsList, core = 1) {
  const cells = [];
  for (const c of connectionsList) {
    for (const s of servers) await load(s.port, bodyFile, c, 1, core);
    const runs = Object.fromEntries(servers.map((s) => [s.name, []]));
    for (let r = 0; r < RUNS; r++) {
      for (const s of r % 2 === 0 ? servers : [...servers].reverse()) {
        const pids = s.pids ? s.pids() : [s.proc.child.pid];
        const cpu0 = pids.map(common.cpuSeconds);
        const result = await load(s.port, bodyFile, c, DURATION, core);
        const cpu1 = pids.map(common.cpuSeconds);
        const cpu = cpu0.every((x) => x !== null) && cpu1.every((x) => x !== null) ? cpu1.reduce((a, x, i) => a + x - cpu0[i], 0) : null;
        result.cpuUsPerReq = cpu !== null && result.requests ? (cpu * 1e6) / result.requests : null;
        runs[s.name].push(result);
      }
    }
    const base = servers[0].name;
    const summary = (rs) => ({
      rps: common.median(rs.map((x) => x.rps)),
      p50: common.median(rs.map((x) => x.p50)),
      p99: common.median(rs.map((x) => x.p99)),
      cpuUsPerReq: common.median(rs.map((x) => x.cpuUsPerReq)),
      bad: rs.reduce((a, x) => a + x.non2xx + x.errors + x.timeouts, 0),
    });
    const cell = { connections: c, servers: {}, ratios: {}, runs };
    for (const s of servers) {
      cell.servers[s.name] = summary(runs[s.name]);
      if (s.name !== base) cell.ratios[s.name] = common.median(runs[s.name].map((o, i) => o.rps / runs[base][i].rps));
    }
    cells.push(cell);
    process.stdout.write(`  c=${c}: ${servers.map((s) => `${s.name} ${Math.round(cell.servers[s.name].rps)}/s`).join(', ')}; ${Object.entries(cell.ratios).map(([n, r]) => `${n}/${base} ${r.toFixed(2)}`).join(', ')}\n`);
  }
  return cells;
}

function writeBody(name, text) {
  const file = path.join(tmp, name);
  fs.writeFileSync(file, text);
  return file;
}

async function serve(label, extraEnv, core) {
  const proc = stack.startProcess(label, [process.execPath, path.join(ROOT, 'bin', 'actionbridge.js'), 'serve'], {
    env: { HOST: '127.0.0.1', PORT: '0', LOG_LEVEL: 'info', ...extraEnv },
    core,
    watch: ['"server process listening"', THROTTLED],
  });
  const line = await proc.waitFor(extraEnv.WEB_CONCURRENCY > 1 ? '"all server processes listening"' : '"ActionBridge listening"', START_TIMEOUT_MS);
  return { proc, port: line.port, pids: line.pids };
}

async function bareOrder(extraEnv) {
  const port = await common.freePort();
  const proc = stack.startProcess('bare order server', [process.execPath, path.join(__dirname, 'bare-order-server.js')], { env: { PORT: String(port), ...extraEnv }, core: 0 });
  await proc.waitFor('bare order server listening', START_TIMEOUT_MS);
  return { proc, port };
}

async function pgSchemaWithOrders() {
  const schema = await stack.createSchema(DATABASE_URL);
  cleanups.push(() => schema.drop());
  const seeded = spawnSync(process.execPath, [path.join(ROOT, 'scripts', 'seed.js')], { cwd: ROOT, env: { PATH: env.PATH, DATABASE_URL: schema.url }, encoding: 'utf8', timeout: 120_000 });
  if (seeded.status !== 0) throw new Error(`seeding the schema failed: ${seeded.stderr.slice(-500)}`);
  return schema;
}

/** Stage 1: the order lookup on PostgreSQL, ours against the bare node:http + pg server. */
async function orderOnPostgres(bodyFile, body) {
  process.stdout.write('order lookup on PostgreSQL\n');
  const schema = await pgSchemaWithOrders();
  const ours = await serve('actionbridge (PostgreSQL)', { DATABASE_URL: schema.url }, 0);
  const bare = await bareOrder({ DATABASE_URL: schema.url });
  // The same lookup with the quota statements ActionBridge ran before #17: what the change bought.
  const before = await bareOrder({ DATABASE_URL: schema.url, BARE_QUOTA_SQL: 'per-quota' });
  await expectOrder('ours', ours.port, body);
  await expectOrder('bare', bare.port, body);
  await expectOrder('bare (per-quota SQL)', before.port, body);
  const memStart = common.memoryOf(ours.proc.child.pid);
  const cells = await compare([{ name: 'bare', ...bare }, { name: 'ours', ...ours }, { name: 'bareBefore', ...before }], bodyFile, CONNECTIONS);
  const mem = common.memoryOf(ours.proc.child.pid);
  await expectOrder('ours after the runs', ours.port, body);
  await Promise.all([ours.proc.stop(), bare.proc.stop(), before.proc.stop()]);
  return { cells, memStart, mem, throttled: ours.proc.counts[THROTTLED] };
}

/** Stage 2: the order lookup on the embedded store, ours against the bare server on PGlite. */
async function orderEmbedded(bodyFile, body) {
  process.stdout.write('order lookup on the embedded store\n');
  const dataDir = path.join(tmp, 'ours-data');
  // First start: the store is created and seeded; the bare server gets a copy of the result.
  const first = await serve('actionbridge (embedded, first start)', { DATA_DIR: dataDir }, 0);
  // The embedded store's first lookup creates the database: minutes on a loaded machine.
  await expectOrder('ours (first start)', first.port, body, 600_000);
  await first.proc.stop();
  const bareDir = path.join(tmp, 'bare-pglite');
  fs.cpSync(path.join(dataDir, 'pglite'), bareDir, { recursive: true });
  const ours = await serve('actionbridge (embedded)', { DATA_DIR: dataDir }, 0);
  const bare = await bareOrder({ BARE_PGLITE_DIR: bareDir });
  await expectOrder('ours', ours.port, body);
  await expectOrder('bare', bare.port, body);
  const memStart = common.memoryOf(ours.proc.child.pid);
  const cells = await compare([{ name: 'bare', ...bare }, { name: 'ours', ...ours }], bodyFile, CONNECTIONS);
  const mem = common.memoryOf(ours.proc.child.pid);
  await expectOrder('ours after the runs', ours.port, body);
  await Promise.all([ours.proc.stop(), bare.proc.stop()]);
  return { cells, memStart, mem, throttled: ours.proc.counts[THROTTLED] };
}

/** Stage 3: action_file_ticket always queued, against one INSERT + COMMIT (bench/outbox.js). */
async function ticketOutbox() {
  process.stdout.write('action_file_ticket through the outbox (always queued)\n');
  const outbox = require('./outbox');
  cleanups.push(() => outbox.cleanUp());
  return outbox.acceptStage([10]);
}

/** Stage 4: one and two server processes on PostgreSQL, all unpinned. */
async function processes(bodyFile, body) {
  process.stdout.write('order lookup on PostgreSQL, 1 and 2 server processes (unpinned)\n');
  const schema = await pgSchemaWithOrders();
  const one = await serve('actionbridge ×1', { DATABASE_URL: schema.url, WEB_CONCURRENCY: '1' });
  const two = await serve('actionbridge ×2', { DATABASE_URL: schema.url, WEB_CONCURRENCY: '2' });
  await expectOrder('one process', one.port, body);
  await expectOrder('two processes', two.port, body);
  const cells = await compare(
    [
      { name: 'one', ...one },
      { name: 'two', ...two, pids: () => two.pids },
    ],
    bodyFile,
    CONNECTIONS,
    undefined,
  );
  const mem = { one: common.memoryOf(one.proc.child.pid), two: two.pids.map(common.memoryOf), primary: common.memoryOf(two.proc.child.pid) };
  await Promise.all([one.proc.stop(), two.proc.stop()]);
  return { cells, mem, throttled: one.proc.counts[THROTTLED] + two.proc.counts[THROTTLED] };
}

async function main() {
  const startedAt = new Date();
  const info = common.machine();
  const body = orderCallBody(EVENTS);
  const bodyFile = writeBody(`order-${EVENTS}.json`, body);
  process.stdout.write(`bench real actions: ${STAGES.join(', ')}; ${RUNS} runs × ${DURATION} s; ${EVENTS}-event tracker (${(Buffer.byteLength(body) / 1024).toFixed(1)} KiB); taskset ${common.hasTaskset ? 'on' : 'NOT available'}\n`);
  const results = {};
  if (STAGES.includes('order-pg')) results.orderPg = await orderOnPostgres(bodyFile, body);
  if (STAGES.includes('order-embedded')) results.orderEmbedded = await orderEmbedded(bodyFile, body);
  if (STAGES.includes('ticket')) results.ticket = await ticketOutbox();
  if (STAGES.includes('processes')) results.processes = await processes(bodyFile, body);
  const endedAt = new Date();
  info.loadavgEnd = os.loadavg().map((x) => x.toFixed(2)).join(' ');
  const raw = path.join(os.tmpdir(), `actionbridge-real-actions-${startedAt.getTime()}.json`);
  fs.writeFileSync(raw, JSON.stringify({ startedAt, endedAt, info, results }, null, 1));
  const section = actionsReport({ startedAt, endedAt, info, results, config: { RUNS, DURATION, EVENTS, CONNECTIONS, bodyKiB: Buffer.byteLength(body) / 1024, hasTaskset: common.hasTaskset, targets: TARGETS } });
  const previous = fs.existsSync(OUT) ? fs.readFileSync(OUT, 'utf8') : '';
  fs.writeFileSync(OUT, replaceSection(previous, 'actions', section));
  process.stdout.write(`wrote the actions section of ${path.relative(process.cwd(), OUT)} in ${Math.round((endedAt - startedAt) / 1000)} s (raw runs: ${raw})\n`);
}

for (const sig of ['SIGINT', 'SIGTERM']) process.once(sig, () => void cleanUp().finally(() => process.exit(130)));

main()
  .catch((err) => {
    process.stderr.write(`bench real actions failed: ${err.stack || err}\n`);
    process.exitCode = 1;
  })
  .finally(() => cleanUp());
