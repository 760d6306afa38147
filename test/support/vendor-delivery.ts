/**
 * Durable delivery over any vendor adapter on a fresh PostgreSQL schema: the real outbox, runner,
 * gateway and handlers, with the adapter built over the test's gateway (pointed at a vendor
 * fake), for the faults only a job's later attempts can show.
 */
import { Gateway, type ConnectorPolicy } from '../../src/connectors/kit/gateway';
import type { DeliveryConfig } from '../../src/delivery/config';
import type { DeliveryPorts } from '../../src/delivery/handlers';
import { createDeliveryRuntime, type DeliveryRuntime } from '../../src/delivery/runtime';
import { silentLogger } from '../../src/observability/logger';
import { migrate, type PgStore } from '../../src/store';
import { testDeliveryConfig, TEST_POLICY } from './delivery';
import { createPgSchema, type PgSchema } from './stores';

export interface VendorDeliveryHarness<P extends DeliveryPorts> {
  ports: P;
  gateway: Gateway;
  runtime: DeliveryRuntime;
  store: PgStore;
  close(): Promise<void>;
}

export async function startVendorDelivery<P extends DeliveryPorts>(
  build: (gateway: Gateway) => P,
  opts: { policy?: Partial<ConnectorPolicy>; config?: Partial<DeliveryConfig> } = {},
): Promise<VendorDeliveryHarness<P>> {
  const schema: PgSchema = await createPgSchema();
  const store = schema.store(6);
  await migrate(store);
  const gateway = new Gateway({ defaults: { ...TEST_POLICY, ...opts.policy } });
  const ports = build(gateway);
  const runtime = createDeliveryRuntime({ store, ports, config: testDeliveryConfig(opts.config), logger: silentLogger() });
  return {
    ports,
    gateway,
    runtime,
    store,
    async close() {
      await runtime.stop();
      await store.close();
      await schema.drop();
    },
  };
}
