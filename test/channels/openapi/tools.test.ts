/**
 * GET /openapi.json and POST /tools/{action} on a real server with the shipped actions and the
 * real composition root (embedded store with the demo orders, local ticketing, CRM and knowledge
 * base): the document validates as OpenAPI, describes every offered action from its zod slots,
 * and each shipped action runs through its operation; bad calls are 4xx JSON.
 */
import { REFUSAL } from '../../../actions/pipeline-summary';
import { hsToken } from '../../support/tokens';
import { validateOpenApi } from '../../support/openapi-validator';
import { loadActionsDir } from '../../../src/sdk/load-actions';
import { SHIPPED_ACTIONS_DIR, TOOL_TOKEN, startToolsServer, type ToolsServer } from '../../support/tools-server';

interface ToolBody {
  status: string;
  messages: { text?: string }[];
  slots: Record<string, unknown>;
  events: { event: string }[];
}

const SHIPPED_TOOLS = [
  'action_change_delivery_address',
  'action_create_lead',
  'action_document_solution',
  'action_fetch_order',
  'action_file_ticket',
  'action_greet',
  'action_pipeline_summary',
  'action_record_interest',
  'action_request_demo',
  'action_ticket_status',
];

/** What the actions folder offers as tools (others may add actions): kind 'action', not hidden. */
const offeredTools = () =>
  loadActionsDir(SHIPPED_ACTIONS_DIR)
    .list()
    .filter((a) => a.kind === 'action' && a.tools !== false)
    .map((a) => a.name)
    .sort();

let srv: ToolsServer;
const auth = { Authorization: `Bearer ${TOOL_TOKEN}` };

function post(path: string, body: unknown, headers: Record<string, string> = {}): Promise<Response> {
  return fetch(`${srv.url}${path}`, { method: 'POST', headers: { 'Content-Type': 'application/json', ...auth, ...headers }, body: typeof body === 'string' ? body : JSON.stringify(body) });
}

async function tool(name: string, args: Record<string, unknown>, headers: Record<string, string> = {}): Promise<ToolBody> {
  const res = await post(`/tools/${name}`, args, headers);
  const body = (await res.json()) as ToolBody;
  if (res.status !== 200) throw new Error(`${name}: ${res.status} ${JSON.stringify(body).slice(0, 500)}`);
  return body;
}

const textOf = (b: ToolBody) => b.messages.map((m) => m.text ?? '').join('\n');

beforeAll(async () => {
  srv = await startToolsServer({ token: TOOL_TOKEN });
}, 120_000);
afterAll(() => srv?.close());

describe('GET /openapi.json', () => {
  it('needs the token', async () => {
    const res = await fetch(`${srv.url}/openapi.json`);
    expect(res.status).toBe(401);
    expect(((await res.json()) as { code: string }).code).toBe('unauthorized');
  });

  it('is a valid OpenAPI 3.0 document with one POST operation per offered action', async () => {
    const res = await fetch(`${srv.url}/openapi.json`, { headers: auth });
    expect(res.status).toBe(200);
    const doc = (await res.json()) as { openapi: string; info: { version: string }; servers: { url: string }[]; paths: Record<string, { post: { operationId: string; requestBody: { content: Record<string, { schema: Record<string, unknown> }> } } }>; security: unknown[] };
    const validation = await validateOpenApi(doc);
    expect(validation.errors).toBeNull();
    expect(validation.valid).toBe(true);
    expect(doc.openapi).toBe('3.0.3');
    expect(doc.info.version).toBe('9.9.9-test');
    expect(doc.servers).toEqual([{ url: srv.url }]);
    expect(doc.security.length).toBeGreaterThan(0);
    // Form and slot validation actions are steps inside Rasa, not tools.
    expect(Object.keys(doc.paths).sort()).toEqual(offeredTools().map((n) => `/tools/${n}`));
    for (const name of SHIPPED_TOOLS) expect(doc.paths).toHaveProperty([`/tools/${name}`]);
    for (const [path, item] of Object.entries(doc.paths)) expect(item.post.operationId).toBe(path.slice('/tools/'.length));
  });

  it('describes each request body from the action`s zod slots, with identity_token where the action uses one', async () => {
    const doc = (await (await fetch(`${srv.url}/openapi.json`, { headers: auth })).json()) as { paths: Record<string, { post: { requestBody: { content: { 'application/json': { schema: Record<string, unknown> } } } } }> };
    const schemaOf = (name: string) => doc.paths[`/tools/${name}`]!.post.requestBody.content['application/json'].schema;
    const ticket = schemaOf('action_file_ticket') as { properties: Record<string, { type: string; maxLength?: number; minLength?: number }>; required: string[]; additionalProperties: boolean };
    expect(ticket.required).toEqual(['ticket_summary', 'ticket_description']);
    expect(ticket.properties.ticket_summary).toMatchObject({ type: 'string', minLength: 1, maxLength: 250 });
    expect(Object.keys(ticket.properties).sort()).toEqual(['identity_token', 'ticket_description', 'ticket_severity', 'ticket_summary']);
    expect(ticket.additionalProperties).toBe(false);
    const pipeline = schemaOf('action_pipeline_summary') as { properties: Record<string, unknown>; required: string[] };
    expect(Object.keys(pipeline.properties)).toEqual(['identity_token']);
    expect(pipeline.required).toEqual(['identity_token']);
    const greet = schemaOf('action_greet') as { properties: Record<string, unknown>; required?: string[] };
    expect(Object.keys(greet.properties)).toEqual(['user_name']);
    expect(greet.required).toBeUndefined();
  });
});

