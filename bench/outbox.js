/**
 * `npm run bench:outbox`: outbox throughput on PostgreSQL + RabbitMQ (issue #14).
 *
 * 1. Accepted tickets/s: action_file_ticket calls POSTed to one `actionbridge serve` with
 *    DELIVERY_BUDGET_MS=0 (every ticket is queued, none tried in the call), side by side in the
 *    same run with bench/bare-outbox-server.js (node:http + pg, one INSERT per request: the floor).
 *    Both servers on core 0, the load (bench/outbox-load.js) on core 1, runs alternating.
 * 2. Drained tickets/s: N tickets accepted by a server and published to RabbitMQ, the server
 *    stopped, then 2 `actionbridge worker` processes started against bench/fake-jira.js, which
 *    answers every call after 50 ms; timed from their spawn to the last job done.
 *
 * Each run has its own schema and queue, dropped and deleted afterwards; processes are stopped
 * whatever happens. Writes its section of bench/RESULTS.md (bench/results-section.js).
 * Env: BENCH_RUNS (3), BENCH_DURATION s (5), BENCH_CONNECTIONS (10,50), BENCH_DRAIN_JOBS (2000),
 * BENCH_VENDOR_LATENCY_MS (50), BENCH_PREFETCH (8), DATABASE_URL, AMQP_URL, BENCH_OUT.
 */
'use strict';
const fs = require('node:fs');
const path = require('node:path');
const { setTimeout: sleep } = require('node:timers/promises');
const { startFakeJira } = require('./fake-jira');
const { ticketCallBody } = require('./outbox-body');
const { replaceSection } = require('./results-section');
const { outboxReport } = require('./outbox-report');
const stack = require('./outbox-stack');

const env = process.env;
const list = (v, d) => (v ? v.split(',').map(Number) : d);
const RUNS = Number(env.BENCH_RUNS || 3);
const DURATION = Number(env.BENCH_DURATION || 5);
const CONNECTIONS = list(env.BENCH_CONNECTIONS, [10, 50]);
const DRAIN_JOBS = Number(env.BENCH_DRAIN_JOBS || 2000);
const LATENCY_MS = Number(env.BENCH_VENDOR_LATENCY_MS || 50);
const PREFETCH = Number(env.BENCH_PREFETCH || 8);
const WORKERS = 2;
const OUT = env.BENCH_OUT || path.join(__dirname, 'RESULTS.md');
const DATABASE_URL = stack.loopbackUrl(env.DATABASE_URL, 'postgres://postgres@127.0.0.1:5432/test', 'DATABASE_URL');
const AMQP_URL = stack.loopbackUrl(env.AMQP_URL, 'amqp://guest:guest@127.0.0.1:5672', 'AMQP_URL');
const JIRA_AUTH = { email: 'bench@example.com', apiToken: 'bench-jira-token' };
const LOAD = path.join(__dirname, 'outbox-load.js');
/** Every wait is bounded: a stuck process fails the bench instead of keeping it running. */
const START_TIMEOUT_MS = 30_000;
/** PostgreSQL's statistics reach the views up to a second after the backends wrote them. */
const STATS_FLUSH_MS = 1_500;

const median = (xs) => {
  const s = xs.filter((x) => x !== null && Number.isFinite(x)).sort((a, b) => a - b);
  if (!s.length) return null;
  const m = Math.floor(s.length / 2);
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
};

/** Cleanups of what is still open, run in reverse on the way out (also on Ctrl-C). */
const cleanups = [];
async function cleanUp() {
  stack.killAll();
  while (cleanups.length) await cleanups.pop()().catch((err) => process.stderr.write(`cleanup: ${err.message}\n`));
}
function opened(fn) {
  cleanups.push(fn);
  return () => {
    const i = cleanups.indexOf(fn);
    if (i >= 0) cleanups.splice(i, 1);
    return fn();
  };
}

/** A schema, a queue and a fake Jira for one stage; `close()` removes all three. */
async function stage() {
  const schema = await stack.createSchema(DATABASE_URL);
  const queue = stack.uniqueQueue();
  const jira = await startFakeJira({ ...JIRA_AUTH, latencyMs: LATENCY_MS });
  const close = opened(async () => {
    await jira.close();
    await schema.drop();
    await stack.deleteQueues(AMQP_URL, queue);
  });
  const processEnv = (extra = {}) => ({
    DATABASE_URL: schema.url,
    AMQP_URL,
    AMQP_QUEUE: queue,
    AMQP_PREFETCH: String(PREFETCH),
    TICKETING_PROVIDER: 'jira',
    JIRA_HOST: jira.url,
    JIRA_EMAIL: JIRA_AUTH.email,
    JIRA_API_TOKEN: JIRA_AUTH.apiToken,
    JIRA_PROJECT_KEY: 'SUP',
    // Always queue: the call only writes the job; workers file the ticket.
    DELIVERY_BUDGET_MS: '0',
    HOST: '127.0.0.1',
    PORT: '0',
    LOG_LEVEL: 'info',
    ...extra,
  });
  return { schema, queue, jira, processEnv, close };
}

