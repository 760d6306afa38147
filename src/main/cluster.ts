/**
 * `serve` on every core: with WEB_CONCURRENCY=N (or `--workers N`) above 1, this process becomes
 * node's cluster primary and forks N server processes that share PORT (the primary accepts the
 * connections and hands them round-robin to the processes). Each of them is a plain `serve`
 * (startServer), with its own graceful shutdown.
 *
 * The primary only supervises: a process that dies while the server is meant to run is replaced,
 * after a delay that doubles with each recent death so a crash loop does not spin; SIGTERM or
 * SIGINT is passed to every process, and the primary exits once all have drained (0 when each
 * exited 0). A process that dies before the first ones all listen stops start-up instead (a wrong
 * DATABASE_URL would otherwise be retried forever).
 *
 * What N processes share must live outside them: the embedded database is one process's (its data
 * folder is locked, src/store/dir-lock.ts), so N > 1 without DATABASE_URL is refused before any
 * process starts. The outbox claims jobs in PostgreSQL (FOR UPDATE SKIP LOCKED, a claim token per
 * job), so N delivery runners never run one job twice; the audit chain's appends lock its head row.
 */
import cluster, { type Worker } from 'node:cluster';
import type { Config } from '../config';
import { ConfigError } from '../config';
import { createLogger, type Logger } from '../observability/logger';
import { readSettings } from './settings';
import { STOP_MESSAGE } from './stop-request';

/** Why N processes cannot run with this configuration, or null when they can. */
export function clusterRefusal(config: Pick<Config, 'WEB_CONCURRENCY' | 'DATABASE_URL'>): string | null {
  if (config.WEB_CONCURRENCY <= 1 || config.DATABASE_URL) return null;
  return (
    `WEB_CONCURRENCY (or --workers) is ${config.WEB_CONCURRENCY}, but the embedded database (DATA_DIR) can be opened by one process only. ` +
    'Set DATABASE_URL to a PostgreSQL database the processes share, or run one process (WEB_CONCURRENCY=1).'
  );
}

/** First delay before replacing a dead process; it doubles with each death in the last minute. */
const RESPAWN_BASE_MS = 200;
const RESPAWN_MAX_MS = 30_000;
const DEATH_WINDOW_MS = 60_000;
/** Beyond SHUTDOWN_TIMEOUT_MS, the time a process gets to close its database and exit. */
const EXIT_GRACE_MS = 10_000;

/** Delay before the next replacement, given the times of the deaths so far (newest last). */
export function respawnDelay(deaths: readonly number[], now: number): number {
  const recent = deaths.filter((t) => now - t < DEATH_WINDOW_MS).length;
  return Math.min(RESPAWN_MAX_MS, RESPAWN_BASE_MS * 2 ** Math.max(0, recent - 1));
}

export interface ClusterOptions {
  workers: number;
  logger: Logger;
  shutdownTimeoutMs: number;
  /** The signals that stop the cluster (tests pass none and call the returned stop). */
  signals?: NodeJS.Signals[];
}

export interface RunningCluster {
  /** Resolves once every first process listens, with their pids; rejects when one dies first. */
  ready: Promise<number[]>;
  /** Resolves with the exit code once every process has ended after a stop (or a failed start). */
  done: Promise<number>;
  stop(signal?: NodeJS.Signals): void;
}

