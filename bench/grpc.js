/**
 * `npm run bench:grpc`: the same action call over HTTP (/webhook) and gRPC (ActionService/Webhook)
 * against ONE server process (`serve --grpc`, pinned to core 0), at 5, 50 and 1000 tracker
 * events, in the same run: throughput of each and their ratio (gRPC / HTTP). The load is a
 * closed loop of C calls in flight per transport, from this process (core 1); runs alternate the
 * transports so background noise hits both alike. Only 127.0.0.1; every run stops after its time.
 * The gRPC requests are built from the project's proto, as Rasa Pro sends them, and encoded once,
 * so both sides send pre-built bodies. Writes its section of bench/RESULTS.md.
 * Env: BENCH_RUNS (3), BENCH_DURATION seconds (5), BENCH_SIZES (5,50,1000), BENCH_CONCURRENCY (10).
 */
'use strict';
const { spawn } = require('node:child_process');
const fs = require('node:fs');
const http = require('node:http');
const path = require('node:path');
const grpc = require('@grpc/grpc-js');
const loader = require('@grpc/proto-loader');
const { makeBody } = require('./generate');
const { replaceSection } = require('./results-section');
const { hasTaskset, pinned, cpuSeconds, freePort, median, machine, f0, f2 } = require('./common');

const root = path.resolve(__dirname, '..');
const { PROTO_LOADER_OPTIONS, protoFiles } = require(path.join(root, 'dist/src/channels/grpc/proto-files'));
const { toProtoStruct } = require(path.join(root, 'dist/src/channels/grpc/struct'));
const list = (v, d) => (v ? v.split(',').map(Number) : d);
const RUNS = Number(process.env.BENCH_RUNS || 3);
const DURATION = Number(process.env.BENCH_DURATION || 5);
const SIZES = list(process.env.BENCH_SIZES, [5, 50, 1000]);
const CONCURRENCY = Number(process.env.BENCH_CONCURRENCY || 10);
const OUT = process.env.BENCH_OUT || path.join(__dirname, 'RESULTS.md');

/** A /webhook body as Rasa Pro's WebhookRequest (the domain's lists as bare names). */
function toRequest(body) {
  const t = body.tracker;
  const named = (xs) => (xs || []).map((x) => (typeof x === 'string' ? { string_value: x } : { dict_value: toProtoStruct(x) }));
  const d = body.domain || {};
  const struct = (v) => (v && typeof v === 'object' && !Array.isArray(v) ? toProtoStruct(v) : undefined);
  return {
    next_action: body.next_action,
    sender_id: body.sender_id,
    version: body.version,
    tracker: { sender_id: t.sender_id, slots: struct(t.slots), latest_message: struct(t.latest_message), events: (t.events || []).map(toProtoStruct), paused: Boolean(t.paused) },
    domain: { config: struct(d.config), session_config: struct(d.session_config), slots: struct(d.slots), responses: struct(d.responses), forms: struct(d.forms), intents: named(d.intents), entities: named(d.entities), actions: named(d.actions) },
  };
}

function httpCaller(port, raw) {
  const agent = new http.Agent({ keepAlive: true, maxSockets: CONCURRENCY });
  return {
    call: () =>
      new Promise((resolve, reject) => {
        const req = http.request({ host: '127.0.0.1', port, path: '/webhook', method: 'POST', agent, headers: { 'Content-Type': 'application/json', 'Content-Length': raw.length } }, (res) => {
          res.resume();
          res.on('end', () => (res.statusCode === 200 ? resolve() : reject(new Error(`HTTP ${res.statusCode}`))));
        });
        req.on('error', reject);
        req.end(raw);
      }),
    close: () => agent.destroy(),
  };
}

function grpcCaller(port, bytes) {
  const client = new grpc.Client(`127.0.0.1:${port}`, grpc.credentials.createInsecure());
  const pass = (b) => b;
  return {
    call: () => new Promise((resolve, reject) => client.makeUnaryRequest('/action_server_webhook.ActionService/Webhook', pass, pass, bytes, (err) => (err ? reject(err) : resolve()))),
    close: () => client.close(),
  };
}

/** C calls in flight for `seconds`: completed calls per second. */
async function load(caller, seconds) {
  const until = Date.now() + seconds * 1000;
  let done = 0;
  const started = Date.now();
  const worker = async () => {
    while (Date.now() < until) {
      await caller.call();
      done++;
    }
  };
  await Promise.all(Array.from({ length: CONCURRENCY }, worker));
  return done / ((Date.now() - started) / 1000);
}

async function waitUp(fn, child) {
  for (let i = 0; i < 600; i++) {
    if (child.exitCode !== null) throw new Error(`server exited (${child.exitCode})`);
    try {
      await fn();
      return;
    } catch {
      await new Promise((r) => setTimeout(r, 100));
    }
  }
  throw new Error('server did not come up');
}