async function startServer(s, extra) {
  const server = stack.actionbridge('serve', s.processEnv(extra), { core: 0 });
  const line = await server.waitFor('"ActionBridge listening"', START_TIMEOUT_MS);
  return { server, port: line.port };
}

const load = (arg, timeoutMs) => stack.runJson(LOAD, arg, 1, timeoutMs);

/** Rows inserted and updated per ticket, per table, between two rowWrites() readings. */
function perTicket(after, before, tickets) {
  const out = {};
  for (const [table, w] of Object.entries(after)) {
    const ins = (w.ins - (before[table]?.ins ?? 0)) / tickets;
    const upd = (w.upd - (before[table]?.upd ?? 0)) / tickets;
    if (ins + upd > 0) out[table] = { ins, upd };
  }
  return out;
}

async function statusCounts(schema) {
  const { rows } = await schema.query('SELECT status, count(*)::int AS n FROM outbox_jobs GROUP BY status');
  return Object.fromEntries(rows.map((r) => [r.status, r.n]));
}

/** Stage 1: accepted tickets/s, ours against the one-INSERT floor, runs alternating (also run by bench/real-actions.js). */
async function acceptStage(connectionsList = CONNECTIONS) {
  const s = await stage();
  const { server: ours, port: oursPort } = await startServer(s);
  // Same columns, defaults and indexes as the outbox, but out of the relay's sight.
  await s.schema.query('CREATE TABLE bare_jobs (LIKE outbox_jobs INCLUDING ALL)');
  const commitMs = await commitLatency(s.schema);
  const barePort = await freePort();
  const bare = stack.startProcess('bare outbox server', [process.execPath, path.join(__dirname, 'bare-outbox-server.js')], { env: { PORT: String(barePort), DATABASE_URL: s.schema.url }, core: 0 });
  await bare.waitFor('bare outbox server listening', START_TIMEOUT_MS);
  const servers = [
    { name: 'bare', port: barePort, proc: bare, expect: 'any200' },
    { name: 'ours', port: oursPort, proc: ours, expect: 'queued' },
  ];
  const accepted = { bare: 0, ours: 0 };
  let tag = 0;
  const once = async (srv, connections, duration) => {
    const cpu0 = stack.cpuSeconds(srv.proc.child.pid);
    const r = await load({ port: srv.port, tag: `a${tag++}`, connections, duration, expect: srv.expect }, (duration + 60) * 1000);
    const cpu1 = stack.cpuSeconds(srv.proc.child.pid);
    accepted[srv.name] += r.ok;
    r.cpuUsPerReq = cpu0 !== null && cpu1 !== null && r.ok ? ((cpu1 - cpu0) * 1e6) / r.ok : null;
    return r;
  };
  for (const srv of servers) await once(srv, 10, 1);
  const cells = [];
  for (const c of connectionsList) {
    const runs = { bare: [], ours: [] };
    for (let r = 0; r < RUNS; r++) {
      for (const srv of r % 2 === 0 ? servers : [...servers].reverse()) {
        const result = await once(srv, c, DURATION);
        if (srv.name === 'ours') result.statuses = await statusCounts(s.schema);
        runs[srv.name].push(result);
      }
    }
    const summary = (rs) => ({
      rps: median(rs.map((x) => x.rps)),
      p50: median(rs.map((x) => x.p50)),
      p99: median(rs.map((x) => x.p99)),
      cpuUsPerReq: median(rs.map((x) => x.cpuUsPerReq)),
      failed: rs.reduce((a, x) => a + (x.sent - x.ok), 0),
    });
    const cell = { connections: c, bare: summary(runs.bare), ours: summary(runs.ours), ratio: median(runs.ours.map((o, i) => o.rps / runs.bare[i].rps)), runs };
    cells.push(cell);
    process.stdout.write(`accepted c=${c}: bare ${Math.round(cell.bare.rps)}/s, ours ${Math.round(cell.ours.rps)}/s, ours/bare ${cell.ratio.toFixed(2)}${cell.bare.failed + cell.ours.failed ? ` (!) ${cell.bare.failed}/${cell.ours.failed} not accepted` : ''}\n`);
  }
  await Promise.all([ours.stop(), bare.stop()]);
  await sleep(STATS_FLUSH_MS);
  const writes = await s.schema.rowWrites();
  // Every answer that said "queued" must have its row, and no more rows than answers.
  const rows = {
    ours: Number((await s.schema.query('SELECT count(*)::int AS n FROM outbox_jobs')).rows[0].n),
    bare: Number((await s.schema.query('SELECT count(*)::int AS n FROM bare_jobs')).rows[0].n),
  };
  const pg = (await s.schema.query("SELECT current_setting('server_version') AS v, current_setting('synchronous_commit') AS sc, current_setting('fsync') AS fsync")).rows[0];
  await s.close();
  const bodyKiB = Buffer.byteLength(ticketCallBody('a0', 0)) / 1024;
  // bare_jobs is the floor's; schema_migrations is written once, at start-up.
  const ourWrites = Object.fromEntries(Object.entries(writes).filter(([table]) => table !== 'bare_jobs' && table !== 'schema_migrations'));
  return { cells, accepted, rows, pg, bodyKiB, commitMs, writesPerTicket: perTicket(ourWrites, {}, accepted.ours) };
}