/** Forks the server processes and supervises them. Call in the primary only. */
export function startCluster(opts: ClusterOptions): RunningCluster {
  const { logger } = opts;
  const live = new Set<Worker>();
  const listening = new Set<Worker>();
  const deaths: number[] = [];
  const timers = new Set<NodeJS.Timeout>();
  let starting = true;
  let stopping = false;
  let failed = false;
  let cleanExits = true;

  let resolveReady!: (pids: number[]) => void;
  let rejectReady!: (err: Error) => void;
  const ready = new Promise<number[]>((resolve, reject) => {
    resolveReady = resolve;
    rejectReady = reject;
  });
  // A failed start is told through `done` too; nobody has to listen to `ready`.
  ready.catch(() => undefined);
  let resolveDone!: (code: number) => void;
  const done = new Promise<number>((resolve) => (resolveDone = resolve));

  const fork = (): void => {
    const worker = cluster.fork();
    live.add(worker);
    worker.once('listening', (address: { port: number }) => {
      listening.add(worker);
      logger.info('server process listening', { pid: worker.process.pid, port: address.port });
      if (starting && listening.size === opts.workers) {
        starting = false;
        const pids = [...listening].map((w) => w.process.pid!);
        logger.info('all server processes listening', { workers: opts.workers, pids, port: address.port });
        resolveReady(pids);
      }
    });
    worker.once('exit', (code, signal) => {
      const served = listening.has(worker);
      live.delete(worker);
      listening.delete(worker);
      const pid = worker.process.pid;
      if (stopping) {
        // One still starting when the signal came had nothing in flight: its end is clean too.
        if (code !== 0 && !(!served && (signal === 'SIGTERM' || signal === 'SIGINT'))) cleanExits = false;
        logger.info('server process stopped', { pid, code, signal });
      } else if (starting) {
        logger.error('a server process ended during start-up: stopping the others', { pid, code, signal });
        failed = true;
        rejectReady(new Error(`a server process ended during start-up (code ${code}, signal ${signal})`));
        stop('SIGTERM');
      } else {
        deaths.push(Date.now());
        const delayMs = respawnDelay(deaths, Date.now());
        logger.error('server process died: replacing it', { pid, code, signal, delayMs });
        const timer = setTimeout(() => {
          timers.delete(timer);
          if (!stopping) fork();
        }, delayMs);
        timers.add(timer);
      }
      if (stopping && live.size === 0) finish();
    });
  };

  let killer: NodeJS.Timeout | undefined;
  const finish = (): void => {
    if (killer) clearTimeout(killer);
    for (const [sig, handler] of handlers) process.off(sig, handler);
    const code = failed || !cleanExits ? 1 : 0;
    logger.info('stopped', { code });
    resolveDone(code);
  };

  const stop = (signal: NodeJS.Signals = 'SIGTERM'): void => {
    if (stopping) return;
    stopping = true;
    for (const t of timers) clearTimeout(t);
    timers.clear();
    if (!failed) logger.info('shutting down: every server process finishes its in-flight calls', { signal, workers: live.size });
    if (live.size === 0) return finish();
    // Each process drains as a lone `serve` does; one still starting has nothing to drain and
    // cannot hear the message yet. A process still there past its own deadline is killed.
    for (const w of live) {
      if (listening.has(w) && w.isConnected()) w.send(STOP_MESSAGE, undefined, undefined, (err) => err && w.process.kill(signal));
      else w.process.kill(signal);
    }
    killer = setTimeout(() => {
      for (const w of live) {
        cleanExits = false;
        logger.error('server process did not stop in time: killing it', { pid: w.process.pid });
        w.process.kill('SIGKILL');
      }
    }, opts.shutdownTimeoutMs + EXIT_GRACE_MS);
  };

  const handlers = (opts.signals ?? ['SIGTERM', 'SIGINT']).map((sig) => [sig, () => stop(sig)] as const);
  for (const [sig, handler] of handlers) process.on(sig, handler);

  logger.info('starting server processes', { workers: opts.workers, primaryPid: process.pid });
  for (let i = 0; i < opts.workers; i++) fork();
  return { ready, done, stop };
}

/**
 * `actionbridge serve`: one server in this process, or, with WEB_CONCURRENCY above 1, the cluster
 * primary. Resolves with -1 while a lone server runs (it exits on its own signal), or with the
 * primary's exit code once the cluster has stopped.
 */
export async function serve(env: NodeJS.ProcessEnv): Promise<number> {
  const { startServer } = await import('./serve');
  if (cluster.isWorker) {
    await startServer(env);
    return -1;
  }
  // Read (and checked) once here, so a mistake is told once and not by each process.
  const { app: config } = readSettings(env);
  if (config.WEB_CONCURRENCY <= 1) {
    await startServer(env);
    return -1;
  }
  const refusal = clusterRefusal(config);
  if (refusal) throw new ConfigError([refusal]);
  const logger = createLogger(config.LOG_LEVEL, undefined, { file: config.LOG_FILE });
  if ((config.RATE_LIMIT_IP_PER_MINUTE || config.RATE_LIMIT_SENDER_PER_MINUTE) && !config.REDIS_URL) {
    logger.warn('inbound rate limits count per process without REDIS_URL: each of the server processes allows the full limit', { workers: config.WEB_CONCURRENCY });
  }
  const running = startCluster({ workers: config.WEB_CONCURRENCY, logger, shutdownTimeoutMs: config.SHUTDOWN_TIMEOUT_MS });
  return running.done;
}
