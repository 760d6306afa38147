/**
 * `npm run bench`: load on POST /webhook (no-op action) at three tracker sizes and three
 * concurrencies, side by side with a bare node:http server that only JSON-parses the same bodies,
 * in the same run. Writes bench/RESULTS.md.
 *
 * Both servers run on core 0 (`taskset -c 0`), each load run is its own autocannon process on
 * core 1. Runs alternate between the two servers so background noise hits both alike.
 * Env: BENCH_RUNS (default 3), BENCH_DURATION seconds (default 5), BENCH_SIZES, BENCH_CONNECTIONS
 * (comma lists), BENCH_OUT (default bench/RESULTS.md).
 *
 * The outbox throughput section of RESULTS.md belongs to `npm run bench:outbox` (bench/outbox.js):
 * this run keeps it as it finds it. After the /webhook cells it runs bench/real-actions.js (real
 * actions on PostgreSQL, the embedded store and the outbox, and 1 against 2 server processes),
 * which writes its own section; BENCH_REAL_ACTIONS=0 leaves that out.
 */
'use strict';
const { spawn, spawnSync } = require('node:child_process');
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');
const { makeBody } = require('./generate');
const { keepSections } = require('./results-section');
const { request, hasTaskset, pinned, cpuSeconds, memoryOf, freePort, median, machine, f0, f1, f2 } = require('./common');

const root = path.resolve(__dirname, '..');
const list = (v, d) => (v ? v.split(',').map(Number) : d);
const RUNS = Number(process.env.BENCH_RUNS || 3);
const DURATION = Number(process.env.BENCH_DURATION || 5);
const WARMUP = 1;
const SIZES = list(process.env.BENCH_SIZES, [5, 50, 1000]);
const CONNECTIONS = list(process.env.BENCH_CONNECTIONS, [1, 10, 50]);
const OUT = process.env.BENCH_OUT || path.join(__dirname, 'RESULTS.md');
const ANSWER = '{"events":[],"responses":[]}';
const TARGET_RATIO = { 5: 0.6, 50: 0.75, 1000: 0.9 };
/** Sections of RESULTS.md other benches write (bench/results-section.js). */
const OWNED_ELSEWHERE = ['outbox', 'actions', 'embedded', 'grpc'];


const children = new Set();
function start(core, args, opts) {
  const [cmd, argv] = pinned(core, args);
  const child = spawn(cmd, argv, opts);
  children.add(child);
  child.once('exit', () => children.delete(child));
  return child;
}
function stopAll() {
  for (const c of children) c.kill('SIGTERM');
}
process.once('exit', stopAll);
for (const sig of ['SIGINT', 'SIGTERM']) {
  process.once(sig, () => {
    stopAll();
    process.exit(130);
  });
}

const post = (port, body) => request(port, 'POST', '/webhook', body, 5000);

async function waitUp(port, body, child, name) {
  const until = Date.now() + 30_000;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`${name} exited with ${child.exitCode} before it answered`);
    try {
      return await post(port, body);
    } catch (err) {
      if (Date.now() > until) throw new Error(`${name} did not come up: ${err.message}`);
      await new Promise((r) => setTimeout(r, 100));
    }
  }
}

function load(port, bodyFile, connections, duration) {
  return new Promise((resolve, reject) => {
    const args = [process.execPath, path.join(__dirname, 'load.js'), JSON.stringify({ url: `http://127.0.0.1:${port}/webhook`, bodyFile, connections, duration })];
    const child = start(1, args, { stdio: ['ignore', 'pipe', 'inherit'] });
    let out = '';
    child.stdout.on('data', (d) => (out += d));
    const killer = setTimeout(() => child.kill('SIGKILL'), (duration + 60) * 1000);
    child.once('exit', (code) => {
      clearTimeout(killer);
      if (code !== 0) return reject(new Error(`load run exited with ${code}`));
      resolve(JSON.parse(out));
    });
  });
}