/** Median time of one small autocommitted INSERT, one after another: this machine's commit (WAL flush). */
async function commitLatency(schema) {
  await schema.query('CREATE TABLE commit_probe (id integer)');
  const times = [];
  for (let i = 0; i < 200; i++) {
    const t = process.hrtime.bigint();
    await schema.query('INSERT INTO commit_probe VALUES ($1)', [i]);
    times.push(Number(process.hrtime.bigint() - t) / 1e6);
  }
  await schema.query('DROP TABLE commit_probe');
  return median(times);
}

function freePort() {
  const net = require('node:net');
  return new Promise((resolve, reject) => {
    const srv = net.createServer();
    srv.once('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const { port } = srv.address();
      srv.close(() => resolve(port));
    });
  });
}

/** Stage 2, one run: N tickets queued in RabbitMQ, then 2 workers drain them against the slow fake. */
async function drainRun(run) {
  const s = await stage();
  const { server, port } = await startServer(s, { OUTBOX_POLL_MS: '50' });
  const filled = await load({ port, tag: `d${run}`, connections: 10, count: DRAIN_JOBS, expect: 'queued' }, 300_000);
  if (filled.ok !== DRAIN_JOBS) throw new Error(`only ${filled.ok} of ${DRAIN_JOBS} tickets were accepted`);
  await stack.until('every job published to RabbitMQ', async () => (await statusCounts(s.schema)).queued === DRAIN_JOBS, 120_000);
  await server.stop();
  const inQueue = await stack.until('the broker to count the messages', () => stack.queueDepth(AMQP_URL, s.queue).then((n) => (n === DRAIN_JOBS ? n : null)), 30_000);

  await sleep(STATS_FLUSH_MS);
  const writesBefore = await s.schema.rowWrites();
  const t0 = Date.now();
  const workers = Array.from({ length: WORKERS }, () => stack.actionbridge('worker', s.processEnv(), { watch: ['"job delivered"'] }));
  // CPU is counted from each worker's readiness: start-up (loading modules) is not per ticket.
  const readyCpu = [];
  const ready = await Promise.all(
    workers.map((w, i) =>
      w.waitFor('"ActionBridge worker ready"', START_TIMEOUT_MS).then(() => {
        readyCpu[i] = stack.cpuSeconds(w.child.pid);
        return Date.now() - t0;
      }),
    ),
  );
  const cpu0 = stack.machineJiffies();
  const bound = Math.max(120_000, ((DRAIN_JOBS / ((WORKERS * PREFETCH * 1000) / LATENCY_MS)) * 20 + 30) * 1000);
  const final = await stack.until(
    'every job done',
    async () => {
      const counts = await statusCounts(s.schema);
      if (counts.dead) throw new Error(`${counts.dead} jobs were dead-lettered`);
      return counts.done === DRAIN_JOBS ? counts : null;
    },
    bound,
    100,
  );
  const cpu1 = stack.machineJiffies();
  const workerCpu = workers.map((w, i) => {
    const now = stack.cpuSeconds(w.child.pid);
    return now === null || readyCpu[i] === null ? null : now - readyCpu[i];
  });
  const { rows } = await s.schema.query(
    `SELECT extract(epoch FROM max(completed_at)) * 1000 AS last,
            extract(epoch FROM percentile_disc(0.1) WITHIN GROUP (ORDER BY completed_at)) * 1000 AS p10,
            extract(epoch FROM percentile_disc(0.9) WITHIN GROUP (ORDER BY completed_at)) * 1000 AS p90,
            max(attempts) AS max_attempts,
            percentile_cont(0.5) WITHIN GROUP (ORDER BY extract(epoch FROM completed_at - create_attempted_at) * 1000) AS create_to_done_ms
       FROM outbox_jobs`,
  );
  const t = rows[0];
  const wallMs = Number(t.last) - t0;
  const delivered = workers.map((w) => w.counts['"job delivered"']);
  await Promise.all(workers.map((w) => w.stop()));
  await sleep(STATS_FLUSH_MS);
  const writesAfter = await s.schema.rowWrites();
  const labels = new Set();
  for (const issue of s.jira.issues.values()) for (const l of issue.fields.labels) if (/^ab-(?!conversation-|customer-)/.test(l)) labels.add(l);
  const result = {
    jobs: DRAIN_JOBS,
    inQueue,
    readyMs: ready,
    wallMs,
    rate: (DRAIN_JOBS * 1000) / wallMs,
    steadyRate: (0.8 * DRAIN_JOBS * 1000) / (Number(t.p90) - Number(t.p10)),
    delivered,
    workerCpuUsPerJob: workerCpu.every((x) => x !== null) ? (workerCpu.reduce((a, b) => a + b, 0) * 1e6) / DRAIN_JOBS : null,
    machineBusy: cpu0 && cpu1 ? (cpu1.busy - cpu0.busy) / (cpu1.total - cpu0.total) : null,
    maxAttempts: Number(t.max_attempts),
    // From the create's mark to the job's completion: the vendor call and the two writes after it.
    createToDoneMs: Number(t.create_to_done_ms),
    writesPerJob: perTicket(writesAfter, writesBefore, DRAIN_JOBS),
    vendor: { issues: s.jira.issues.size, labels: labels.size, ...s.jira.counts },
    final,
  };
  await s.close();
  if (result.vendor.issues !== DRAIN_JOBS || result.vendor.labels !== DRAIN_JOBS) throw new Error(`the fake Jira holds ${result.vendor.issues} issues with ${result.vendor.labels} request labels for ${DRAIN_JOBS} tickets`);
  process.stdout.write(`drained run ${run + 1}: ${DRAIN_JOBS} tickets in ${(wallMs / 1000).toFixed(2)} s from spawn = ${result.rate.toFixed(0)}/s (steady ${result.steadyRate.toFixed(0)}/s; per worker ${delivered.join('/')})\n`);
  return result;
}

