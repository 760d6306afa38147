/**
 * A real ActionBridge server for the order actions: real store (embedded or PostgreSQL, migrated
 * and seeded with the demo data), real JWT verification, the real actions, on 127.0.0.1:0; with
 * `smtpUrl`, one-time codes in that store, mailed through the real SMTP connector.
 */
import { replyOf } from './webhook-body';
import path from 'node:path';
import request from 'supertest';
import { changeDeliveryAddress } from '../../actions/change-delivery-address';
import { fetchOrder } from '../../actions/fetch-order';
import { validateAddressForm, validateOrderForm } from '../../actions/order-forms';
import { readDomain } from '../../src/protocol/domain-file';
import { seedDemoData } from '../../src/connectors/orders';
import { JwtIdentityVerifier, StoreQuotaCounter, VerificationBudget } from '../../src/identity';
import { silentLogger } from '../../src/observability/logger';
import type { Domain } from '../../src/protocol/request';
import { ActionRegistry } from '../../src/sdk/registry';
import { buildTracker, type TrackerSpec } from '../../src/sdk/testkit';
import { createActionServer, type ActionServer } from '../../src/server/app';
import { companyDataServices } from '../../src/main/services';
import { loadConnectorsConfig } from '../../src/connectors/config';
import { createSystems } from '../../src/connectors/registry';
import { StoreOneTimeCodes, type OneTimeCodeSettings } from '../../src/identity/store-one-time-codes';
import type { ActionServices } from '../../src/sdk/services';
import { migrate, type Store } from '../../src/store';
import { AUDIENCE, ISSUER, SECRET } from './tokens';
import type { StoreTarget } from './stores';

export const DOMAIN: Domain = readDomain(path.resolve(__dirname, '../../rasa-project/domain.yml'));

export interface OrdersHarness {
  store: Store;
  budget: VerificationBudget;
  /** POSTs a Rasa-format call of `action` to /webhook. */
  call(action: string, spec: TrackerSpec): Promise<request.Response>;
  close(): Promise<void>;
}

export interface OrdersServerOptions {
  maxFailures?: number;
  /** The SMTP server one-time codes are mailed through; none = codes are off, as without SMTP_URL. */
  smtpUrl?: string;
  codeSettings?: Partial<OneTimeCodeSettings>;
  /** The one-time codes' clock (to expire codes without waiting). */
  now?: () => number;
}

export const MAIL_FROM = 'Shop <codes@shop.example>';

export async function startOrdersServer(target: StoreTarget, opts: OrdersServerOptions = {}): Promise<OrdersHarness> {
  const { store, cleanup } = await target.open();
  await migrate(store);
  await seedDemoData(store);
  // Counted in the store under test, as a server without Redis does.
  const budget = new VerificationBudget({
    limits: { perSender: opts.maxFailures ?? 1000, perEmail: 1000, perOrder: 1000, global: 10_000, windowMs: 15 * 60_000 },
    counter: new StoreQuotaCounter(store),
  });
  const identity = new JwtIdentityVerifier({ secret: SECRET, issuer: ISSUER, audience: AUDIENCE });
  const registry = new ActionRegistry();
  for (const a of [fetchOrder, changeDeliveryAddress, validateOrderForm, validateAddressForm]) registry.register(a);
  const services: ActionServices = companyDataServices(store, identity, budget);
  if (opts.smtpUrl) {
    // The mailer as the composition root builds it: from the environment, through the gateway.
    services.mailer = createSystems(loadConnectorsConfig({ SMTP_URL: opts.smtpUrl, SMTP_FROM: MAIL_FROM }), { store }).mailer;
    services.oneTimeCodes = new StoreOneTimeCodes(store, opts.codeSettings, { now: opts.now });
  }
  const server: ActionServer = createActionServer({
    config: { BODY_LIMIT: 1024 * 1024, SHUTDOWN_TIMEOUT_MS: 2000 },
    registry,
    logger: silentLogger(),
    services,
  });
  const { port } = await server.listen(0, '127.0.0.1');
  const url = `http://127.0.0.1:${port}`;
  return {
    store,
    budget,
    call(action, spec) {
      const tracker = buildTracker(spec);
      return request(url).post('/webhook').send({ next_action: action, sender_id: tracker.sender_id, tracker, domain: DOMAIN, version: '3.16.0' });
    },
    async close() {
      await server.shutdown();
      await cleanup();
    },
  };
}

/** The texts of a /webhook answer's responses. */
export const textsOf = (res: request.Response): string[] => replyOf(res.body).texts;

/** Slot values set by a /webhook answer's events. */
export const slotsOf = (res: request.Response): Record<string, unknown> => replyOf(res.body).slots;
