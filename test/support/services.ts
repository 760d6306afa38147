/** The composition root as an entry point uses it: every setting read from `env`, then the services. */
import { silentLogger } from '../../src/observability/logger';
import { createServices, type BuiltServices } from '../../src/main/services';
import { readSettings } from '../../src/main/settings';

/** A configuration problem rejects the promise (as it stops start-up) instead of throwing. */
export function servicesFrom(env: NodeJS.ProcessEnv): Promise<BuiltServices> {
  return Promise.resolve().then(() => createServices(readSettings(env), silentLogger()));
}
