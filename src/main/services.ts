/**
 * The composition root, shared by every entry point (serve, worker, the CLI's `call`): opens the
 * store, builds the systems the connectors provide, durable delivery over them, and the ports
 * actions receive as `services`; and knows how to close them again.
 *
 * PostgreSQL (DATABASE_URL) is opened and migrated before the server listens, so a wrong URL or a
 * failing migration stops start-up. The embedded store is opened on first use instead: it costs
 * a WebAssembly start and a data folder that a server never asked about orders should not pay for;
 * on its first opening it migrates and loads the demo data.
 */
import type { Config } from '../config';
import type { ConnectorsConfig } from '../connectors/config';
import { StoreOrders, isEmpty, seedDemoData } from '../connectors/orders';
import { createSystems } from '../connectors/registry';
import { actionPorts } from '../delivery/action-ports';
import { proactivePorts } from '../delivery/proactive';
import type { DeliveryConfig } from '../delivery/config';
import { createDeliveryRuntime, type DeliveryRuntime } from '../delivery/runtime';
import { StoreQuotaCounter, VerificationBudget, identityFromConfig, type VerificationLimits } from '../identity';
import { StoreOneTimeCodes } from '../identity/store-one-time-codes';
import type { Logger } from '../observability/logger';
import { noErrorReporter, type ErrorReporter } from '../observability/error-reporter';
import { registerSecret } from '../observability/redact';
import { createSentryReporter } from '../observability/sentry';
import type { AttemptBudget, IdentityVerifier, VerificationLimit } from '../ports/identity';
import type { ActionServices } from '../sdk/services';
import { FieldCipher, LazyStore, openStore, type Store } from '../store';
import { outboxSample, type Metrics } from '../observability/metrics';
import { AuditKeyring, AuditRecorder, auditGatewayObserver, combineObservers } from '../observability/audit';
import { createRateLimiters, type RateLimiters } from '../ratelimit';
import fs from 'node:fs';
import path from 'node:path';

export type ServicesConfig = Partial<Pick<Config, 'SENTRY_DSN'>> &
  Pick<
  Config,
  | 'DATABASE_URL'
  | 'DATABASE_POOL_MAX'
  | 'DATA_DIR'
  | 'IDENTITY_JWT_SECRET'
  | 'IDENTITY_JWKS_URL'
  | 'IDENTITY_JWT_ISSUER'
  | 'IDENTITY_JWT_AUDIENCE'
  | 'IDENTITY_METADATA_KEY'
  | 'IDENTITY_ROLES_CLAIM'
  | 'IDENTITY_AGENT_ROLE'
  | 'IDENTITY_MAX_FAILURES'
  | 'IDENTITY_FAILURE_WINDOW_MS'
  | 'IDENTITY_MAX_FAILURES_PER_ORDER'
  | 'IDENTITY_MAX_FAILURES_PER_EMAIL'
  | 'IDENTITY_MAX_FAILURES_GLOBAL'
> &
  Partial<Pick<Config, 'IDENTITY_SALES_ROLE' | 'IDENTITY_EMAIL_CLAIM'>> &
  Partial<Pick<Config, 'AUDIT_LOG' | 'AUDIT_HMAC_KEY' | 'AUDIT_CHECKPOINT_EVERY' | 'DATA_ENCRYPTION_KEY' | 'REDIS_URL' | 'RATE_LIMIT_KEY_PREFIX'>>;

/** The one-time code settings; each has a default, so a caller may leave them out. */
type CodeSettings = Partial<Pick<Config, 'EMAIL_CODE_TTL_MS' | 'EMAIL_CODE_MAX_ATTEMPTS' | 'EMAIL_CODE_MAX_PER_ORDER' | 'EMAIL_CODE_WINDOW_MS'>>;

/** What the composition root needs of the settings (src/main/settings.ts reads them all). */
export interface ServicesSettings {
  app: ServicesConfig & CodeSettings;
  connectors: ConnectorsConfig;
  delivery: DeliveryConfig;
}

