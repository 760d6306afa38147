import { servicesFrom } from '../support/services';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { ConfigError, loadConfig } from '../../src/config';
import { createPgSchema, databaseUrl } from '../support/stores';
import { randomUUID } from 'node:crypto';
import { createServices } from '../../src/main/services';
import { readSettings } from '../../src/main/settings';
import { Metrics } from '../../src/observability/metrics';
import { silentLogger } from '../../src/observability/logger';

const baseEnv = { CRM_PROVIDER: 'local', TICKETING_PROVIDER: 'local', KB_PROVIDER: 'local' };

describe('createServices', () => {
  it('opens and migrates PostgreSQL before returning, and closes it again', async () => {
    const schema = await createPgSchema();
    try {
      const env = { ...baseEnv, DATABASE_URL: `${databaseUrl()}?options=${encodeURIComponent(`-c search_path=${schema.name}`)}` };
      const built = await servicesFrom(env);
      try {
        expect(built.store.kind).toBe('postgres');
        const { rows } = await built.store.query<{ n: number }>('SELECT count(*)::int AS n FROM schema_migrations');
        expect(rows[0]!.n).toBeGreaterThan(0);
        // PostgreSQL is not seeded automatically: that is `npm run seed`.
        expect(await built.services.orders!.findById('ORD-48213')).toBeNull();
      } finally {
        await built.close();
      }
      await expect(built.store.query('SELECT 1')).rejects.toThrow();
    } finally {
      await schema.drop();
    }
  });

  describe('verification limits shared by replicas', () => {
    const guess = { senderId: 'x', email: 'ada@example.com', orderId: 'ORD-48213' };
    const replicasOf = async (env: NodeJS.ProcessEnv) => {
      const metrics = [new Metrics({ defaultMetrics: false }), new Metrics({ defaultMetrics: false })];
      const built = await Promise.all(metrics.map((m) => createServices(readSettings({ ...baseEnv, IDENTITY_MAX_FAILURES_GLOBAL: '2', ...env }), silentLogger(), m)));
      return { built, metrics, close: () => Promise.all(built.map((b) => b.close())) };
    };

    it('count in the database without Redis: two servers on one PostgreSQL meet one global budget, and refusals reach /metrics', async () => {
      const schema = await createPgSchema();
      const { built, metrics, close } = await replicasOf({ DATABASE_URL: `${databaseUrl()}?options=${encodeURIComponent(`-c search_path=${schema.name}`)}` });
      try {
        expect((await built[0]!.services.verificationBudget!.reserve({ ...guess, senderId: 'a' })).granted).toBe(true);
        expect((await built[1]!.services.verificationBudget!.reserve({ ...guess, senderId: 'b' })).granted).toBe(true);
        expect(await built[0]!.services.verificationBudget!.reserve({ ...guess, senderId: 'c' })).toEqual({ granted: false, limit: 'global' });
        expect(await metrics[0]!.render()).toContain('actionbridge_verification_refused_total{limit="global"} 1');
      } finally {
        await close();
        await schema.drop();
      }
    });

    it('count in Redis with REDIS_URL', async () => {
      const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'ab-services-'));
      const { built, close } = await replicasOf({ DATA_DIR: dataDir, REDIS_URL: process.env.REDIS_URL ?? 'redis://127.0.0.1:6379', RATE_LIMIT_KEY_PREFIX: `test:${randomUUID()}` });
      try {
        expect(built[0]!.rateLimiters.quotas?.where).toBe('redis');
        expect((await built[0]!.services.verificationBudget!.reserve({ ...guess, senderId: 'a' })).granted).toBe(true);
        expect((await built[1]!.services.verificationBudget!.reserve({ ...guess, senderId: 'b' })).granted).toBe(true);
        expect(await built[1]!.services.verificationBudget!.reserve({ ...guess, senderId: 'c' })).toEqual({ granted: false, limit: 'global' });
        // Redis counted it: the embedded database was never opened for the limits.
        expect(fs.existsSync(path.join(dataDir, 'pglite'))).toBe(false);
      } finally {
        await close();
        fs.rmSync(dataDir, { recursive: true, force: true });
      }
    });
  });

  it('refuses to start when PostgreSQL is unreachable', async () => {
    const env = { ...baseEnv, DATABASE_URL: 'postgres://postgres@127.0.0.1:1/none' };
    await expect(servicesFrom(env)).rejects.toThrow();
  });

  it('opens the embedded database only on first use, then with the demo data', async () => {
    const dataDir = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'ab-services-')), 'data');
    const env = { ...baseEnv, DATA_DIR: dataDir };
    const built = await servicesFrom(env);
    try {
      expect(fs.existsSync(dataDir)).toBe(false);
      const order = await built.services.orders!.findById('ORD-48213');
      expect(order).toMatchObject({ customerId: 'C-1001', email: 'ada@example.com' });
      expect(fs.existsSync(dataDir)).toBe(true);
    } finally {
      await built.close();
      fs.rmSync(path.dirname(dataDir), { recursive: true, force: true });
    }
  });

  it('refuses an identity key without issuer and audience, naming the variables', async () => {
    const env = { ...baseEnv, IDENTITY_JWT_SECRET: 'x'.repeat(40) };
    await expect(servicesFrom(env)).rejects.toThrow(ConfigError);
    await expect(servicesFrom(env)).rejects.toThrow(/IDENTITY_JWT_ISSUER[\s\S]*IDENTITY_JWT_AUDIENCE/);
  });
});

describe('company-data configuration', () => {
  it('defaults to the embedded database in ./.data and the identity_token metadata key', () => {
    const c = loadConfig({});
    expect(c.DATABASE_URL).toBeUndefined();
    expect(c.DATA_DIR).toBe('./.data');
    expect(c.IDENTITY_METADATA_KEY).toBe('identity_token');
    expect(c.IDENTITY_MAX_FAILURES).toBe(5);
  });

  it('rejects a non-PostgreSQL URL, a short secret and a JWKS URL that is not a URL', () => {
    expect(() => loadConfig({ DATABASE_URL: 'mysql://x', IDENTITY_JWT_SECRET: 'short', IDENTITY_JWKS_URL: 'not a url' })).toThrow(
      /DATABASE_URL[\s\S]*IDENTITY_JWT_SECRET[\s\S]*IDENTITY_JWKS_URL/,
    );
  });
});
