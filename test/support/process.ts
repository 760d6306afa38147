/**
 * Runs the real `actionbridge` executable (bin/actionbridge.js over the compiled dist/) as a child
 * process, for what only a process can show: exit codes, signals, start-up failures.
 */
import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';

export const ROOT = path.resolve(__dirname, '../..');
const BIN = path.join(ROOT, 'bin', 'actionbridge.js');

/** Compiles src/ into dist/ when it is stale (the same script `npm start` runs). */
export function ensureBuilt(): void {
  try {
    execFileSync(process.execPath, [path.join(ROOT, 'scripts', 'ensure-build.js')], { cwd: ROOT, stdio: 'pipe' });
  } catch (err) {
    // tsc still emits JavaScript when some unrelated file has a type error; the process tests
    // only need the emitted files, so they go on if those exist.
    if (!fs.existsSync(path.join(ROOT, 'dist', 'src', 'main', 'cli', 'main.js'))) throw err;
  }
}

export interface RunningProcess {
  child: ChildProcess;
  stdout(): string;
  stderr(): string;
  /** Resolves with the exit code (or the signal name) once the process has ended. */
  exited: Promise<number | string>;
  /** Resolves with the first JSON log line whose `message` equals `message`. */
  waitForLog(message: string): Promise<Record<string, unknown>>;
}

/** `cwd` defaults to the repository: an adopter's project elsewhere is its own working folder. */
export function runCli(args: string[], env: Record<string, string>, cwd: string = ROOT): RunningProcess {
  const child = spawn(process.execPath, [BIN, ...args], {
    cwd,
    env: { PATH: process.env.PATH ?? '', LOG_LEVEL: 'info', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  let err = '';
  const waiters: { message: string; resolve(line: Record<string, unknown>): void }[] = [];
  const scan = () => {
    for (const line of out.split('\n')) {
      if (!line.startsWith('{')) continue;
      let parsed: Record<string, unknown>;
      try {
        parsed = JSON.parse(line) as Record<string, unknown>;
      } catch {
        continue;
      }
      for (const w of waiters.splice(0)) {
        if (parsed.message === w.message) w.resolve(parsed);
        else waiters.push(w);
      }
    }
  };
  child.stdout!.on('data', (c: Buffer) => {
    out += c.toString('utf8');
    scan();
  });
  child.stderr!.on('data', (c: Buffer) => (err += c.toString('utf8')));
  const exited = new Promise<number | string>((resolve) => child.on('exit', (code, signal) => resolve(code ?? signal ?? -1)));
  return {
    child,
    stdout: () => out,
    stderr: () => err,
    exited,
    waitForLog(message) {
      return new Promise((resolve, reject) => {
        waiters.push({ message, resolve });
        scan();
        exited.then((code) => reject(new Error(`process exited (${code}) before logging '${message}'.\nstdout: ${out}\nstderr: ${err}`)));
      });
    },
  };
}
