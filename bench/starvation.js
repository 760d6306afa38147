/**
 * Diagnoses the multi-second p99 of a bare node:http server at 50 connections with 1000-event
 * trackers: per-connection request counts and worst latency, the kernel's receive queues while
 * the load runs (`ss`), and the TCP window counters of the run (`nstat`), for the bare server
 * as it is and for the same server with its parsing deferred to a FIFO drained one body per
 * event-loop turn (BARE_TURNS=1), and for ActionBridge itself. Linux only; not part of
 * `npm run bench` (run `npm run build` first).
 *
 * With --noisy, a busy loop shares core 0 with the server during each run, as the other
 * processes on this machine (test runs) did when the benchmark first showed the problem.
 *
 * Usage: node bench/starvation.js [runs=2] [--noisy]
 */
'use strict';
const { spawn, spawnSync } = require('node:child_process');
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');
const { makeBody } = require('./generate');

const RUNS = Number(process.argv.find((a) => /^\d+$/.test(a)) || 2);
const NOISY = process.argv.includes('--noisy');
const bodyFile = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'actionbridge-starve-')), 'body-1000.json');
fs.writeFileSync(bodyFile, makeBody(1000));

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
const tool = (cmd, args) => {
  const r = spawnSync(cmd, args, { encoding: 'utf8' });
  return r.status === 0 ? r.stdout : '';
};
const nstat = () => {
  const out = {};
  for (const line of tool('nstat', ['-a', '-z']).split('\n')) {
    const [k, v] = line.trim().split(/\s+/);
    if (/ZeroWindow|WinProbe|RetransSegs|LossProbes/.test(k ?? '')) out[k] = Number(v);
  }
  return out;
};

function load(port) {
  return new Promise((resolve, reject) => {
    const args = ['-c', '1', process.execPath, path.join(__dirname, 'load.js'), JSON.stringify({ url: `http://127.0.0.1:${port}/webhook`, bodyFile, connections: 50, duration: 5, dumpConnections: true })];
    const child = spawn('taskset', args, { stdio: ['ignore', 'pipe', 'inherit'] });
    let out = '';
    child.stdout.on('data', (d) => (out += d));
    child.once('exit', (code) => (code === 0 ? resolve(JSON.parse(out)) : reject(new Error(`load exited ${code}`))));
  });
}

async function main() {
  const root = path.resolve(__dirname, '..');
  for (const [label, turns] of [
    ['bare (parse inline, as written)', '0'],
    ['bare with parsing deferred to a FIFO, one body per turn', '1'],
    ['ActionBridge (bin/actionbridge.js serve, LOG_LEVEL=info, log to /dev/null)', null],
  ]) {
    const port = 47000 + Math.floor(Math.random() * 1000);
    const server =
      turns === null
        ? spawn('taskset', ['-c', '0', process.execPath, path.join(root, 'bin', 'actionbridge.js'), 'serve'], {
            cwd: root,
            env: { ...process.env, PORT: String(port), HOST: '127.0.0.1', ACTIONS_DIR: path.join(__dirname, 'actions'), LOG_LEVEL: 'info' },
            stdio: 'ignore',
          })
        : spawn('taskset', ['-c', '0', process.execPath, path.join(__dirname, 'bare-server.js')], { env: { ...process.env, PORT: String(port), BARE_TURNS: turns }, stdio: 'inherit' });
    await sleep(turns === null ? 2500 : 500);
    await load(port).catch(() => null);
    for (let r = 0; r < RUNS; r++) {
      const before = nstat();
      const hog = NOISY ? spawn('taskset', ['-c', '0', process.execPath, '-e', 'const end = Date.now() + 5500; while (Date.now() < end);'], { stdio: 'ignore' }) : null;
      const pending = load(port);
      await sleep(3000);
      const queues = tool('ss', ['-tmn', 'state', 'established', `( sport = :${port} )`]);
      const result = await pending;
      hog?.kill();
      const after = nstat();
      const unread = [...queues.matchAll(/skmem:\(r(\d+),rb(\d+)/g)].map((m) => ({ r: Number(m[1]), rb: Number(m[2]) }));
      const delta = Object.fromEntries(Object.keys(after).map((k) => [k, after[k] - (before[k] ?? 0)]));
      const counts = result.connectionsDetail.map((c) => c.n);
      process.stdout.write(
        `${label}, run ${r + 1}: ${Math.round(result.rps)} req/s, p50 ${Math.round(result.p50)} ms, p99 ${Math.round(result.p99)} ms, worst ${Math.round(result.max)} ms\n` +
          `  requests per connection: min ${Math.min(...counts)}, median ${counts[Math.floor(counts.length / 2)]}, max ${Math.max(...counts)}\n` +
          `  at t=3 s: ${unread.filter((u) => u.r > 0).length}/${unread.length} sockets with unread bytes in the kernel, ${unread.filter((u) => u.rb <= 262144).length} with a receive buffer still <= 256 KiB\n` +
          `  TCP counters during the run: ${JSON.stringify(delta)}\n`,
      );
    }
    server.kill('SIGTERM');
    await sleep(300);
  }
}

main().catch((err) => {
  process.stderr.write(`${err.stack}\n`);
  process.exit(1);
});
