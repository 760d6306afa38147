/**
 * `serve` with WEB_CONCURRENCY / --workers: real processes on 127.0.0.1 over PostgreSQL (a schema
 * of this file's own). Which process answered is told by an action that returns its pid; every
 * wait is for a condition (a log line, an answer), bounded only by jest's timeout.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { postWebhook } from '../support/http';
import { ensureBuilt, runCli, type RunningProcess } from '../support/process';
import { createPgSchema, databaseUrl, type PgSchema } from '../support/stores';

/** Sets slot `pid` to the pid of the process that ran it. */
const whoamiFile = `module.exports = {
  name: 'action_whoami',
  kind: 'action',
  slotNames: [],
  async run() { return [{ event: 'slot', timestamp: null, name: 'pid', value: process.pid }]; },
};
`;

/** Says it started (on stdout, with its pid) and then waits until the file `gate` exists. */
const gatedFile = (gate: string) => `const fs = require('node:fs');
module.exports = {
  name: 'action_slow',
  kind: 'action',
  slotNames: [],
  async run() {
    process.stdout.write(JSON.stringify({ message: 'test action started', pid: process.pid }) + '\\n');
    while (!fs.existsSync(${JSON.stringify(gate)})) await new Promise((r) => setTimeout(r, 10));
    return [{ event: 'slot', timestamp: null, name: 'done', value: true }];
  },
};
`;

const call = (action: string) => ({ next_action: action, tracker: { sender_id: 'u1' }, domain: { actions: [action] } });

/** The JSON log lines printed so far (by the primary and every server process) with this message. */
function logLines(p: RunningProcess, message: string): Record<string, unknown>[] {
  const out: Record<string, unknown>[] = [];
  for (const line of p.stdout().split('\n')) {
    if (!line.startsWith('{')) continue;
    try {
      const parsed = JSON.parse(line) as Record<string, unknown>;
      if (parsed.message === message) out.push(parsed);
    } catch {
      // a line cut by the read: the next poll sees it whole
    }
  }
  return out;
}

/** Polls until `check` returns a value (not undefined); fails when the process ends first. */
async function until<T>(p: RunningProcess, what: string, check: () => T | undefined | Promise<T | undefined>): Promise<T> {
  for (;;) {
    const value = await check();
    if (value !== undefined) return value;
    if (p.child.exitCode !== null || p.child.signalCode !== null) throw new Error(`the process ended before ${what}.\nstderr: ${p.stderr().slice(-2000)}`);
    await sleep(50);
  }
}

const alive = (pid: number): boolean => {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
};

