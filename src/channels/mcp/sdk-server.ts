/**
 * The MCP server over @modelcontextprotocol/sdk: `tools/list` offers the tool catalogue, and
 * `tools/call` runs one through callTool. The result is the text the action uttered (what an LLM
 * reads) plus structured content: status, messages, the slots set, the events. A wrong call is a
 * tool error result the model can correct itself from, not a protocol error; only an unknown tool
 * name is one (as the protocol asks).
 *
 * This module imports the SDK, an optional package: it is loaded through load.ts only.
 */
import { Server } from '@modelcontextprotocol/sdk/server/index.js';
import { CallToolRequestSchema, ErrorCode, ListToolsRequestSchema, McpError, type CallToolResult } from '@modelcontextprotocol/sdk/types.js';
import { ActionExecutionRejection, AppError } from '../../errors';
import type { ActionRegistry } from '../../sdk/registry';
import { findTool, inputSchemaOf, listTools } from '../tools/catalogue';
import { ToolCrashed, callTool, type ToolCallDeps, type ToolCaller, type ToolOutput } from '../tools/call-tool';

export interface McpServerOptions {
  registry: ActionRegistry;
  deps: ToolCallDeps;
  /** Who is calling: the transport knows (the HTTP request, or the one stdio client). */
  caller(): ToolCaller;
  version: string;
}

/** What `structuredContent` holds; clients check it against this. */
export const TOOL_OUTPUT_SCHEMA = {
  type: 'object',
  properties: {
    status: { type: 'string', enum: ['done', 'pending'], description: "'pending': still running; call again with the same arguments for the result." },
    messages: { type: 'array', items: { type: 'object' }, description: 'What the action said, as Rasa response entries (text, buttons, custom...).' },
    slots: { type: 'object', description: 'The slots the action set (null = cleared).' },
    events: { type: 'array', items: { type: 'object' }, description: 'Every Rasa event the action returned.' },
  },
  required: ['status', 'messages', 'slots', 'events'],
} as const;

function textOf(output: ToolOutput): string {
  const texts = output.messages.map((m) => m.text).filter((t): t is string => typeof t === 'string' && t.length > 0);
  if (texts.length > 0) return texts.join('\n');
  const set = Object.keys(output.slots);
  return set.length > 0 ? `Done; slots set: ${set.join(', ')}.` : 'Done.';
}

function errorResult(text: string): CallToolResult {
  return { content: [{ type: 'text', text }], isError: true };
}

function failureOf(err: unknown, caller: ToolCaller): CallToolResult {
  if (err instanceof AppError) {
    const wait = err.retryAfterSeconds !== undefined ? ` Retry after ${Math.max(1, Math.ceil(err.retryAfterSeconds))} s.` : '';
    return errorResult(`${err.message}${wait}`);
  }
  if (err instanceof ActionExecutionRejection) return errorResult(err.message);
  if (err instanceof ToolCrashed) return errorResult(`${err.message} See the action server log for request ${caller.requestId}.`);
  throw err;
}

export function createMcpServer(opts: McpServerOptions): Server {
  const server = new Server({ name: 'actionbridge', version: opts.version }, { capabilities: { tools: { listChanged: false } } });
  server.setRequestHandler(ListToolsRequestSchema, () => ({
    tools: listTools(opts.registry).map((tool) => ({
      name: tool.name,
      description: tool.description,
      inputSchema: inputSchemaOf(tool, 'draft-2020-12') as { type: 'object'; [k: string]: unknown },
      outputSchema: TOOL_OUTPUT_SCHEMA as unknown as { type: 'object'; [k: string]: unknown },
    })),
  }));
  server.setRequestHandler(CallToolRequestSchema, async (request): Promise<CallToolResult> => {
    const tool = findTool(opts.registry, request.params.name);
    if (!tool) throw new McpError(ErrorCode.InvalidParams, `Unknown tool: ${request.params.name.slice(0, 100)}`);
    const caller = opts.caller();
    try {
      const output = await callTool(tool, request.params.arguments ?? {}, caller, opts.deps);
      return { content: [{ type: 'text', text: textOf(output) }], structuredContent: { ...output } };
    } catch (err) {
      return failureOf(err, caller);
    }
  });
  return server;
}

export { StreamableHTTPServerTransport } from '@modelcontextprotocol/sdk/server/streamableHttp.js';
export { StdioServerTransport } from '@modelcontextprotocol/sdk/server/stdio.js';
