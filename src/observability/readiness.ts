/**
 * Readiness: can this process do useful work right now? Each check resolves when its dependency
 * answers and rejects with a short reason otherwise; a check that hangs counts as failed after
 * `timeoutMs`, so `/ready` itself always answers quickly.
 */
import { readMigrations, type Migration, type Queryable } from '../store';

export interface ReadinessCheck {
  name: string;
  check(): Promise<void>;
}

export interface ReadinessReport {
  ready: boolean;
  checks: Record<string, { ok: true } | { ok: false; error: string }>;
}

function withTimeout<T>(p: Promise<T>, ms: number): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`no answer within ${ms} ms`)), ms);
  });
  return Promise.race([p, timeout]).finally(() => clearTimeout(timer));
}

export async function runReadiness(checks: readonly ReadinessCheck[], timeoutMs = 2_000): Promise<ReadinessReport> {
  const results = await Promise.all(
    checks.map(async (c) => {
      try {
        await withTimeout(c.check(), timeoutMs);
        return [c.name, { ok: true }] as const;
      } catch (err) {
        // Only the message: a connection error's details can carry host names, never secrets
        // (the logger's redaction does not run on HTTP bodies).
        const error = err instanceof Error ? err.message.split('\n')[0]!.slice(0, 200) : 'failed';
        return [c.name, { ok: false, error }] as const;
      }
    }),
  );
  return { ready: results.every(([, r]) => r.ok), checks: Object.fromEntries(results) };
}

/** The store answers and every migration this build ships has been applied. */
export function storeReadiness(store: Queryable, migrations: readonly Migration[] = readMigrations()): ReadinessCheck[] {
  return [
    { name: 'store', check: async () => void (await store.query('SELECT 1')) },
    {
      name: 'migrations',
      async check() {
        const { rows } = await store.query<{ version: string }>('SELECT version FROM schema_migrations');
        const applied = new Set(rows.map((r) => r.version));
        const missing = migrations.filter((m) => !applied.has(m.version)).map((m) => m.version);
        if (missing.length > 0) throw new Error(`migrations not applied: ${missing.join(', ')}`);
      },
    },
  ];
}