describe('serve with several processes (WEB_CONCURRENCY, --workers)', () => {
  let tmp: string;
  let schema: PgSchema;
  let schemaUrl: string;
  const running: RunningProcess[] = [];

  beforeAll(async () => {
    ensureBuilt();
    schema = await createPgSchema();
    const url = new URL(databaseUrl());
    url.searchParams.set('options', `-c search_path=${schema.name}`);
    schemaUrl = url.toString();
  }, 180_000);

  afterAll(async () => {
    await schema?.drop();
  });

  beforeEach(() => {
    tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'actionbridge-cluster-'));
    fs.writeFileSync(path.join(tmp, 'whoami.js'), whoamiFile);
  });

  afterEach(async () => {
    for (const p of running.splice(0)) {
      // The primary's group: a test that failed half-way leaves no server process behind.
      if (p.child.exitCode === null && p.child.signalCode === null) p.child.kill('SIGKILL');
      await p.exited;
      for (const line of logLines(p, 'server process listening')) {
        const pid = line.pid as number;
        if (alive(pid)) process.kill(pid, 'SIGKILL');
      }
    }
    fs.rmSync(tmp, { recursive: true, force: true });
  });

  const start = (args: string[], env: Record<string, string>) => {
    const p = runCli(['serve', ...args], { HOST: '127.0.0.1', PORT: '0', ACTIONS_DIR: tmp, ...env });
    running.push(p);
    return p;
  };

  /** Pids that answered action_whoami, calling (each on a new connection) until `want` all answered. */
  async function answeringPids(base: string, want: number[], p: RunningProcess): Promise<Set<number>> {
    const seen = new Set<number>();
    return until(p, `answers from ${want.join(', ')}`, async () => {
      const res = await postWebhook(base, call('action_whoami'));
      expect(res.status).toBe(200);
      const events = (res.json() as { events: { name: string; value: number }[] }).events;
      seen.add(events[0]!.value);
      return want.every((pid) => seen.has(pid)) ? seen : undefined;
    });
  }

  it('refuses the embedded store with more than one process, naming the fix, before opening it', async () => {
    const dataDir = path.join(tmp, 'data');
    const p = start(['--workers', '2'], { DATA_DIR: dataDir });
    expect(await p.exited).toBe(1);
    expect(p.stderr()).toContain('WEB_CONCURRENCY');
    expect(p.stderr()).toContain('Set DATABASE_URL');
    expect(p.stderr()).toContain('WEB_CONCURRENCY=1');
    expect(p.stdout()).not.toContain('starting server processes');
    expect(fs.existsSync(dataDir)).toBe(false);

    const byVariable = start([], { DATA_DIR: dataDir, WEB_CONCURRENCY: '3' });
    expect(await byVariable.exited).toBe(1);
    expect(byVariable.stderr()).toContain('is 3, but the embedded database');
  });

  it('answers from N processes on one port, replaces one that is killed, and drains all on SIGTERM (exit 0)', async () => {
    const gate = path.join(tmp, 'release');
    fs.writeFileSync(path.join(tmp, 'slow.js'), gatedFile(gate));
    const p = start([], { DATABASE_URL: schemaUrl, WEB_CONCURRENCY: '2' });
    const ready = await p.waitForLog('all server processes listening');
    const pids = ready.pids as number[];
    expect(pids).toHaveLength(2);
    expect(new Set(pids).size).toBe(2);
    expect(pids).not.toContain(p.child.pid);
    const base = `http://127.0.0.1:${ready.port as number}`;

    // Both processes answer on the one port.
    const seen = await answeringPids(base, pids, p);
    expect([...seen].sort()).toEqual([...pids].sort());

    // One is killed: the primary forks a replacement, which answers; the other kept serving.
    const [victim, survivor] = pids as [number, number];
    process.kill(victim, 'SIGKILL');
    const replacement = await until(p, 'a replacement listening', () => {
      const fresh = logLines(p, 'server process listening').map((l) => l.pid as number).filter((pid) => !pids.includes(pid));
      return fresh[0];
    });
    expect(logLines(p, 'server process died: replacing it')).toEqual([expect.objectContaining({ pid: victim, signal: 'SIGKILL' })]);
    expect(alive(victim)).toBe(false);
    const after = await answeringPids(base, [survivor, replacement], p);
    expect(after.has(victim)).toBe(false);

    // SIGTERM to the primary: a call in flight finishes, then every process and the primary exit 0.
    const inFlight = postWebhook(base, call('action_slow'));
    const started = await until(p, 'the slow action to start', () => logLines(p, 'test action started')[0]);
    p.child.kill('SIGTERM');
    await until(p, 'the primary to ask both processes to stop', () => (logLines(p, 'shutting down: finishing in-flight calls').length === 2 ? true : undefined));
    // The process running the call is still there, waiting for it.
    expect(alive(started.pid as number)).toBe(true);
    fs.writeFileSync(gate, '');
    const res = await inFlight;
    expect(res.status).toBe(200);
    expect(res.json()).toEqual({ events: [{ event: 'slot', timestamp: null, name: 'done', value: true }], responses: [] });
    expect(await p.exited).toBe(0);
    const stopped = logLines(p, 'server process stopped');
    expect(stopped.map((l) => l.pid).sort()).toEqual([survivor, replacement].sort());
    expect(stopped.every((l) => l.code === 0)).toBe(true);
    expect(logLines(p, 'stopped').find((l) => l.code !== undefined)).toMatchObject({ code: 0 });
    expect([survivor, replacement]).toContain(started.pid);
    expect(alive(survivor) || alive(replacement)).toBe(false);
  }, 180_000);
});
