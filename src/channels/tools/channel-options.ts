/** What the HTTP tool channels (`/mcp`, `/openapi.json` and `/tools/{action}`) are built from. */
import type { Logger } from '../../observability/logger';
import type { CallRecord } from '../../observability/events';
import type { Domain } from '../../protocol/request';
import type { RateLimiter } from '../../ratelimit';
import type { Executor } from '../../sdk/executor';
import type { AcceptedTokens, TokenSources } from '../../http/auth';
import { PendingRuns } from '../core/pending-runs';
import type { ToolCallDeps } from './call-tool';

export interface ToolChannelOptions {
  /** The same executor /webhook uses (and its registry: the tools are its actions). */
  executor: Executor;
  logger: Logger;
  /** ACTION_SERVER_TOKEN: the tools run the same actions, so the same token guards them. */
  tokens: AcceptedTokens;
  tokenSources?: TokenSources;
  /** The per-IP limit /webhook counts against (RATE_LIMIT_IP_PER_MINUTE); absent = none. */
  ipLimiter?: RateLimiter;
  /** Told when the IP limit refuses a call (metrics). */
  onRefusedByIp?(): void;
  /** Calls per conversation (RATE_LIMIT_SENDER_PER_MINUTE); absent = none. */
  senderLimiter?: RateLimiter;
  /** Metrics and audit, once per tool call. */
  onCall?(call: CallRecord): void;
  /** Largest JSON body accepted. */
  bodyLimit?: string | number;
  jsonMaxDepth?: number;
  /** How long a call waits for its action before answering "pending" (default 45 s, under MCP clients' usual 60 s). */
  deadlineMs?: number;
  /** A Rasa domain to render `utter_…` responses with; absent = text messages only. */
  domain?: Domain | null;
  /** ActionBridge's version, for MCP's server info and the OpenAPI document. */
  version?: string;
}

export const DEFAULT_TOOL_DEADLINE_MS = 45_000;
export const DEFAULT_TOOL_BODY_LIMIT = '1mb';

/** The dependencies of callTool for one channel, with its own pending runs. */
export function toolCallDeps(opts: ToolChannelOptions): ToolCallDeps {
  return {
    executor: opts.executor,
    logger: opts.logger,
    pending: new PendingRuns(),
    deadlineMs: opts.deadlineMs ?? DEFAULT_TOOL_DEADLINE_MS,
    senderLimiter: opts.senderLimiter,
    domain: opts.domain ?? null,
    onCall: opts.onCall,
  };
}
