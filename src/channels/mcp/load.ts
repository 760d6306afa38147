/**
 * @modelcontextprotocol/sdk is an optional peer: it is loaded on the first MCP request (or by
 * `actionbridge mcp`), so a server nobody asks for MCP never needs it, and a missing package is
 * one sentence naming what to install.
 */
import { requireOptional } from '../../errors/optional-package';
import type * as SdkServer from './sdk-server';

export const MCP_PACKAGE = '@modelcontextprotocol/sdk';

export function loadMcpServer(feature: string): typeof SdkServer {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  return requireOptional(MCP_PACKAGE, feature, () => require('./sdk-server') as typeof SdkServer);
}
