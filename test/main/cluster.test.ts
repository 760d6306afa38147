/**
 * Cluster mode's pieces in-process: the flag and its variable, the refusal of a store that cannot
 * be shared, and the replacement delay that keeps a crash loop from spinning. The processes
 * themselves are in cluster-process.test.ts.
 */
import { ConfigError, loadConfig } from '../../src/config';
import { main, type Io } from '../../src/main/cli/main';
import { serveEnv } from '../../src/main/cli/serve-args';
import { clusterRefusal, respawnDelay } from '../../src/main/cluster';

async function run(argv: string[], env: NodeJS.ProcessEnv = {}) {
  const err: string[] = [];
  const io: Io = { out: () => undefined, err: (s) => err.push(s) };
  const code = await main(argv, io, env);
  return { code, err: err.join('\n') };
}

describe('WEB_CONCURRENCY and --workers', () => {
  it('--workers N sets WEB_CONCURRENCY, which the one config reader reads (default 1)', () => {
    const env = serveEnv(['--workers', '4'], { WEB_CONCURRENCY: '2' });
    expect(env.WEB_CONCURRENCY).toBe('4');
    expect(loadConfig(env).WEB_CONCURRENCY).toBe(4);
    expect(loadConfig({}).WEB_CONCURRENCY).toBe(1);
    expect(loadConfig({ WEB_CONCURRENCY: '3' }).WEB_CONCURRENCY).toBe(3);
  });

  it.each([['0'], ['-1'], ['two'], ['1.5'], ['']])('--workers %j is a usage error (exit 2)', async (value) => {
    const r = await run(['serve', '--workers', value]);
    expect(r.code).toBe(2);
    expect(r.err).toContain('--workers');
  });

  it.each([['0'], ['65'], ['many']])('WEB_CONCURRENCY=%j is a configuration problem naming it', (value) => {
    let problems: string[] = [];
    try {
      loadConfig({ WEB_CONCURRENCY: value });
    } catch (err) {
      if (err instanceof ConfigError) problems = err.problems;
    }
    expect(problems.some((p) => p.startsWith('WEB_CONCURRENCY:'))).toBe(true);
  });

  it('refuses more than one process on the embedded store, naming both ways out', () => {
    const refusal = clusterRefusal({ WEB_CONCURRENCY: 2, DATABASE_URL: undefined });
    expect(refusal).toContain('DATABASE_URL');
    expect(refusal).toContain('WEB_CONCURRENCY=1');
    expect(clusterRefusal({ WEB_CONCURRENCY: 1, DATABASE_URL: undefined })).toBeNull();
    expect(clusterRefusal({ WEB_CONCURRENCY: 8, DATABASE_URL: 'postgres://db/app' })).toBeNull();
  });
});

describe('respawnDelay', () => {
  const now = 1_000_000;

  it('starts short and doubles with each death in the last minute, up to 30 s', () => {
    const delays = [1, 2, 3, 4, 5, 6, 7, 8, 9, 10].map((n) => respawnDelay(Array.from({ length: n }, (_, i) => now - i), now));
    expect(delays.slice(0, 4)).toEqual([200, 400, 800, 1600]);
    for (let i = 1; i < delays.length; i++) expect(delays[i]).toBeGreaterThanOrEqual(delays[i - 1]!);
    expect(Math.max(...delays)).toBe(30_000);
  });

  it('forgets deaths older than a minute: a process that ran a long time is replaced at once', () => {
    expect(respawnDelay([now - 120_000, now - 90_000, now - 61_000, now], now)).toBe(200);
  });
});
