/**
 * What every bench script shares: pinning to a core, CPU and memory of a process from /proc, a
 * free port, medians, the machine's description, and the rule that load goes to 127.0.0.1 only.
 */
'use strict';
const { spawnSync, execFileSync } = require('node:child_process');
const fs = require('node:fs');
const http = require('node:http');
const net = require('node:net');
const os = require('node:os');
const { URL } = require('node:url');

const LOOPBACK = new Set(['127.0.0.1', 'localhost', '[::1]']);

/** The URL from the environment (or the local default), refused unless it is on this machine. */
function loopbackUrl(value, fallback, name) {
  const url = value || fallback;
  let host;
  try {
    host = new URL(url).hostname;
  } catch {
    throw new Error(`${name} is not a URL`);
  }
  if (!LOOPBACK.has(host)) throw new Error(`${name} must point at 127.0.0.1: the bench sends load only to this machine`);
  return url;
}

const hasTaskset = spawnSync('taskset', ['-c', '0', 'true']).status === 0;

/** [command, args] running `argv` on `core` (unpinned when taskset is missing or core is undefined). */
function pinned(core, argv) {
  return core !== undefined && hasTaskset ? ['taskset', ['-c', String(core), ...argv]] : [argv[0], argv.slice(1)];
}

const CLK_TCK = Number(spawnSync('getconf', ['CLK_TCK'], { encoding: 'utf8' }).stdout) || 100;

/** utime+stime of a process in seconds, from /proc (null where /proc is missing). */
function cpuSeconds(pid) {
  try {
    const stat = fs.readFileSync(`/proc/${pid}/stat`, 'utf8');
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return (Number(fields[11]) + Number(fields[12])) / CLK_TCK;
  } catch {
    return null;
  }
}

/** RSS and its peak (VmHWM) of a process in MB, from /proc (null where /proc is missing). */
function memoryOf(pid) {
  try {
    const status = fs.readFileSync(`/proc/${pid}/status`, 'utf8');
    const kb = (key) => Number((new RegExp(`^${key}:\\s+(\\d+)`, 'm').exec(status) || [])[1]);
    return { rssMb: kb('VmRSS') / 1024, peakMb: kb('VmHWM') / 1024 };
  } catch {
    return null;
  }
}

/** Busy and total jiffies of the whole machine (/proc/stat), to tell a CPU-bound run. */
function machineJiffies() {
  try {
    const cpu = fs.readFileSync('/proc/stat', 'utf8').split('\n')[0].trim().split(/\s+/).slice(1).map(Number);
    const idle = cpu[3] + (cpu[4] || 0);
    const total = cpu.reduce((a, b) => a + b, 0);
    return { busy: total - idle, total };
  } catch {
    return null;
  }
}

function freePort() {
  return new Promise((resolve, reject) => {
    const s = net.createServer();
    s.once('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const { port } = s.address();
      s.close(() => resolve(port));
    });
  });
}

/** Median of the finite values (null when there are none). */
function median(xs) {
  const s = xs.filter((x) => x !== null && Number.isFinite(x)).sort((a, b) => a - b);
  if (!s.length) return null;
  const m = Math.floor(s.length / 2);
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
}

function machine() {
  const cpus = os.cpus();
  let kernel = os.release();
  try {
    kernel = execFileSync('uname', ['-sr'], { encoding: 'utf8' }).trim();
  } catch {
    /* keep os.release() */
  }
  return {
    cpu: `${cpus[0]?.model ?? 'unknown'} × ${cpus.length}`,
    memory: `${Math.round(os.totalmem() / 1024 ** 3)} GiB`,
    kernel,
    node: process.version,
    autocannon: require('autocannon/package.json').version,
    loadavg: os.loadavg().map((x) => x.toFixed(2)).join(' '),
  };
}

const f0 = (x) => (x === null || x === undefined ? 'n/a' : Math.round(x).toLocaleString('en-US'));
const f1 = (x) => (x === null || x === undefined ? 'n/a' : x.toFixed(x >= 100 ? 0 : x >= 10 ? 1 : 2));
const f2 = (x) => (x === null || x === undefined ? 'n/a' : x.toFixed(2));

/**
 * One HTTP call to a server on 127.0.0.1, its whole answer as text (never printed by the caller).
 * No keep-alive agent: each call is a fresh connection, as a newcomer's first calls are.
 */
function request(port, method, urlPath, body, timeoutMs = 30_000) {
  return new Promise((resolve, reject) => {
    const headers = body === undefined ? {} : { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) };
    const req = http.request({ host: '127.0.0.1', port, path: urlPath, method, headers, agent: false }, (res) => {
      let text = '';
      res.setEncoding('utf8');
      res.on('data', (d) => (text += d));
      res.on('end', () => resolve({ status: res.statusCode, text }));
    });
    req.once('error', reject);
    req.setTimeout(timeoutMs, () => req.destroy(new Error('timeout')));
    req.end(body);
  });
}

module.exports = { request, loopbackUrl, hasTaskset, pinned, cpuSeconds, memoryOf, machineJiffies, freePort, median, machine, f0, f1, f2 };
