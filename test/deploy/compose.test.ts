/**
 * docker-compose.yml checked without a Docker engine: against a subset of the Compose
 * Specification's schema (test/fixtures/compose), then for what the deployment needs: images,
 * dependencies that exist, health checks, worker replicas, and an environment the server's own
 * configuration loaders accept.
 */
import fs from 'node:fs';
import path from 'node:path';
import Ajv from 'ajv';
import YAML from 'yaml';
import { ConfigSchema, loadConfig } from '../../src/config';
import { loadConnectorsConfig } from '../../src/connectors/config';
import { DELIVERY_ENV, loadDeliveryConfig } from '../../src/delivery/config';

const ROOT = path.resolve(__dirname, '../..');

interface Service {
  image?: string;
  build?: unknown;
  command?: string[] | string;
  environment?: Record<string, string | number | boolean | null>;
  depends_on?: Record<string, { condition: string }> | string[];
  healthcheck?: { test: string[] | string };
  deploy?: { replicas?: number };
}
interface Compose {
  services: Record<string, Service>;
  volumes?: Record<string, unknown>;
}

const compose = YAML.parse(fs.readFileSync(path.join(ROOT, 'docker-compose.yml'), 'utf8'), { merge: true }) as Compose;
const services = compose.services;

/** `${VAR:-default}` / `${VAR-default}` / `${VAR}` as `docker compose config` would render them with nothing set. */
function interpolate(value: string): string {
  return value.replace(/\$\{([A-Z0-9_]+)(:?-([^}]*))?\}/g, (_m, _name: string, _op: string | undefined, fallback: string | undefined) => fallback ?? '');
}

function envOf(service: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(services[service]?.environment ?? {})) out[k] = interpolate(v === null ? '' : String(v));
  return out;
}

/** Every variable name the server's configuration reads. */
function knownVariables(): Set<string> {
  const names = new Set<string>([...Object.keys(ConfigSchema.shape), ...DELIVERY_ENV]);
  const dir = path.join(ROOT, 'src', 'connectors');
  const files = fs.readdirSync(dir, { recursive: true, encoding: 'utf8' }).filter((f) => f.endsWith('config.ts'));
  for (const f of files) for (const m of fs.readFileSync(path.join(dir, f), 'utf8').matchAll(/'([A-Z][A-Z0-9_]{2,})'/g)) names.add(m[1]!);
  return names;
}