/** Cost of fresh memory and of one large string on this machine (bench/page-cost.js), or null. */
function measurePageCost(bodyFile) {
  const r = spawnSync(...pinned(0, [process.execPath, path.join(__dirname, 'page-cost.js'), bodyFile]), { encoding: 'utf8', cwd: root, timeout: 120_000 });
  if (r.status !== 0) {
    process.stderr.write(`page-cost measurement failed: ${r.stderr}\n`);
    return null;
  }
  return JSON.parse(r.stdout.trim().split('\n').pop());
}

function runValidationBench() {
  const r = spawnSync(...pinned(0, [process.execPath, path.join(__dirname, 'validation.js'), '--json']), { encoding: 'utf8', cwd: root, timeout: 120_000 });
  if (r.status !== 0) {
    process.stderr.write(`validation bench failed: ${r.stderr}\n`);
    return null;
  }
  return JSON.parse(r.stdout.trim().split('\n').pop());
}


async function main() {
  const startedAt = new Date();
  const info = machine();
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'actionbridge-bench-'));
  const bodies = {};
  for (const n of SIZES) {
    const file = path.join(tmp, `body-${n}.json`);
    fs.writeFileSync(file, makeBody(n));
    bodies[n] = { file, bytes: fs.statSync(file).size };
  }
  // Measured before the servers start, on the largest body, so the machine's regime is on record.
  const pageCost = measurePageCost(bodies[Math.max(...SIZES)].file);
  const logFile = path.join(tmp, 'actionbridge.log');
  const logFd = fs.openSync(logFile, 'w');

  const [barePort, oursPort] = [await freePort(), await freePort()];
  const bare = start(0, [process.execPath, path.join(__dirname, 'bare-server.js')], { env: { ...process.env, PORT: String(barePort) }, stdio: 'inherit' });
  const ours = start(0, [process.execPath, path.join(root, 'bin', 'actionbridge.js'), 'serve'], {
    cwd: root,
    env: { ...process.env, PORT: String(oursPort), HOST: '127.0.0.1', ACTIONS_DIR: path.join(__dirname, 'actions'), LOG_LEVEL: process.env.BENCH_LOG_LEVEL || 'info' },
    stdio: ['ignore', logFd, logFd],
  });
  const servers = [
    { name: 'bare', port: barePort, child: bare },
    { name: 'ours', port: oursPort, child: ours },
  ];
  for (const s of servers) {
    for (const n of SIZES) {
      const body = fs.readFileSync(bodies[n].file, 'utf8');
      const res = await waitUp(s.port, body, s.child, s.name);
      if (res.status !== 200 || res.text !== ANSWER) throw new Error(`${s.name} answered ${res.status} ${res.text.slice(0, 200)} for ${n} events`);
    }
  }
  const memStart = { ours: memoryOf(ours.pid), bare: memoryOf(bare.pid) };
  process.stdout.write(`bench: ${SIZES.length * CONNECTIONS.length} cells × ${RUNS} runs × ${DURATION}s per server; taskset ${hasTaskset ? 'on' : 'NOT available'}\n`);

  const cells = [];
  for (const n of SIZES) {
    for (const c of CONNECTIONS) {
      const runs = { bare: [], ours: [] };
      for (const s of servers) await load(s.port, bodies[n].file, c, WARMUP);
      for (let r = 0; r < RUNS; r++) {
        const order = r % 2 === 0 ? servers : [...servers].reverse();
        for (const s of order) {
          const cpu0 = cpuSeconds(s.child.pid);
          const result = await load(s.port, bodies[n].file, c, DURATION);
          const cpu1 = cpuSeconds(s.child.pid);
          result.cpuUsPerReq = cpu0 !== null && cpu1 !== null && result.requests ? ((cpu1 - cpu0) * 1e6) / result.requests : null;
          runs[s.name].push(result);
        }
      }
      const summary = (rs) => ({
        rps: median(rs.map((x) => x.rps)),
        p50: median(rs.map((x) => x.p50)),
        p99: median(rs.map((x) => x.p99)),
        max: Math.max(...rs.map((x) => x.max ?? 0)),
        cpuUsPerReq: median(rs.map((x) => x.cpuUsPerReq)),
        bad: rs.reduce((a, x) => a + x.non2xx + x.errors + x.timeouts, 0),
        fewest: median(rs.map((x) => x.perConnection.fewest?.n ?? null)),
        most: median(rs.map((x) => x.perConnection.most?.n ?? null)),
      });
      const cell = { events: n, connections: c, bare: summary(runs.bare), ours: summary(runs.ours), ratio: median(runs.ours.map((o, i) => o.rps / runs.bare[i].rps)), runs };
      cells.push(cell);
      process.stdout.write(
        `${String(n).padStart(4)} events  c=${String(c).padEnd(2)}  bare ${f0(cell.bare.rps).padStart(6)} req/s p50 ${f1(cell.bare.p50).padStart(5)} p99 ${f1(cell.bare.p99).padStart(6)} ms | ` +
          `ours ${f0(cell.ours.rps).padStart(6)} req/s p50 ${f1(cell.ours.p50).padStart(5)} p99 ${f1(cell.ours.p99).padStart(6)} ms | ours/bare ${f2(cell.ratio)}${cell.bare.bad + cell.ours.bad ? `  (!) ${cell.bare.bad}/${cell.ours.bad} failed` : ''}\n`,
      );
    }
  }

  const mem = { ours: memoryOf(ours.pid), bare: memoryOf(bare.pid) };
  fs.closeSync(logFd);
  const logLines = fs.readFileSync(logFile, 'utf8').split('\n').filter((l) => l.includes('"action call"')).length;
  const served = cells.reduce((a, cell) => a + cell.runs.ours.reduce((b, r) => b + r.requests, 0), 0);
  stopAll();
  const validation = runValidationBench();
  const endedAt = new Date();
  const previous = fs.existsSync(OUT) ? fs.readFileSync(OUT, 'utf8') : null;
  fs.writeFileSync(OUT, keepSections(previous, report({ cells, mem, memStart, info, pageCost, bodies, startedAt, endedAt, logLines, served, validation }), OWNED_ELSEWHERE));
  fs.writeFileSync(path.join(tmp, 'raw.json'), JSON.stringify({ cells, mem, info }, null, 1));
  process.stdout.write(`ours RSS after the run: ${f1(mem.ours?.rssMb ?? null)} MB (peak ${f1(mem.ours?.peakMb ?? null)} MB); bare ${f1(mem.bare?.rssMb ?? null)} MB\n`);
  process.stdout.write(`wrote ${path.relative(process.cwd(), OUT)} (raw runs: ${path.join(tmp, 'raw.json')}) in ${Math.round((endedAt - startedAt) / 1000)} s\n`);
  if (process.env.BENCH_REAL_ACTIONS !== '0') {
    // Its own process and section: real actions against their floors, and 1 against 2 processes.
    const real = spawnSync(process.execPath, [path.join(__dirname, 'real-actions.js')], { cwd: root, stdio: 'inherit', env: { ...process.env, BENCH_OUT: OUT } });
    if (real.status !== 0) throw new Error(`bench/real-actions.js exited with ${real.status}`);
  }
}

