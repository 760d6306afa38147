/** Starts a real ActionBridge HTTP server on 127.0.0.1:0 for a test, with the registry it needs. */
import type { Logger } from '../../src/observability/logger';
import { silentLogger } from '../../src/observability/logger';
import type { Action } from '../../src/sdk/action';
import { ActionRegistry } from '../../src/sdk/registry';
import { createActionServer, type ActionServer } from '../../src/server/app';
import type { CallRecord } from '../../src/channels/rasa/webhook';

export interface TestServerOptions {
  bodyLimit?: number;
  shutdownTimeoutMs?: number;
  /** ACTION_SERVER_TOKEN (several = a rotation); unset = no auth. */
  token?: string | string[];
  logger?: Logger;
  onCall?(call: CallRecord): void;
}

export interface TestServer {
  url: string;
  port: number;
  server: ActionServer;
  close(): Promise<void>;
}

/** A token or several as the configuration holds them (a list). */
export const tokenList = (token: string | string[] | undefined): string[] | undefined => (token === undefined ? undefined : [token].flat());

export function registryOf(...actions: Action[]): ActionRegistry {
  const registry = new ActionRegistry();
  for (const a of actions) registry.register(a);
  return registry;
}

export async function startTestServer(registry: ActionRegistry, opts: TestServerOptions = {}): Promise<TestServer> {
  const server = createActionServer({
    config: { BODY_LIMIT: opts.bodyLimit ?? 20 * 1024 * 1024, SHUTDOWN_TIMEOUT_MS: opts.shutdownTimeoutMs ?? 5_000, ACTION_SERVER_TOKEN: tokenList(opts.token) },
    registry,
    logger: opts.logger ?? silentLogger(),
    onCall: opts.onCall,
  });
  const { port } = await server.listen(0, '127.0.0.1');
  return { url: `http://127.0.0.1:${port}`, port, server, close: () => server.shutdown() };
}
