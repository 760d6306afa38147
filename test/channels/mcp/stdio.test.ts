/**
 * `actionbridge mcp` as a desktop agent runs it: the MCP SDK's client starts `node
 * bin/actionbridge.js mcp` (the compiled CLI) with StdioClientTransport, lists the tools, calls
 * action_fetch_order and action_file_ticket on the embedded store's demo data and local
 * ticketing, and meets the conversation's rate limit. Standard output carries only the protocol
 * (a log line there would break the client), the logs go to standard error.
 */
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StdioClientTransport } from '@modelcontextprotocol/sdk/client/stdio.js';
import { ROOT, ensureBuilt } from '../../support/process';
import { seedPgliteDir } from '../../support/pglite-template';
import { IDENTITY_ENV } from '../../support/tools-server';

jest.setTimeout(180_000);

interface Structured {
  status: string;
  slots: Record<string, unknown>;
}

const textOf = (result: unknown) => (((result as { content?: unknown }).content ?? []) as { type: string; text?: string }[]).map((c) => c.text ?? '').join('\n');

let dataDir: string;
let client: Client;
let transport: StdioClientTransport;
let stderr = '';

beforeAll(async () => {
  ensureBuilt();
  dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'mcp-stdio-'));
  seedPgliteDir(path.join(dataDir, 'pglite'));
  transport = new StdioClientTransport({
    command: process.execPath,
    args: [path.join(ROOT, 'bin', 'actionbridge.js'), 'mcp', '--conversation', 'desktop-1', '--actions', path.join(ROOT, 'actions')],
    cwd: ROOT,
    env: { PATH: process.env.PATH ?? '', DATA_DIR: dataDir, LOG_LEVEL: 'info', RATE_LIMIT_SENDER_PER_MINUTE: '3', AUDIT_LOG: 'on', ...IDENTITY_ENV },
    stderr: 'pipe',
  });
  transport.stderr?.on('data', (c: Buffer) => (stderr += c.toString('utf8')));
  client = new Client({ name: 'actionbridge-stdio-test', version: '1.0.0' });
  await client.connect(transport);
});

afterAll(async () => {
  await client?.close();
  fs.rmSync(dataDir, { recursive: true, force: true });
});

it('lists the shipped actions as tools with their schemas, validation actions left out', async () => {
  const { tools } = await client.listTools();
  const names = tools.map((t) => t.name);
  expect(names).toEqual(expect.arrayContaining(['action_fetch_order', 'action_file_ticket', 'action_ticket_status', 'action_pipeline_summary']));
  expect(names.some((n) => n.startsWith('validate_') || n === 'action_validate_slot_mappings')).toBe(false);
  const ticket = tools.find((t) => t.name === 'action_file_ticket')!;
  expect(ticket.inputSchema.required).toEqual(['ticket_summary', 'ticket_description']);
  expect(tools.find((t) => t.name === 'action_pipeline_summary')!.inputSchema.required).toEqual(['identity_token']);
});

it('calls action_fetch_order and action_file_ticket, then the conversation`s limit (3 a minute) refuses the fourth call', async () => {
  const order = await client.callTool({ name: 'action_fetch_order', arguments: { order_id: 'ORD-48213', order_email: 'ada@example.com' } });
  expect(order.isError).toBeFalsy();
  expect(textOf(order)).toContain('ORD-48213');
  expect((order.structuredContent as unknown as Structured).slots.order_verified).toBe(true);

  const filed = await client.callTool({ name: 'action_file_ticket', arguments: { ticket_summary: 'Laptop will not boot', ticket_description: 'Black screen after the update.' } });
  expect(filed.isError).toBeFalsy();
  const key = (filed.structuredContent as unknown as Structured).slots.ticket_key;
  expect(typeof key).toBe('string');

  // The process is one conversation: the ticket it filed is its own to ask about.
  const status = await client.callTool({ name: 'action_ticket_status', arguments: { ticket_key: key } });
  expect(textOf(status)).toContain(String(key));

  const refused = await client.callTool({ name: 'action_greet', arguments: {} });
  expect(refused.isError).toBe(true);
  expect(textOf(refused)).toMatch(/faster than allowed.*Retry after \d+ s/);
});

it('keeps standard output for the protocol: the logs are on standard error', () => {
  expect(stderr).toContain('"message":"MCP server on stdio"');
  expect(stderr).toContain('"conversation":"desktop-1"');
});

it('ends when the client goes, having written each call to the audit log', async () => {
  const pid = transport.pid;
  await client.close();
  // The embedded store is the process's until it exits; wait for that (bounded), then read the log.
  for (let i = 0; i < 600 && pid !== null && alive(pid); i++) await new Promise((r) => setTimeout(r, 100));
  expect(pid !== null && alive(pid)).toBe(false);
  const out = execFileSync(process.execPath, [path.join(ROOT, 'bin', 'actionbridge.js'), 'audit', 'export', '--from', '2000-01-01T00:00:00Z', '--to', '2100-01-01T00:00:00Z'], {
    cwd: ROOT,
    env: { PATH: process.env.PATH ?? '', DATA_DIR: dataDir, AUDIT_LOG: 'on', LOG_LEVEL: 'error' },
    encoding: 'utf8',
  });
  const rows = out
    .split('\n')
    .filter((l) => l.startsWith('{'))
    .map((l) => JSON.parse(l) as { kind: string; action?: string; outcome: string });
  const actions = rows.filter((r) => r.kind === 'action').map((r) => [r.action, r.outcome]);
  expect(actions).toEqual([
    ['action_fetch_order', 'success'],
    ['action_file_ticket', 'success'],
    ['action_ticket_status', 'success'],
    ['action_greet', 'rate_limited'],
  ]);
});

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}
