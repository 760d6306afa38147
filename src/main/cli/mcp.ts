/**
 * `actionbridge mcp`: the actions as MCP tools over stdio, for a desktop agent (Claude Desktop,
 * MCP Inspector, an IDE) that starts the server as its child process. The same composition root
 * as `serve` (company systems, outbox, audit, rate-limit counters), the same executor and tool
 * catalogue as `POST /mcp`. Standard output is the protocol's: every log line goes to standard
 * error (and LOG_FILE).
 *
 * The process is one client's, so it is one conversation (rate limits, who filed a ticket):
 * `--conversation id` names it, else each start is a new one. No token: whoever can start the
 * process already holds its configuration.
 */
import { randomUUID } from 'node:crypto';
import { parseArgs } from 'node:util';
import { loadMcpServer } from '../../channels/mcp/load';
import { PendingRuns } from '../../channels/core/pending-runs';
import { DEFAULT_TOOL_DEADLINE_MS } from '../../channels/tools/channel-options';
import { conversationIdOf } from '../../channels/tools/call-tool';
import { listTools } from '../../channels/tools/catalogue';
import { inboundLimits } from '../../http/rate-limit';
import { requestIdOf } from '../../http/node-http';
import { auditCallHook } from '../../observability/audit';
import { createLogger } from '../../observability/logger';
import { readDomain } from '../../protocol/domain-file';
import { Executor } from '../../sdk/executor';
import { loadActionsDir } from '../../sdk/load-actions';
import { createServices } from '../services';
import { readSettings } from '../settings';
import { packageVersion } from './version';

export const MCP_USAGE = `  mcp                        Serve the actions as MCP tools over stdio (Claude Desktop, MCP Inspector...); logs go to stderr.
      --conversation id        The conversation the calls belong to (default: a new one per start).
      --domain path            Domain whose responses render utter_... messages (default: none, text only).`;

export class McpUsageError extends Error {}

export async function mcpCommand(args: string[], env: NodeJS.ProcessEnv): Promise<number> {
  const { values } = parseArgs({ args, options: { actions: { type: 'string' }, conversation: { type: 'string' }, domain: { type: 'string' } } });
  if (values.conversation !== undefined && conversationIdOf(values.conversation, 'mcp') !== values.conversation) {
    throw new McpUsageError('--conversation: letters, digits and . _ : @ - only, up to 128');
  }
  // Loaded first: without the package nothing else is worth opening.
  const sdk = loadMcpServer('actionbridge mcp');
  const settings = readSettings(values.actions ? { ...env, ACTIONS_DIR: values.actions } : env);
  const config = settings.app;
  const logger = createLogger(config.LOG_LEVEL, process.stderr, { file: config.LOG_FILE });
  const registry = loadActionsDir(config.ACTIONS_DIR);
  const domain = values.domain ? readDomain(values.domain) : null;
  const built = await createServices(settings, logger);
  const closeAll = async () => {
    await built.close();
  };
  try {
    await built.delivery.start('server');
  } catch (err) {
    await closeAll();
    throw err;
  }
  const executor = new Executor(registry, built.services, built.errors);
  const senderId = values.conversation ?? `mcp-stdio-${randomUUID()}`;
  const server = sdk.createMcpServer({
    registry,
    version: packageVersion(),
    caller: () => ({ channel: 'mcp', senderId, requestId: requestIdOf(undefined) }),
    deps: {
      executor,
      logger,
      pending: new PendingRuns(),
      deadlineMs: DEFAULT_TOOL_DEADLINE_MS,
      senderLimiter: inboundLimits(config, built.rateLimiters).sender,
      domain,
      onCall: built.audit && auditCallHook(built.audit),
    },
  });
  const transport = new sdk.StdioServerTransport();
  const closed = new Promise<void>((resolve) => {
    server.onclose = () => resolve();
    // The client closing our stdin ends the session, as the stdio transport specifies.
    process.stdin.once('end', () => resolve());
    process.once('SIGTERM', () => resolve());
    process.once('SIGINT', () => resolve());
  });
  await server.connect(transport);
  logger.info('MCP server on stdio', { tools: listTools(registry).map((t) => t.name), conversation: senderId });
  await closed;
  logger.info('MCP client gone: shutting down');
  await server.close().catch(() => undefined);
  await closeAll();
  return 0;
}
