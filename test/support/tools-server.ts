/**
 * A real ActionBridge server with the shipped actions and the real composition root on an
 * embedded store (demo orders, local ticketing and CRM), for the tool channels' tests (MCP over
 * HTTP, OpenAPI tools): token, rate limits and the call hook as configured.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { BuiltServices } from '../../src/main/services';
import type { CallRecord } from '../../src/observability/events';
import { silentLogger } from '../../src/observability/logger';
import { createRateLimiters } from '../../src/ratelimit';
import { loadActionsDir } from '../../src/sdk/load-actions';
import { createActionServer, type ActionServer } from '../../src/server/app';
import { seedPgliteDir } from './pglite-template';
import { servicesFrom } from './services';
import { AUDIENCE, ISSUER, SECRET } from './tokens';

export const SHIPPED_ACTIONS_DIR = path.resolve(__dirname, '../../actions');
export const TOOL_TOKEN = 'tools-test-token';

export interface ToolsServerOptions {
  token?: string;
  ipPerMinute?: number;
  senderPerMinute?: number;
}

export interface ToolsServer {
  url: string;
  server: ActionServer;
  built: BuiltServices;
  calls: CallRecord[];
  close(): Promise<void>;
}

/** The identity settings the test tokens (support/tokens.ts) are signed for. */
export const IDENTITY_ENV = { IDENTITY_JWT_SECRET: SECRET, IDENTITY_JWT_ISSUER: ISSUER, IDENTITY_JWT_AUDIENCE: AUDIENCE, IDENTITY_AGENT_ROLE: 'agent', IDENTITY_SALES_ROLE: 'sales' };

export async function startToolsServer(opts: ToolsServerOptions = {}): Promise<ToolsServer> {
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'tools-server-'));
  seedPgliteDir(path.join(dataDir, 'pglite'));
  const built = await servicesFrom({ DATA_DIR: dataDir, ...IDENTITY_ENV });
  // Open (migrate, seed) the embedded store before any call, so none waits on it.
  await built.store.query('select 1');
  const calls: CallRecord[] = [];
  const server = createActionServer({
    config: {
      BODY_LIMIT: 1024 * 1024,
      SHUTDOWN_TIMEOUT_MS: 5_000,
      ACTION_SERVER_TOKEN: opts.token === undefined ? undefined : [opts.token],
      RATE_LIMIT_IP_PER_MINUTE: opts.ipPerMinute,
      RATE_LIMIT_SENDER_PER_MINUTE: opts.senderPerMinute,
    },
    registry: loadActionsDir(SHIPPED_ACTIONS_DIR),
    logger: silentLogger(),
    services: built.services,
    rateLimiters: createRateLimiters(),
    onCall: (c) => calls.push(c),
    version: '9.9.9-test',
  });
  const { port } = await server.listen(0, '127.0.0.1');
  return {
    url: `http://127.0.0.1:${port}`,
    server,
    built,
    calls,
    async close() {
      await server.shutdown();
      await built.close();
      fs.rmSync(dataDir, { recursive: true, force: true });
    },
  };
}