describe('docker-compose.yml', () => {
  it('is valid against the Compose Specification subset', () => {
    const schema = JSON.parse(fs.readFileSync(path.join(ROOT, 'test/fixtures/compose/compose-spec-subset.schema.json'), 'utf8')) as object;
    const validate = new Ajv({ allErrors: true, strict: false }).compile(schema);
    const ok = validate(compose);
    expect(validate.errors ?? []).toEqual([]);
    expect(ok).toBe(true);
  });

  it('the schema refuses what Compose refuses (it can fail)', () => {
    const schema = JSON.parse(fs.readFileSync(path.join(ROOT, 'test/fixtures/compose/compose-spec-subset.schema.json'), 'utf8')) as object;
    const validate = new Ajv({ allErrors: true, strict: false }).compile(schema);
    expect(validate({ services: { a: { image: 'x', restart: 'sometimes' } } })).toBe(false);
    expect(validate({ services: { a: { image: 'x', depends_on: { b: { condition: 'service_ready' } } } } })).toBe(false);
    expect(validate({ services: { a: { image: 'x', healthcheck: { test: ['CMD', 'true'], interval: '10 seconds' } } } })).toBe(false);
    expect(validate({ services: { a: { image: 'x', enviroment: {} } } })).toBe(false);
  });

  it('gives every service an image or a build, and depends only on services that exist', () => {
    for (const [name, s] of Object.entries(services)) {
      expect({ name, has: Boolean(s.image || s.build) }).toEqual({ name, has: true });
      const deps = Array.isArray(s.depends_on) ? s.depends_on : Object.keys(s.depends_on ?? {});
      for (const d of deps) expect({ name, dependsOn: d, exists: d in services }).toEqual({ name, dependsOn: d, exists: true });
    }
  });

  it('runs PostgreSQL, RabbitMQ, the action server, Rasa and replicated workers, with health checks', () => {
    for (const name of ['postgres', 'rabbitmq', 'actions', 'worker', 'rasa']) expect(Object.keys(services)).toContain(name);
    for (const name of ['postgres', 'rabbitmq', 'actions', 'worker']) expect(services[name]!.healthcheck?.test).toBeDefined();
    expect(JSON.stringify(services.postgres!.healthcheck!.test)).toContain('pg_isready');
    expect(JSON.stringify(services.rabbitmq!.healthcheck!.test)).toContain('rabbitmq-diagnostics');
    // Ready, not merely alive: the server's health check waits for the database and its migrations.
    expect(JSON.stringify(services.actions!.healthcheck!.test)).toContain('/ready');
    // A worker's check asks its own WORKER_PORT.
    expect(JSON.stringify(services.worker!.healthcheck!.test)).toContain(`:${envOf('worker').WORKER_PORT}/ready`);
    expect(services.worker!.command).toEqual(expect.arrayContaining(['worker']));
    expect(services.worker!.deploy?.replicas).toBeGreaterThanOrEqual(2);
    for (const name of ['actions', 'worker']) {
      const deps = services[name]!.depends_on as Record<string, { condition: string }>;
      expect(deps.postgres?.condition).toBe('service_healthy');
      expect(deps.rabbitmq?.condition).toBe('service_healthy');
    }
    const rasaDeps = services.rasa!.depends_on as Record<string, { condition: string }>;
    expect(rasaDeps.actions?.condition).toBe('service_healthy');
  });

  it('gives the action server and the workers the same database, broker and connectors', () => {
    const actions = envOf('actions');
    const worker = envOf('worker');
    for (const key of ['DATABASE_URL', 'AMQP_URL', 'AMQP_QUEUE', 'TICKETING_PROVIDER', 'CRM_PROVIDER', 'KB_PROVIDER', 'WORKFLOW_WEBHOOK_URL']) {
      expect(actions[key]).toBeDefined();
      expect(worker[key]).toBe(actions[key]);
    }
    expect(new URL(actions.DATABASE_URL!).hostname).toBe('postgres');
    expect(new URL(actions.AMQP_URL!).hostname).toBe('rabbitmq');
    // The credentials match what the database and broker containers are given.
    const pg = envOf('postgres');
    const db = new URL(actions.DATABASE_URL!);
    expect([db.username, db.password, db.pathname.slice(1)]).toEqual([pg.POSTGRES_USER, pg.POSTGRES_PASSWORD, pg.POSTGRES_DB]);
    const mq = envOf('rabbitmq');
    const broker = new URL(actions.AMQP_URL!);
    expect([broker.username, broker.password]).toEqual([mq.RABBITMQ_DEFAULT_USER, mq.RABBITMQ_DEFAULT_PASS]);
  });

  it('Prometheus scrapes the action server and every worker replica where compose serves them', () => {
    const prometheus = YAML.parse(fs.readFileSync(path.join(ROOT, 'ops/prometheus/prometheus.yml'), 'utf8')) as {
      scrape_configs: { job_name: string; static_configs?: { targets: string[] }[]; dns_sd_configs?: { names: string[]; type: string; port: number }[] }[];
    };
    const jobs = new Map(prometheus.scrape_configs.map((j) => [j.job_name, j]));
    expect(jobs.get('actionbridge')?.static_configs?.[0]?.targets).toEqual([`actions:${envOf('actions').PORT}`]);
    expect(jobs.get('actionbridge-worker')?.dns_sd_configs).toEqual([{ names: ['worker'], type: 'A', port: Number(envOf('worker').WORKER_PORT) }]);
  });

  it('only sets variables the server reads, and the server accepts them', () => {
    const known = knownVariables();
    for (const name of ['actions', 'worker']) {
      const env = envOf(name);
      const unknown = Object.keys(env).filter((k) => !known.has(k) && !/^HOOK_SECRET_[A-Z0-9_]+$/.test(k));
      expect({ service: name, unknown }).toEqual({ service: name, unknown: [] });
      expect(() => loadConfig(env)).not.toThrow();
      expect(() => loadConnectorsConfig(env)).not.toThrow();
      const delivery = loadDeliveryConfig(env);
      expect(delivery.amqp?.url).toBe(env.AMQP_URL);
    }
  });

  it('mails one-time codes to the Mailpit sink it runs, from a sender the server accepts', () => {
    const actions = envOf('actions');
    expect(new URL(actions.SMTP_URL!).hostname).toBe('mailpit');
    expect(services.mailpit!.image).toMatch(/^axllent\/mailpit:/);
    expect(JSON.stringify(services.mailpit!.healthcheck!.test)).toContain('readyz');
    expect(loadConnectorsConfig(actions).mail).toEqual({ url: actions.SMTP_URL, from: actions.SMTP_FROM });
  });

  it('declares the named volumes it mounts', () => {
    for (const s of Object.values(services)) {
      for (const v of (s as { volumes?: string[] }).volumes ?? []) {
        const source = String(v).split(':')[0]!;
        if (!source.startsWith('.') && !source.startsWith('/')) expect(Object.keys(compose.volumes ?? {})).toContain(source);
      }
    }
  });
});