function report({ cells, mem, memStart, info, pageCost, bodies, startedAt, endedAt, logLines, served, validation }) {
  const cellOf = (n, c) => cells.find((x) => x.events === n && x.connections === c);
  const lines = [];
  const push = (...l) => lines.push(...l);
  push(
    '# /webhook benchmark',
    '',
    `Generated by \`npm run bench\` (bench/run.js) on ${startedAt.toISOString().replace('T', ' ').slice(0, 16)} UTC; took ${Math.round((endedAt - startedAt) / 1000)} s.`,
    '',
    'Reproduce: `npm ci && npm run bench` (Linux; `taskset` pins the servers to core 0 and the load generator to core 1).',
    '',
    'The outbox throughput section at the end (accepted and drained tickets/s on PostgreSQL + RabbitMQ) is written by `npm run bench:outbox` (bench/outbox.js); this run keeps it as it was.',
    '',
    '## Setup',
    '',
    `- Machine: ${info.cpu}, ${info.memory} RAM, ${info.kernel}, Node ${info.node}, autocannon ${info.autocannon}. Load average at start: ${info.loadavg} (other engineers run their tests on the same 2 cores at times, so the numbers are noisy; every figure is a median).`,
    ...(pageCost
      ? [
          `- Fresh memory on this machine (bench/page-cost.js, core 0, before the servers start): ${pageCost.faultUsPerPage.toFixed(2)} µs per 4 KiB page touched for the first time; decoding the ${(pageCost.bodyBytes / 1024).toFixed(1)} KiB body into one string takes ${f0(pageCost.decodeWholeUs)} µs, into 64 KiB strings ${f0(pageCost.decodePiecesUs)} µs. A string over 128 KiB gets pages of its own in V8's large-object space, mapped and unmapped with it; what that costs differs a lot between machines, and it is what ActionBridge avoids by parsing long trackers in pieces (bench/analysis.md).`,
        ]
      : []),
    `- ActionBridge is started the way users start it: \`node bin/actionbridge.js serve\` with \`HOST=127.0.0.1 PORT=… ACTIONS_DIR=bench/actions LOG_LEVEL=info\`, pinned with \`taskset -c 0\`. \`bench/actions/noop.js\` registers \`action_noop\` (does nothing) through \`defineAction\`. Logging stays at the default \`info\` level, one JSON line per call, written to a log file (stdout redirected to a file in the temp folder): ${logLines.toLocaleString('en-US')} "action call" lines for ${served.toLocaleString('en-US')} measured requests plus warm-ups.`,
    '- "bare" is `bench/bare-server.js`: `node:http`, collects the body, `JSON.parse`s it and answers a fixed `{"events":[],"responses":[]}`; also pinned to core 0. Both servers run during the whole bench (one idles while the other is measured).',
    `- Load: \`bench/load.js\`, one autocannon (programmatic API) process per run, pinned to core 1, keep-alive connections, pipelining 1, POSTing the same body for both servers. Each cell: ${WARMUP} s warm-up per server, then ${RUNS} runs of ${DURATION} s per server, alternating which server goes first. Latencies are exact percentiles over every response of a run (not autocannon's whole-millisecond histogram); the tables show the median over the runs.`,
    `- Bodies (bench/generate.js, seeded): realistic Rasa 3.x trackers with user events (full parse_data: intent, entities, intent_ranking of 10, text_tokens, response_selector, metadata), bot utterances, action, slot, active_loop and user_featurization events with timestamps, plus a small domain (so the server answers 200, not 449). Sizes: ${SIZES.map((n) => `${n} events = ${(bodies[n].bytes / 1024).toFixed(1)} KiB`).join(', ')}.`,
    '- **ours/bare is measured against the bare server in the same run**: it is the median of the per-run ratios of req/s (each ActionBridge run paired with the bare run next to it).',
    '',
    '## Results (medians)',
    '',
    '| events | conns | bare req/s | bare p50 ms | bare p99 ms | ours req/s | ours p50 ms | ours p99 ms | ours/bare | server CPU µs/req bare / ours |',
    '|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|',
  );
  for (const cell of cells) {
    push(
      `| ${cell.events} | ${cell.connections} | ${f0(cell.bare.rps)} | ${f1(cell.bare.p50)} | ${f1(cell.bare.p99)} | ${f0(cell.ours.rps)} | ${f1(cell.ours.p50)} | ${f1(cell.ours.p99)} | **${f2(cell.ratio)}** | ${f0(cell.bare.cpuUsPerReq)} / ${f0(cell.ours.cpuUsPerReq)} |`,
    );
  }
  const failed = cells.reduce((a, c) => a + c.bare.bad + c.ours.bad, 0);
  push('', failed ? `**${failed} requests failed or timed out** (non-2xx, errors, timeouts).` : 'Every request of every run was answered 200 (no non-2xx, errors or timeouts).', '');

  push('## Targets', '', '| target | measured | met |', '|---|---|---|');
  const check = (label, value, ok) => push(`| ${label} | ${value} | ${ok === null ? 'n/a' : ok ? 'yes' : '**no**'} |`);
  for (const n of [5, 50, 1000]) {
    const cell = cellOf(n, 10);
    check(`ours/bare ≥ ${TARGET_RATIO[n].toFixed(2)} at ${n} events, 10 connections`, cell ? f2(cell.ratio) : 'not run', cell ? cell.ratio >= TARGET_RATIO[n] : null);
  }
  const big = cellOf(1000, 50);
  check('p99 < 1 s at 1000 events, 50 connections', big ? `ours ${f1(big.ours.p99)} ms (bare ${f1(big.bare.p99)} ms)` : 'not run', big ? big.ours.p99 < 1000 : null);
  check(
    'RSS of ActionBridge after the run < 150 MB (/proc/<pid>/status VmRSS, read right after the last load run)',
    mem.ours
      ? `${f1(mem.ours.rssMb)} MB (${f1(memStart.ours?.rssMb ?? null)} MB at start, peak VmHWM ${f1(mem.ours.peakMb)} MB; bare: ${f1(memStart.bare?.rssMb ?? null)} MB at start, ${f1(mem.bare?.rssMb ?? null)} MB after)`
      : 'n/a',
    mem.ours ? mem.ours.rssMb < 150 : null,
  );
  push(
    '',
    `ActionBridge runs here on its defaults, ${process.env.DATABASE_URL ? 'with the store on PostgreSQL (DATABASE_URL)' : 'so the embedded store (PGlite) is open in the process from start-up (issue #17: /ready says when the store can answer); PGlite holds ~90 MB at rest. The same 1000-event, 50-connection run with the store on PostgreSQL is in the embedded section below (`npm run bench:embedded` with DATABASE_URL), and what PGlite holds is in bench/analysis.md'}.`,
  );
  push('');

  if (big) {
    push(
      '## Fairness at 1000 events, 50 connections',
      '',
      'Requests completed per connection in one run (median over runs of the least and the most served connection) and the worst single latency seen:',
      '',
      '| server | fewest per connection | most per connection | worst latency ms |',
      '|---|---:|---:|---:|',
      `| bare | ${f0(big.bare.fewest)} | ${f0(big.bare.most)} | ${f0(big.bare.max)} |`,
      `| ours | ${f0(big.ours.fewest)} | ${f0(big.ours.most)} | ${f0(big.ours.max)} |`,
      '',
    );
  }

  if (validation) {
    push(
      '## Validation cost on the hot path (bench/validation.js)',
      '',
      `One ${validation.events}-event tracker body (${(validation.bytes / 1024).toFixed(1)} KiB), already JSON-parsed, validated ${validation.iterations} times on core 0; median per call:`,
      '',
      '| what | µs per call |',
      '|---|---:|',
      ...validation.rows.map((r) => `| ${r.label} | ${f0(r.us)} |`),
      '',
      `Deep-validating every event would cost ${f0(validation.deepOverHot)}× the server's hand-written shallow check and ${f1(validation.deepOverShallow)}× zod's shallow check, i.e. ${f1(validation.deepOverParse)}× the JSON.parse of the same body on top of it. The server checks what it relies on (the tracker's own fields, each event an object with a string \`event\`) and leaves the events' contents to the helpers that read them.`,
      '',
    );
  }

  const analysis = path.join(__dirname, 'analysis.md');
  if (fs.existsSync(analysis)) push(fs.readFileSync(analysis, 'utf8').trim(), '');
  return lines.join('\n') + '\n';
}

main().catch((err) => {
  process.stderr.write(`bench failed: ${err.stack || err}\n`);
  stopAll();
  process.exit(1);
});