export interface BuiltServices {
  services: ActionServices;
  /** The company database the ports use; opened on first use for the embedded store. */
  store: Store;
  /** The outbox and its background work; `start` it in long-running processes only. */
  delivery: DeliveryRuntime;
  /** The audit log's writer; absent when AUDIT_LOG is off (or auto without DATABASE_URL). */
  audit?: AuditRecorder;
  /** Seals personal data at rest with DATA_ENCRYPTION_KEY (passes plaintext through without one). */
  cipher: FieldCipher;
  /** Rate-limit counters (connector quotas here, inbound limits in the server); in Redis with REDIS_URL. */
  rateLimiters: RateLimiters;
  /** Where bugs are reported beyond the log: Sentry with SENTRY_DSN, else nowhere. */
  errors: ErrorReporter;
  close(): Promise<void>;
}

export async function createServices(settings: ServicesSettings, logger: Logger, metrics?: Metrics): Promise<BuiltServices> {
  const { app: config, connectors, delivery: deliveryConfig } = settings;
  const errors = errorReporterFor(config.SENTRY_DSN);
  const identity = identityFromConfig(config);
  const store = new LazyStore(config.DATABASE_URL ? 'postgres' : 'embedded', async () => {
    const { store: opened, applied } = await openStore(config);
    if (applied.length > 0) logger.info('database migrated', { store: opened.kind, versions: applied });
    if (opened.kind === 'embedded' && (await isEmpty(opened))) {
      const seeded = await seedDemoData(opened);
      logger.info('embedded database: demo data loaded', { ...seeded, dataDir: config.DATA_DIR });
    }
    return opened;
  });
  if (config.DATABASE_URL) await store.get();
  else logger.info('embedded database opens on first use', { dataDir: config.DATA_DIR });

  // The embedded store would be opened (and its memory paid) just for the log: opt-in there.
  const auditOn = config.AUDIT_LOG === 'on' || (config.AUDIT_LOG !== 'off' && !!config.DATABASE_URL);
  const cipher = new FieldCipher(config.DATA_ENCRYPTION_KEY ?? []);
  const auditKeys = new AuditKeyring(config.AUDIT_HMAC_KEY ?? []);
  if (auditOn && !auditKeys.signer) logger.warn('audit log without AUDIT_HMAC_KEY: its chain detects accidents only, not someone with SQL access (docs/operations.md)');
  const audit = auditOn
    ? new AuditRecorder(store, {
        keys: auditKeys,
        cipher,
        checkpointEvery: config.AUDIT_CHECKPOINT_EVERY,
        // A copy outside the database: `audit verify --anchor seq:hash` checks the log still agrees.
        onCheckpoint: (cp) => logger.info('audit checkpoint', { seq: cp.seq, hash: cp.headHash, keyId: cp.keyId, signature: cp.signature }),
        onError: (err) => logger.error('audit log write failed; will retry', { error: err }),
      })
    : undefined;
  const rateLimiters = createRateLimiters({ redisUrl: config.REDIS_URL, keyPrefix: config.RATE_LIMIT_KEY_PREFIX, logger });
  if (config.REDIS_URL && !(await rateLimiters.connected())) logger.warn('Redis for rate limits did not answer at start-up; limits count per process until it does');
  const systems = createSystems(connectors, { store, cipher, logger, rateLimiters, observer: combineObservers(metrics?.gatewayObserver(), audit && auditGatewayObserver(audit)) });
  // Jobs left by an earlier run of the embedded store are picked up without waiting for a chat.
  const leftovers = !config.DATABASE_URL && fs.existsSync(path.join(path.resolve(config.DATA_DIR), 'pglite'));
  const delivery = createDeliveryRuntime({
    store,
    cipher,
    ports: systems,
    config: deliveryConfig,
    logger,
    ready: () => leftovers || store.isOpen,
    onStats: metrics ? (c) => metrics.outbox(outboxSample(c)) : undefined,
    // A job failing on a bug is reported; a vendor's fault is a connector error, which is not.
    onOutcome: (o) => {
      if (o.status === 'retrying' || o.status === 'dead') errors.reportBug(o.error, { job: { reference: o.job.reference, type: o.job.type, attempts: o.job.attempts } });
    },
  });
  logger.info('connectors', { crm: systems.crm.provider, ticketing: systems.ticketing.provider, knowledgeBase: systems.knowledgeBase.provider, workflow: systems.workflow ? 'webhook' : 'none', notify: systems.notifier?.provider ?? 'none' });
  // Knowing an order's email still reads it; changing it then needs a code mailed there, or a token.
  if (!systems.mailer) logger.info('email one-time codes are off (SMTP_URL unset): changing an order needs an identity token');
  const codeServices: Pick<ActionServices, 'mailer' | 'oneTimeCodes'> = systems.mailer
    ? {
        mailer: systems.mailer,
        oneTimeCodes: new StoreOneTimeCodes(
          store,
          { ttlMs: config.EMAIL_CODE_TTL_MS, maxAttempts: config.EMAIL_CODE_MAX_ATTEMPTS, maxIssues: config.EMAIL_CODE_MAX_PER_ORDER, issueWindowMs: config.EMAIL_CODE_WINDOW_MS },
          // What a code approves (the new address) is kept hashed, and sealed when a key is set.
          { cipher },
        ),
      }
    : {};

  const budget = new VerificationBudget({
    limits: verificationLimits(config),
    // Redis when configured (every replica, one count), with the store taking over while it is away.
    counter: rateLimiters.quotas ?? new StoreQuotaCounter(store),
    fallback: rateLimiters.quotas ? new StoreQuotaCounter(store) : undefined,
    onRefused: refusalReporter(logger, metrics),
    logger,
  });
  const services: ActionServices = {
    // Filing and lead-saving remember their conversation for proactive messages; enrolment when configured.
    ...proactivePorts(actionPorts(systems, delivery.delivery), systems, delivery.delivery),
    ...companyDataServices(store, identity, budget),
    ...codeServices,
  };
  return {
    services,
    store,
    delivery,
    audit,
    cipher,
    rateLimiters,
    errors,
    close: () =>
      delivery
        .stop()
        .then(() => audit?.close())
        .then(() => systems.rpa?.close?.())
        .finally(() => Promise.all([store.close(), rateLimiters.close()]).then(() => undefined))
        .finally(() => errors.flush(ERROR_REPORT_FLUSH_MS)),
  };
}

