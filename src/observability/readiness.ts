/**
 * Readiness: can this process do useful work right now? Each check resolves when its dependency
 * answers and rejects otherwise; a check that hangs counts as failed after `timeoutMs`, so
 * `/ready` itself always answers quickly.
 *
 * `/ready` is unauthenticated (orchestrators probe it), so what it shows is the check's name, ok
 * or not, and a reason code from a fixed list. The error itself (a PostgreSQL or RabbitMQ message
 * naming hosts, ports, users, queues) goes to the log, for the operator.
 */
import { readMigrations, type Migration, type Queryable } from '../store';

export interface ReadinessCheck {
  name: string;
  check(): Promise<void>;
}

/** Why a check failed, as `/ready` says it: no other words reach the caller. */
export type NotReadyReason = 'timeout' | 'failed' | 'not_started' | 'migrations_pending';

/** Thrown by a check that knows its more specific reason. */
export class NotReady extends Error {
  constructor(
    readonly reason: NotReadyReason,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
    this.name = 'NotReady';
  }
}

export type CheckResult = { ok: true } | { ok: false; reason: NotReadyReason };

export interface ReadinessFailure {
  check: string;
  reason: NotReadyReason;
  /** The raw error: for the log only, never for the HTTP answer. */
  error: unknown;
}

export interface ReadinessReport {
  ready: boolean;
  checks: Record<string, CheckResult>;
  failures: ReadinessFailure[];
}

function withTimeout<T>(p: Promise<T>, ms: number): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new NotReady('timeout', `no answer within ${ms} ms`)), ms);
  });
  return Promise.race([p, timeout]).finally(() => clearTimeout(timer));
}

export async function runReadiness(checks: readonly ReadinessCheck[], timeoutMs = 2_000): Promise<ReadinessReport> {
  const failures: ReadinessFailure[] = [];
  const results = await Promise.all(
    checks.map(async (c): Promise<readonly [string, CheckResult]> => {
      try {
        await withTimeout(c.check(), timeoutMs);
        return [c.name, { ok: true }];
      } catch (err) {
        const reason = err instanceof NotReady ? err.reason : 'failed';
        failures.push({ check: c.name, reason, error: err });
        return [c.name, { ok: false, reason }];
      }
    }),
  );
  return { ready: failures.length === 0, checks: Object.fromEntries(results), failures };
}

/**
 * The error and what caused it, one line each (name, code, message), for the log line of a failed
 * check: the store's error says "not reachable" and its cause says where (connect ECONNREFUSED
 * host:port), possibly as several attempts of one AggregateError. Bounded, cycles ignored.
 */
export function causesOf(err: unknown, limit = 8): string[] {
  const lines: string[] = [];
  const pending: unknown[] = [err];
  const seen = new Set<unknown>();
  while (pending.length > 0 && lines.length < limit) {
    const e = pending.shift();
    if (e === undefined || e === null || seen.has(e)) continue;
    seen.add(e);
    if (!(e instanceof Error)) {
      lines.push(String(e));
      continue;
    }
    const code = (e as { code?: unknown }).code;
    lines.push(`${e.name}${typeof code === 'string' ? ` ${code}` : ''}: ${e.message}`);
    if (e instanceof AggregateError) pending.push(...(e.errors as unknown[]));
    pending.push(e.cause);
  }
  return lines;
}

/** The store answers and every migration this build ships has been applied. */
const UNDEFINED_TABLE = '42P01';

export function storeReadiness(store: Queryable, migrations: readonly Migration[] = readMigrations()): ReadinessCheck[] {
  return [
    { name: 'store', check: async () => void (await store.query('SELECT 1')) },
    {
      name: 'migrations',
      async check() {
        const { rows } = await store.query<{ version: string }>('SELECT version FROM schema_migrations').catch((err: unknown) => {
          // No table yet (SQLSTATE 42P01, undefined_table): nothing has been migrated.
          if ((err as { code?: unknown } | null)?.code === UNDEFINED_TABLE) throw new NotReady('migrations_pending', 'no migration has been applied', { cause: err });
          throw err;
        });
        const applied = new Set(rows.map((r) => r.version));
        const missing = migrations.filter((m) => !applied.has(m.version)).map((m) => m.version);
        if (missing.length > 0) throw new NotReady('migrations_pending', `migrations not applied: ${missing.join(', ')}`);
      },
    },
  ];
}