describe('POST /tools/{action}: every shipped action', () => {
  it('runs each through its operation, with the slots it set', async () => {
    const ran = new Set<string>();
    const run = async (name: string, args: Record<string, unknown>, headers: Record<string, string> = {}) => {
      ran.add(name);
      const body = await tool(name, args, headers);
      expect(body.status).toBe('done');
      expect(body.messages.length).toBeGreaterThan(0);
      return body;
    };
    const owner = await hsToken({ sub: 'C-1001' });
    const agent = await hsToken({ sub: 'agent-1', claims: { roles: ['agent'] } });
    const sales = await hsToken({ sub: 'sales-1', claims: { roles: ['sales'], email: 'sam.sales@example.com' } });
    const customer = await hsToken({ sub: 'C-2001', claims: { email: 'ada@example.com' } });
    const conversation = { 'X-Conversation-Id': 'openapi-test-conversation' };

    expect(textOf(await run('action_greet', { user_name: 'Ada' }))).toContain('Ada');

    const order = await run('action_fetch_order', { order_id: 'ORD-48213', order_email: 'ada@example.com' });
    expect(textOf(order)).toContain('ORD-48213');
    expect(order.slots).toMatchObject({ order_id: 'ORD-48213', order_verified: true });

    const byToken = await run('action_fetch_order', { order_id: 'ORD-48213', identity_token: owner });
    expect(byToken.slots.order_verified).toBe(true);

    const filed = await run('action_file_ticket', { ticket_summary: 'Printer on fire', ticket_description: 'It smokes when printing.' }, conversation);
    const key = filed.slots.ticket_key;
    expect(typeof key).toBe('string');
    expect(textOf(filed)).toContain(String(key));

    // The same conversation filed it, so it hears about it.
    const status = await run('action_ticket_status', { ticket_key: key }, conversation);
    expect(textOf(status)).toContain(String(key));

    const documented = await run('action_document_solution', { ticket_key: key, solution_text: 'Replaced the fuser.', identity_token: agent });
    expect(textOf(documented)).toContain('knowledge base');

    const moved = await run('action_change_delivery_address', {
      order_id: 'ORD-48213',
      address_line1: '1 New Street',
      address_city: 'London',
      address_postal_code: 'N1 1AA',
      address_country: 'GB',
      identity_token: owner,
    });
    expect(textOf(moved)).toContain('1 New Street');

    const lead = await run('action_create_lead', { lead_name: 'Grace Hopper', lead_email: 'grace.lead@example.com', lead_company: 'Navy' });
    const demo = await run('action_request_demo', { lead_name: 'Grace Hopper', lead_email: 'grace.lead@example.com' });
    const interest = await run('action_record_interest', { product_interest: 'the premium plan', identity_token: customer });
    const pipeline = await run('action_pipeline_summary', { identity_token: sales });
    expect(textOf(lead)).toContain('grace.lead@example.com');
    expect(textOf(demo).length).toBeGreaterThan(0);
    expect(interest.messages.length).toBe(1);
    // The sales token reached the action: it looked the owner up instead of refusing.
    expect(textOf(pipeline)).not.toBe(REFUSAL);
    expect(textOf(await tool('action_pipeline_summary', { identity_token: customer }))).toBe(REFUSAL);

    expect([...ran].sort()).toEqual(SHIPPED_TOOLS);
    for (const name of SHIPPED_TOOLS) expect(offeredTools()).toContain(name);
    // One call record (metrics, audit) per call, each with its action and conversation.
    const recorded = srv.calls.filter((c) => c.action === 'action_file_ticket');
    expect(recorded).toEqual([expect.objectContaining({ status: 200, senderId: 'openapi-test-conversation' })]);
  });
});