async function main() {
  const startedAt = new Date();
  const loadavg = require('node:os').loadavg();
  process.stdout.write(`bench:outbox: accept ${CONNECTIONS.length} × ${RUNS} runs × ${DURATION} s per server, drain ${RUNS} × ${DRAIN_JOBS} tickets; taskset ${stack.hasTaskset ? 'on' : 'NOT available'}\n`);
  const accept = await acceptStage();
  const drains = [];
  for (let r = 0; r < RUNS; r++) drains.push(await drainRun(r));
  const rabbitmq = await brokerVersion();
  const endedAt = new Date();
  const loadavgEnd = require('node:os').loadavg();
  const section = outboxReport({ startedAt, endedAt, loadavg, loadavgEnd, accept, drains, rabbitmq, config: { RUNS, DURATION, CONNECTIONS, DRAIN_JOBS, LATENCY_MS, PREFETCH, WORKERS, hasTaskset: stack.hasTaskset } });
  const previous = fs.existsSync(OUT) ? fs.readFileSync(OUT, 'utf8') : '';
  fs.writeFileSync(OUT, replaceSection(previous, 'outbox', section));
  const raw = path.join(require('node:os').tmpdir(), `actionbridge-outbox-bench-${startedAt.getTime()}.json`);
  fs.writeFileSync(raw, JSON.stringify({ startedAt, endedAt, loadavg, loadavgEnd, accept, drains, rabbitmq }, null, 1));
  process.stdout.write(`wrote the outbox section of ${path.relative(process.cwd(), OUT)} in ${Math.round((endedAt - startedAt) / 1000)} s (raw runs: ${raw})\n`);
}

async function brokerVersion() {
  const amqp = require('amqplib');
  const conn = await amqp.connect(AMQP_URL);
  const version = conn.connection.serverProperties?.version ?? null;
  await conn.close();
  return version;
}

module.exports = { acceptStage, cleanUp };

if (require.main === module) {
  for (const sig of ['SIGINT', 'SIGTERM']) {
    process.once(sig, () => {
      void cleanUp().finally(() => process.exit(130));
    });
  }

  main()
    .catch(async (err) => {
      process.stderr.write(`bench:outbox failed: ${err.stack || err}\n`);
      process.exitCode = 1;
    })
    .finally(async () => {
      await cleanUp();
      await sleep(0);
    });
}