async function main() {
  const info = machine();
  const defs = loader.loadSync([protoFiles().action], PROTO_LOADER_OPTIONS);
  const method = defs['action_server_webhook.ActionService'].Webhook;
  const [httpPort, grpcPort] = [await freePort(), await freePort()];
  const [cmd, argv] = pinned(0, [process.execPath, path.join(root, 'bin', 'actionbridge.js'), 'serve', '--grpc']);
  const server = spawn(cmd, argv, {
    cwd: root,
    env: { ...process.env, PORT: String(httpPort), GRPC_PORT: String(grpcPort), HOST: '127.0.0.1', ACTIONS_DIR: path.join(__dirname, 'actions'), LOG_LEVEL: 'warn', DATA_DIR: fs.mkdtempSync(path.join(require('node:os').tmpdir(), 'bench-grpc-')) },
    stdio: ['ignore', 'ignore', 'inherit'],
  });
  const stop = () => server.exitCode === null && server.kill('SIGTERM');
  process.once('exit', stop);
  const cells = [];
  try {
    for (const n of SIZES) {
      const raw = Buffer.from(makeBody(n));
      const bytes = method.requestSerialize(toRequest(JSON.parse(raw.toString('utf8'))));
      const callers = { http: httpCaller(httpPort, raw), grpc: grpcCaller(grpcPort, bytes) };
      await waitUp(callers.http.call, server);
      await waitUp(callers.grpc.call, server);
      for (const c of Object.values(callers)) await load(c, 1);
      const rps = { http: [], grpc: [] };
      const cpu = { http: [], grpc: [] };
      for (let r = 0; r < RUNS; r++) {
        for (const name of r % 2 === 0 ? ['http', 'grpc'] : ['grpc', 'http']) {
          const cpu0 = cpuSeconds(server.pid);
          const measured = await load(callers[name], DURATION);
          const cpu1 = cpuSeconds(server.pid);
          rps[name].push(measured);
          if (cpu0 !== null && cpu1 !== null) cpu[name].push(((cpu1 - cpu0) * 1e6) / (measured * DURATION));
        }
      }
      for (const c of Object.values(callers)) c.close();
      const cell = { n, httpBytes: raw.length, grpcBytes: bytes.length, http: median(rps.http), grpc: median(rps.grpc), httpCpu: median(cpu.http), grpcCpu: median(cpu.grpc) };
      cell.ratio = cell.grpc / cell.http;
      cells.push(cell);
      process.stdout.write(`${n} events: HTTP ${f0(cell.http)}/s, gRPC ${f0(cell.grpc)}/s, ratio ${f2(cell.ratio)}\n`);
    }
  } finally {
    stop();
  }
  const rows = cells.map((c) => `| ${c.n} | ${(c.httpBytes / 1024).toFixed(1)} / ${(c.grpcBytes / 1024).toFixed(1)} | ${f0(c.http)} | ${f0(c.grpc)} | **${f2(c.ratio)}** | ${c.httpCpu ? f0(c.httpCpu) : '–'} / ${c.grpcCpu ? f0(c.grpcCpu) : '–'} |`);
  const section = [
    '## gRPC and HTTP (`npm run bench:grpc`)',
    '',
    `One server process (\`serve --grpc\`${hasTaskset ? ', pinned to core 0' : ''}) answers the same \`action_noop\` call over /webhook and over ActionService/Webhook; ${CONCURRENCY} calls in flight per transport from one client process, ${RUNS} alternating runs of ${DURATION} s per cell, medians. ${new Date().toISOString().slice(0, 16)} UTC, ${info.cpu}, Node ${info.node}, load average at start ${info.loadavg}.`,
    '',
    '| events | body KiB (JSON / protobuf) | HTTP calls/s | gRPC calls/s | gRPC / HTTP | server CPU µs per call (HTTP / gRPC) |',
    '|---:|---:|---:|---:|---:|---:|',
    ...rows,
    '',
    'The gRPC path reads WebhookRequest with protobufjs\' generated decoder but every google.protobuf.Struct straight from its bytes to JSON (src/channels/grpc/struct-wire.ts, webhook-codec.ts), and writes the answer from JSON, before and after the same processWebhook /webhook runs; /webhook parses JSON once. Both run the identical executor path afterwards.',
  ].join('\n');
  const previous = fs.existsSync(OUT) ? fs.readFileSync(OUT, 'utf8') : '# Benchmark results\n';
  fs.writeFileSync(OUT, replaceSection(previous, 'grpc', section));
  process.stdout.write(`wrote the grpc section of ${path.relative(root, OUT)}\n`);
}

main().then(
  () => process.exit(0),
  (err) => {
    process.stderr.write(`${err.stack || err}\n`);
    process.exit(1);
  },
);