/** How long shutdown waits for bug reports still being sent. */
const ERROR_REPORT_FLUSH_MS = 2_000;

/** Sentry with SENTRY_DSN; the DSN's key lets anyone post reports, so it never reaches a log line. */
function errorReporterFor(dsn: string | undefined): ErrorReporter {
  if (!dsn) return noErrorReporter;
  registerSecret(dsn);
  registerSecret(decodeURIComponent(new URL(dsn).username));
  return createSentryReporter({ dsn });
}

/** The order ports over a given store; tests and embedders use it with a store they opened. */
export function companyDataServices(store: Store, identity: IdentityVerifier, budget: AttemptBudget): Pick<ActionServices, 'orders' | 'identity' | 'verificationBudget'> {
  return { orders: new StoreOrders(store), identity, verificationBudget: budget };
}

export function verificationLimits(config: ServicesConfig): VerificationLimits {
  return {
    perSender: config.IDENTITY_MAX_FAILURES,
    perEmail: config.IDENTITY_MAX_FAILURES_PER_EMAIL,
    perOrder: config.IDENTITY_MAX_FAILURES_PER_ORDER,
    global: config.IDENTITY_MAX_FAILURES_GLOBAL,
    windowMs: config.IDENTITY_FAILURE_WINDOW_MS,
  };
}

/**
 * Someone guessing order numbers or emails: every refusal is counted (the alert rules watch the
 * counter), and one log line per limit a minute says it is happening without letting the
 * guesser flood the log.
 */
function refusalReporter(logger: Logger, metrics?: Metrics): (limit: VerificationLimit, scope: { senderId: string; orderId?: string }) => void {
  const lastLogged = new Map<VerificationLimit, number>();
  return (limit, scope) => {
    metrics?.verificationRefused(limit);
    const now = Date.now();
    if (now - (lastLogged.get(limit) ?? 0) < 60_000) return;
    lastLogged.set(limit, now);
    logger.warn('identity verification throttled', { limit, senderId: scope.senderId, order: scope.orderId });
  };
}
