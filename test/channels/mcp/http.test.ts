/**
 * POST /mcp driven by the MCP SDK's own client (StreamableHTTPClientTransport) against a real
 * server with the shipped actions on the real composition root: tools listed with the schemas of
 * their zod slots, action_fetch_order and action_file_ticket called, the token and the per-IP
 * limit enforced, each call recorded for metrics and audit.
 */
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import { loadActionsDir } from '../../../src/sdk/load-actions';
import { hsToken } from '../../support/tokens';
import { SHIPPED_ACTIONS_DIR, TOOL_TOKEN, startToolsServer, type ToolsServer } from '../../support/tools-server';

interface Structured {
  status: string;
  messages: { text?: string }[];
  slots: Record<string, unknown>;
  events: { event: string }[];
}

const offeredTools = () =>
  loadActionsDir(SHIPPED_ACTIONS_DIR)
    .list()
    .filter((a) => a.kind === 'action' && a.tools !== false)
    .map((a) => a.name)
    .sort();

async function connect(url: string, headers: Record<string, string>): Promise<Client> {
  const client = new Client({ name: 'actionbridge-test', version: '1.0.0' });
  await client.connect(new StreamableHTTPClientTransport(new URL(`${url}/mcp`), { requestInit: { headers } }));
  return client;
}

const textOf = (result: unknown) => (((result as { content?: unknown }).content ?? []) as { type: string; text?: string }[]).map((c) => c.text ?? '').join('\n');

describe('MCP over Streamable HTTP', () => {
  let srv: ToolsServer;
  let client: Client;
  beforeAll(async () => {
    srv = await startToolsServer({ token: TOOL_TOKEN });
    client = await connect(srv.url, { Authorization: `Bearer ${TOOL_TOKEN}`, 'X-Conversation-Id': 'mcp-http-test' });
  }, 120_000);
  afterAll(async () => {
    await client?.close();
    await srv?.close();
  });

  it('names itself and lists every offered action, with input schemas from the zod slots', async () => {
    expect(client.getServerVersion()).toEqual({ name: 'actionbridge', version: '9.9.9-test' });
    const { tools } = await client.listTools();
    expect(tools.map((t) => t.name).sort()).toEqual(offeredTools());
    const fetchOrder = tools.find((t) => t.name === 'action_fetch_order')!;
    expect(fetchOrder.description).toContain('order');
    expect(fetchOrder.inputSchema).toMatchObject({
      type: 'object',
      properties: { order_id: { type: 'string', maxLength: 40 }, order_email: { type: 'string', maxLength: 254 }, identity_token: { type: 'string' } },
      required: ['order_id'],
      additionalProperties: false,
    });
    const ticket = tools.find((t) => t.name === 'action_file_ticket')!;
    expect(ticket.inputSchema.required).toEqual(['ticket_summary', 'ticket_description']);
    expect(ticket.outputSchema?.required).toEqual(['status', 'messages', 'slots', 'events']);
    expect(tools.some((t) => t.name.startsWith('validate_'))).toBe(false);
  });

  it('calls action_fetch_order: the text it said, and the slots it set as structured content', async () => {
    const result = await client.callTool({ name: 'action_fetch_order', arguments: { order_id: 'ORD-48213', order_email: 'ada@example.com' } });
    expect(result.isError).toBeFalsy();
    expect(textOf(result)).toContain('ORD-48213');
    const out = result.structuredContent as unknown as Structured;
    expect(out.status).toBe('done');
    expect(out.slots).toMatchObject({ order_id: 'ORD-48213', order_verified: true });
    expect(out.events.every((e) => typeof e.event === 'string')).toBe(true);
  });

  it('carries an identity token argument to the action: another customer`s token sees no order', async () => {
    const stranger = await hsToken({ sub: 'C-1002' });
    const result = await client.callTool({ name: 'action_fetch_order', arguments: { order_id: 'ORD-48213', identity_token: stranger } });
    const out = result.structuredContent as unknown as Structured;
    expect(out.slots.order_verified).toBe(false);
    expect(textOf(result)).not.toContain('Mechanical keyboard');
  });

  it('calls action_file_ticket and gets the ticket key', async () => {
    const result = await client.callTool({ name: 'action_file_ticket', arguments: { ticket_summary: 'VPN drops', ticket_description: 'The VPN disconnects every ten minutes.' } });
    expect(result.isError).toBeFalsy();
    const key = (result.structuredContent as unknown as Structured).slots.ticket_key;
    expect(typeof key).toBe('string');
    expect(textOf(result)).toContain(String(key));
    expect(srv.calls.filter((c) => c.action === 'action_file_ticket')).toEqual([expect.objectContaining({ status: 200, senderId: 'mcp-http-test' })]);
  });

  it('answers wrong arguments with a tool error naming them, and an unknown tool with a protocol error', async () => {
    const wrong = await client.callTool({ name: 'action_file_ticket', arguments: { ticket_summary: 'x' } });
    expect(wrong.isError).toBe(true);
    expect(textOf(wrong)).toContain('ticket_description');
    await expect(client.callTool({ name: 'action_nope', arguments: {} })).rejects.toThrow(/Unknown tool/);
    await expect(client.callTool({ name: 'validate_ticket_form', arguments: {} })).rejects.toThrow(/Unknown tool/);
  });

  it('refuses a client without the token (401) or with a wrong one', async () => {
    await expect(connect(srv.url, {})).rejects.toMatchObject({ code: 401 });
    await expect(connect(srv.url, { Authorization: 'Bearer wrong' })).rejects.toMatchObject({ code: 401 });
  });

  it('answers GET (no sessions, no event stream) 405', async () => {
    const res = await fetch(`${srv.url}/mcp`, { headers: { Authorization: `Bearer ${TOOL_TOKEN}`, Accept: 'text/event-stream' } });
    expect(res.status).toBe(405);
  });
});

describe('MCP over Streamable HTTP: the per-IP limit', () => {
  let srv: ToolsServer;
  beforeAll(async () => {
    srv = await startToolsServer({ token: TOOL_TOKEN, ipPerMinute: 4 });
  }, 120_000);
  afterAll(() => srv?.close());

  it('counts every POST; over the limit a call fails with 429', async () => {
    // initialize and notifications/initialized are two POSTs.
    const client = await connect(srv.url, { Authorization: `Bearer ${TOOL_TOKEN}` });
    try {
      expect((await client.callTool({ name: 'action_greet', arguments: { user_name: 'Ada' } })).isError).toBeFalsy();
      expect((await client.callTool({ name: 'action_greet', arguments: { user_name: 'Ada' } })).isError).toBeFalsy();
      await expect(client.callTool({ name: 'action_greet', arguments: { user_name: 'Ada' } })).rejects.toMatchObject({ code: 429 });
    } finally {
      await client.close();
    }
  });
});
