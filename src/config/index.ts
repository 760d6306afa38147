/**
 * One validated configuration, read from environment variables once at start. An invalid
 * environment stops start-up with a message naming every bad variable at once.
 */
import fs from 'node:fs';
import path from 'node:path';
import { z } from 'zod';
import { EnvReader } from './env';
import { auditKeysSetting, dataKeysSetting } from './keys';

/** The package's demo actions (beside the compiled code in dist/, or the sources under ts-jest). */
export const BUILT_IN_ACTIONS_DIR = path.resolve(__dirname, '../../actions');
const PACKAGE_ROOT = path.basename(path.resolve(__dirname, '../..')) === 'dist' ? path.resolve(__dirname, '../../..') : path.resolve(__dirname, '../..');

/**
 * Without ACTIONS_DIR (or --actions): `./actions` of the working folder when there is one, as
 * `rasa run actions` finds its `actions` package; else the demo. In this repository's own root,
 * `./actions` is the demo's source, and the demo is served as built.
 */
function defaultActionsDir(): string {
  const found = path.resolve('actions');
  if (found !== path.join(PACKAGE_ROOT, 'actions') && fs.statSync(found, { throwIfNoEntry: false })?.isDirectory()) return found;
  return BUILT_IN_ACTIONS_DIR;
}

const bytes = z
  .string()
  .regex(/^\d+(\.\d+)?\s*(b|kb|mb|gb)?$/i, 'a size such as 20mb, 512kb or 1048576')
  .transform((s) => {
    const m = /^(\d+(?:\.\d+)?)\s*(b|kb|mb|gb)?$/i.exec(s)!;
    const unit = (m[2] ?? 'b').toLowerCase();
    const mult = { b: 1, kb: 1024, mb: 1024 ** 2, gb: 1024 ** 3 }[unit as 'b' | 'kb' | 'mb' | 'gb'];
    return Math.floor(Number(m[1]) * mult);
  });

/**
 * One token, or several separated by commas: while Rasa (or a scraper) moves to a new token, the
 * old and the new are both accepted. An empty entry is refused rather than dropped: `a,,b` or a
 * trailing comma is a typo, and the message never repeats the values.
 */
const tokenList = z.string().transform((value, ctx) => {
  const tokens = value.split(',').map((t) => t.trim());
  if (tokens.some((t) => t === '')) {
    ctx.addIssue({ code: 'custom', message: 'an empty entry in the comma-separated token list (a doubled, leading or trailing comma?)' });
    return z.NEVER;
  }
  return [...new Set(tokens)];
});

/**
 * `*`, or origins (`scheme://host[:port]`) separated by commas: who may call from a browser. A
 * path or a typo is refused, since a near miss would only show as a browser's CORS error.
 */
const originList = z.string().transform((value, ctx) => {
  const origins = value.split(',').map((o) => o.trim().replace(/\/+$/, ''));
  for (const origin of origins) {
    if (origin === '*') continue;
    let parsed: URL | null = null;
    try {
      parsed = new URL(origin);
    } catch {
      // reported below
    }
    if (!parsed || parsed.origin !== origin) {
      ctx.addIssue({ code: 'custom', message: `'${origin.slice(0, 100)}' is not * or an origin such as https://app.example.com` });
      return z.NEVER;
    }
  }
  return [...new Set(origins)];
});

const flag = z.enum(['true', 'false', '1', '0']).transform((v) => v === 'true' || v === '1');

const port = z.coerce.number().int().min(0).max(65535);
const positiveInt = z.coerce.number().int().positive();

