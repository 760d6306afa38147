/**
 * `npm run seed`: brings the configured database (DATABASE_URL, else the embedded one under
 * DATA_DIR) up to date and loads the demo customers and orders. Safe to run again.
 */
import { loadConfig } from '../config';
import { openStore } from '../store';
import { seedDemoData } from '../connectors/orders/seed';

export async function main(env: NodeJS.ProcessEnv = process.env, out: (line: string) => void = (l) => process.stdout.write(`${l}\n`)): Promise<number> {
  const config = loadConfig(env);
  const { store, applied } = await openStore(config);
  try {
    const seeded = await seedDemoData(store);
    const where = store.kind === 'postgres' ? 'PostgreSQL (DATABASE_URL)' : `the embedded database in ${config.DATA_DIR}`;
    out(`Migrations applied: ${applied.length ? applied.join(', ') : 'none (already current)'}`);
    out(`Demo data loaded into ${where}: ${seeded.customers} new customers, ${seeded.orders} new orders.`);
    return 0;
  } finally {
    await store.close();
  }
}