describe('POST /tools/{action}: every offered tool agrees with its document', () => {
  it('answers a call without arguments 200, or 400 naming exactly the required arguments of its schema', async () => {
    const doc = (await (await fetch(`${srv.url}/openapi.json`, { headers: auth })).json()) as { paths: Record<string, { post: { requestBody: { content: { 'application/json': { schema: { required?: string[] } } } } } }> };
    for (const [path, item] of Object.entries(doc.paths)) {
      const required = item.post.requestBody.content['application/json'].schema.required ?? [];
      const res = await post(path, {});
      const body = (await res.json()) as { issues?: { path: string }[] };
      if (required.length === 0) expect([path, res.status]).toEqual([path, 200]);
      else expect([path, res.status, (body.issues ?? []).map((i) => i.path).sort()]).toEqual([path, 400, [...required].sort()]);
    }
  });
});

describe('POST /tools/{action}: bad calls', () => {
  it('refuses without the token (401) before looking at the action', async () => {
    const res = await fetch(`${srv.url}/tools/action_greet`, { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: '{}' });
    expect(res.status).toBe(401);
  });

  it('answers an unknown action, and a validation action that is no tool, 404', async () => {
    for (const name of ['action_nope', 'validate_ticket_form', 'action_validate_slot_mappings']) {
      const res = await post(`/tools/${name}`, {});
      expect(res.status).toBe(404);
      expect(((await res.json()) as { code: string }).code).toBe('not_found');
    }
  });

  it('answers missing, wrong and unknown arguments 400 with every issue', async () => {
    const res = await post('/tools/action_file_ticket', { ticket_summary: '', colour: 'red' });
    expect(res.status).toBe(400);
    const body = (await res.json()) as { code: string; issues: { path: string }[] };
    expect(body.code).toBe('invalid_request');
    expect(body.issues.map((i) => i.path).sort()).toEqual(['colour', 'ticket_description', 'ticket_summary']);
  });

  it('requires identity_token where the action refuses without one', async () => {
    const res = await post('/tools/action_pipeline_summary', {});
    expect(res.status).toBe(400);
    expect(((await res.json()) as { issues: { path: string }[] }).issues.map((i) => i.path)).toEqual(['identity_token']);
  });

  it('answers a body that is not a JSON object 400, malformed JSON 400, another content type 415', async () => {
    expect((await post('/tools/action_greet', '[1,2]')).status).toBe(400);
    expect((await post('/tools/action_greet', '{"user_name":')).status).toBe(400);
    const text = await fetch(`${srv.url}/tools/action_greet`, { method: 'POST', headers: { 'Content-Type': 'text/plain', ...auth }, body: 'hello' });
    expect(text.status).toBe(415);
  });

  it('answers other methods 405 with Allow', async () => {
    const res = await fetch(`${srv.url}/tools/action_greet`, { headers: auth });
    expect(res.status).toBe(405);
    expect(res.headers.get('allow')).toBe('POST');
  });
});