export const ConfigSchema = z.object({
  PORT: port.default(5055),
  HOST: z.string().min(1).default('0.0.0.0'),
  LOG_LEVEL: z.enum(['error', 'warn', 'info', 'http', 'verbose', 'debug', 'silly']).default('info'),
  /** Also append every log line to this file (created when missing); stdout keeps them too. */
  LOG_FILE: z.string().min(1).optional(),
  /** Folder whose files export the actions to register (relative to the working folder). */
  ACTIONS_DIR: z.string().min(1).default(defaultActionsDir),
  /** Watch ACTIONS_DIR and reload the actions when a file changes (development). */
  AUTO_RELOAD: flag.default(false),
  /** Browser origins allowed to call (CORS, preflight included), comma-separated, or `*`; unset = no CORS headers. */
  CORS_ORIGINS: originList.optional(),
  /** PEM certificate (chain) file: set = the server speaks HTTPS only. */
  SSL_CERTIFICATE: z.string().min(1).optional(),
  /** PEM private key file of SSL_CERTIFICATE; unset = the key is in the certificate file. */
  SSL_KEYFILE: z.string().min(1).optional(),
  /** Passphrase of an encrypted SSL_KEYFILE. */
  SSL_PASSWORD: z.string().min(1).optional(),
  /** PEM CA certificate(s): set = every client must present a certificate they signed (mutual TLS). */
  SSL_CA_FILE: z.string().min(1).optional(),
  /** Largest accepted /webhook body, after decompression. Long conversations are big. */
  BODY_LIMIT: bytes.pipe(z.number().min(1024, 'at least 1kb')).default(20 * 1024 * 1024),
  /**
   * Deepest array/object nesting accepted in a JSON body (/webhook, Dialogflow, /hooks); deeper
   * gets a 400 before any action or adapter reads it. Capped: what reads the parsed body recurses.
   */
  JSON_MAX_DEPTH: positiveInt.max(1000, 'at most 1000').default(64),
  /** How long SIGTERM waits for in-flight calls before closing anyway. */
  SHUTDOWN_TIMEOUT_MS: positiveInt.default(30_000),
  /**
   * Server processes sharing PORT (node's cluster; `serve --workers`): one per core uses every
   * core. More than one needs DATABASE_URL, since the embedded database is one process's.
   */
  WEB_CONCURRENCY: positiveInt.max(64, 'at most 64').default(1),
  /**
   * Shared secret callers must present (Bearer, basic auth, X-Action-Token or ?token=); unset = no
   * auth. Comma-separated, any one of them is accepted (rotation: docs/operations.md).
   */
  ACTION_SERVER_TOKEN: tokenList.optional(),
  /** Query parameter carrying the token (Rasa's `token_name` in endpoints.yml). */
  ACTION_SERVER_TOKEN_NAME: z.string().regex(/^[A-Za-z0-9_.-]+$/, 'letters, digits, _ . -').default('token'),
  /** One more header that may carry the bare token (a name from endpoints.yml `headers`). */
  ACTION_SERVER_TOKEN_HEADER: z.string().regex(/^[A-Za-z0-9-]+$/, 'a header name').optional(),
  /** Port of a worker's /health, /ready, /metrics and /status (on HOST); unset = the worker serves no HTTP. */
  WORKER_PORT: port.optional(),
  /** Token protecting /metrics and /status; unset = open (scrapers on a private network). Comma-separated like ACTION_SERVER_TOKEN. */
  METRICS_TOKEN: tokenList.optional(),
  /**
   * Token an administrator pastes into the ops console (/status/login) to retry dead jobs; unset =
   * the console is read-only. Comma-separated like ACTION_SERVER_TOKEN; use tokens other than METRICS_TOKEN's.
   */
  ADMIN_TOKEN: tokenList.optional(),
  /** Hash-chained audit log of action executions and outbound calls: auto = on with DATABASE_URL. */
  AUDIT_LOG: z.enum(['auto', 'on', 'off']).default('auto'),
  /** `id:secret[,id:secret]`: the audit chain's links and checkpoints are HMACs under the first; every one verifies. Unset = unkeyed chain. */
  AUDIT_HMAC_KEY: auditKeysSetting.optional(),
  /** With AUDIT_HMAC_KEY, a signed checkpoint every this many audit rows. */
  AUDIT_CHECKPOINT_EVERY: positiveInt.default(1000),
  /** `id:key[,id:key]` (32 bytes base64 each): personal data at rest is sealed with the first; every one opens. Unset = plaintext. */
  DATA_ENCRYPTION_KEY: dataKeysSetting.optional(),
  /** /webhook requests per client IP per minute before 429; unset = no limit. */
  RATE_LIMIT_IP_PER_MINUTE: positiveInt.optional(),
  /** /webhook calls per conversation (sender_id) per minute before 429; unset = no limit. */
  RATE_LIMIT_SENDER_PER_MINUTE: positiveInt.optional(),
  /** Redis shared by every process for rate limits (inbound and per connector); unset = per process. */
  REDIS_URL: z.string().regex(/^rediss?:\/\//, 'a redis:// or rediss:// URL').optional(),
  /** Prefix of the rate-limit keys in Redis (separates deployments sharing one Redis). */
  RATE_LIMIT_KEY_PREFIX: z.string().min(1).default('actionbridge:rl'),
  /** OpenTelemetry: OTLP/HTTP collector base URL (traces go to `<url>/v1/traces`); unset = no tracing. */
  OTEL_EXPORTER_OTLP_ENDPOINT: z.url().optional(),
  /** OTLP/HTTP traces URL, when it is not `<OTEL_EXPORTER_OTLP_ENDPOINT>/v1/traces`. */
  OTEL_EXPORTER_OTLP_TRACES_ENDPOINT: z.url().optional(),
  OTEL_SERVICE_NAME: z.string().min(1).default('actionbridge'),
  /** Sentry DSN (`https://<key>@<host>/<project>`): bugs are reported there, redacted like the logs; unset = @sentry/node is never loaded. */
  SENTRY_DSN: z.string().regex(/^https?:\/\/[^/@]+@[^/]+\/./, 'a Sentry DSN such as https://<key>@<host>/<project>').optional(),
  /** Dialogflow intent/tag → action mapping (JSON); default `dialogflow.mapping.json` in the working folder when present. */
  DIALOGFLOW_MAPPING_FILE: z.string().min(1).optional(),
  /** Time an action gets before the Dialogflow adapter answers "still working" (ES hard limit is 5 s). */
  DIALOGFLOW_DEADLINE_MS: positiveInt.default(4500),
  /** PostgreSQL for company data (orders); unset = the embedded database under DATA_DIR. */
  DATABASE_URL: z.string().regex(/^postgres(ql)?:\/\//, 'a postgres:// or postgresql:// connection string').optional(),
  /** Largest number of pooled PostgreSQL connections. */
  DATABASE_POOL_MAX: positiveInt.default(10),
  /** Where the embedded database keeps its files. */
  DATA_DIR: z.string().min(1).default('./.data'),
  /** HS256 secret for identity tokens in message metadata (at least 32 characters). */
  IDENTITY_JWT_SECRET: z.string().min(32, 'at least 32 characters').optional(),
  /** JWKS URL publishing the RS256/ES256 keys identity tokens are signed with. */
  IDENTITY_JWKS_URL: z.url().optional(),
  /** Required `iss` of identity tokens (needed when a secret or JWKS is set). */
  IDENTITY_JWT_ISSUER: z.string().min(1).optional(),
  /** Required `aud` of identity tokens (needed when a secret or JWKS is set). */
  IDENTITY_JWT_AUDIENCE: z.string().min(1).optional(),
  /** The key of the latest user message's metadata that carries the identity token. */
  IDENTITY_METADATA_KEY: z.string().min(1).default('identity_token'),
  /** The identity token's claim that lists the holder's roles (an array, or a space-separated string). */
  IDENTITY_ROLES_CLAIM: z.string().min(1).default('roles'),
  /** The value in that claim that makes the holder a support agent (reads any ticket, documents solutions). */
  IDENTITY_AGENT_ROLE: z.string().min(1).default('agent'),
  /** The value in that claim that makes the holder a sales user (reads their own pipeline). */
  IDENTITY_SALES_ROLE: z.string().min(1).default('sales'),
  /** The identity token's claim holding the holder's email (matched to the CRM's owners and contacts). */
  IDENTITY_EMAIL_CLAIM: z.string().min(1).default('email'),
  /** Failed identity verifications per conversation before it is blocked for the window. */
  IDENTITY_MAX_FAILURES: positiveInt.default(5),
  IDENTITY_FAILURE_WINDOW_MS: positiveInt.default(15 * 60_000),
  /** Failed email verifications per order number (from any conversation) before it is blocked for the window. */
  IDENTITY_MAX_FAILURES_PER_ORDER: positiveInt.default(20),
  /** How long a one-time code mailed to approve an order change works. */
  EMAIL_CODE_TTL_MS: positiveInt.default(10 * 60_000),
  /** Wrong tries that burn a one-time code. */
  EMAIL_CODE_MAX_ATTEMPTS: positiveInt.default(5),
  /** One-time codes mailed per order (from any conversation) within EMAIL_CODE_WINDOW_MS, so the bot cannot flood an inbox. */
  EMAIL_CODE_MAX_PER_ORDER: positiveInt.default(3),
  EMAIL_CODE_WINDOW_MS: positiveInt.default(15 * 60_000),
  /** Failed email verifications per email address tried (across orders and conversations) within the window. */
  IDENTITY_MAX_FAILURES_PER_EMAIL: positiveInt.default(10),
  /** Failed email verifications across the whole deployment within the window: the ceiling on any enumeration. */
  IDENTITY_MAX_FAILURES_GLOBAL: positiveInt.default(1000),
});

export type Config = z.output<typeof ConfigSchema>;

export class ConfigError extends Error {
  constructor(readonly problems: string[]) {
    super(`Invalid configuration:\n${problems.map((p) => `  - ${p}`).join('\n')}`);
    this.name = 'ConfigError';
  }
}

/**
 * Reads the server's configuration; `env` is injectable for tests. Any variable may instead be
 * given as `<NAME>_FILE` (container secrets), by the one rule of EnvReader.
 */
export function loadConfig(env: NodeJS.ProcessEnv = process.env): Config {
  const input: Record<string, string> = {};
  const reader = new EnvReader(env);
  for (const key of Object.keys(ConfigSchema.shape)) {
    const value = reader.get(key);
    if (value !== undefined) input[key] = value;
  }
  const problems = [...reader.problems];
  const parsed = ConfigSchema.safeParse(input);
  if (!parsed.success) problems.push(...parsed.error.issues.map((i) => `${String(i.path[0])}: ${i.message}`));
  // A key or CA without a certificate would leave the server on plain HTTP, which its caller did not ask for.
  for (const key of ['SSL_KEYFILE', 'SSL_PASSWORD', 'SSL_CA_FILE'] as const) {
    if (input[key] !== undefined && input.SSL_CERTIFICATE === undefined) problems.push(`${key} needs SSL_CERTIFICATE (the server's certificate)`);
  }
  if (problems.length > 0) throw new ConfigError(problems);
  return parsed.data!;
}
