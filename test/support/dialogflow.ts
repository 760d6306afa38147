/**
 * Shared pieces of the Dialogflow adapter tests: realistic ES/CX requests, the response JSON
 * Schemas (closed, as Dialogflow parses strictly), and a server started with a mapping file.
 */
import path from 'node:path';
import Ajv2020 from 'ajv/dist/2020';
import type { ErrorObject } from 'ajv';
import { silentLogger } from '../../src/observability/logger';
import type { ActionServices } from '../../src/sdk/action';
import type { ActionRegistry } from '../../src/sdk/registry';
import { createActionServer, type ActionServer } from '../../src/server/app';
import { tokenList } from './server';
import { expectProtoValid } from './dialogflow-protos';
import { richContentProblems } from './messenger-rich-content';
import esSchema from '../fixtures/dialogflow/dialogflow-es-response-schema.json';
import cxSchema from '../fixtures/dialogflow/dialogflow-cx-response-schema.json';

export const MAPPING_FILE = path.resolve(__dirname, '../fixtures/dialogflow/mapping.json');

export const ES_SESSION = 'projects/acme-support/agent/sessions/3f2a9c1e-77b0-4d2e-9f51-0a1b2c3d4e5f';
export const CX_SESSION = 'projects/acme-support/locations/global/agents/8c1d7f0e-1111-2222-3333-444455556666/sessions/cx-session-42';
export const CX_PAGE = 'projects/acme-support/locations/global/agents/8c1d7f0e-1111-2222-3333-444455556666/flows/00000000-0000-0000-0000-000000000000/pages/ticket';

const ajv = new Ajv2020({ allErrors: true, strict: false });
const validateEs = ajv.compile(esSchema);
const validateCx = ajv.compile(cxSchema);

const describeErrors = (errors: ErrorObject[] | null | undefined) => (errors ?? []).map((e) => `${e.instancePath || '(root)'} ${e.message}`).join('; ');

/**
 * Fails the test when Dialogflow ES would reject the body: Google's proto, parsed strictly, and the
 * schema (which adds what the proto only says in comments, such as a context name's form).
 */
export function expectValidEs(body: unknown): void {
  const ok = validateEs(body);
  if (!ok) throw new Error(`not a valid ES WebhookResponse: ${describeErrors(validateEs.errors)}\n${JSON.stringify(body)}`);
  expectProtoValid('es', body);
}

export function expectValidCx(body: unknown): void {
  const ok = validateCx(body);
  if (!ok) throw new Error(`not a valid CX WebhookResponse: ${describeErrors(validateCx.errors)}\n${JSON.stringify(body)}`);
  expectProtoValid('cx', body);
  // Messenger draws richContent payloads; the proto sees only a Struct there, so check them apart.
  const messages = (body as { fulfillmentResponse?: { messages?: { payload?: { richContent?: unknown } }[] } }).fulfillmentResponse?.messages ?? [];
  const problems = messages.filter((m) => m.payload?.richContent !== undefined).flatMap((m) => richContentProblems(m.payload));
  if (problems.length > 0) throw new Error(`not valid Dialogflow Messenger richContent: ${problems.join('; ')}`);
}

export interface EsSpec {
  intent: string;
  text?: string;
  parameters?: Record<string, unknown>;
  contexts?: unknown[];
  payload?: Record<string, unknown>;
  action?: string;
  session?: string;
}

/** A WebhookRequest as Dialogflow ES sends it (shape copied from real console traffic). */
export function esRequest(spec: EsSpec): Record<string, unknown> {
  const session = spec.session ?? ES_SESSION;
  const parameters = spec.parameters ?? {};
  const original: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(parameters)) original[`${k}.original`] = typeof v === 'string' ? v : JSON.stringify(v);
  return {
    responseId: 'a1b2c3d4-e5f6-7890-abcd-ef0123456789-0820055c',
    session,
    queryResult: {
      queryText: spec.text ?? 'hello',
      parameters,
      allRequiredParamsPresent: true,
      fulfillmentText: '',
      fulfillmentMessages: [{ text: { text: [''] } }],
      outputContexts: spec.contexts ?? [{ name: `${session}/contexts/__system_counters__`, parameters: { 'no-input': 0, 'no-match': 0, ...parameters, ...original } }],
      intent: { name: 'projects/acme-support/agent/intents/2a9d1c0e-1234-4c5d-8e9f-abcdefabcdef', displayName: spec.intent },
      intentDetectionConfidence: 0.92,
      action: spec.action ?? '',
      languageCode: 'en',
    },
    originalDetectIntentRequest: { source: 'DIALOGFLOW_CONSOLE', payload: spec.payload ?? {} },
  };
}

export interface CxSpec {
  tag: string;
  text?: string;
  parameters?: Record<string, unknown>;
  intent?: string;
  intentParameters?: Record<string, unknown>;
  form?: { displayName: string; required?: boolean; state: string; value?: unknown; justCollected?: boolean }[];
  payload?: Record<string, unknown>;
}

/** A WebhookRequest as Dialogflow CX sends it. */
export function cxRequest(spec: CxSpec): Record<string, unknown> {
  const body: Record<string, unknown> = {
    detectIntentResponseId: '5c8e0f7a-1d2b-4c3d-9e8f-7a6b5c4d3e2f',
    text: spec.text ?? 'hello',
    languageCode: 'en',
    fulfillmentInfo: { tag: spec.tag },
    intentInfo: {
      lastMatchedIntent: 'projects/acme-support/locations/global/agents/8c1d7f0e-1111-2222-3333-444455556666/intents/00000000-0000-0000-0000-000000000001',
      displayName: spec.intent ?? 'greet',
      confidence: 0.88,
      parameters: Object.fromEntries(Object.entries(spec.intentParameters ?? {}).map(([k, v]) => [k, { originalValue: String(v), resolvedValue: v }])),
    },
    pageInfo: { currentPage: CX_PAGE, displayName: 'Ticket' },
    sessionInfo: { session: CX_SESSION, parameters: spec.parameters ?? {} },
    payload: spec.payload ?? {},
  };
  if (spec.form) (body.pageInfo as Record<string, unknown>).formInfo = { parameterInfo: spec.form };
  return body;
}

export interface StartedServer {
  url: string;
  server: ActionServer;
  close(): Promise<void>;
}

export async function startDialogflowServer(
  registry: ActionRegistry,
  config: { token?: string | string[]; deadlineMs?: number; mappingFile?: string; services?: ActionServices } = {},
): Promise<StartedServer> {
  const server = createActionServer({
    config: {
      BODY_LIMIT: 1024 * 1024,
      SHUTDOWN_TIMEOUT_MS: 2_000,
      ACTION_SERVER_TOKEN: tokenList(config.token),
      DIALOGFLOW_MAPPING_FILE: config.mappingFile ?? MAPPING_FILE,
      DIALOGFLOW_DEADLINE_MS: config.deadlineMs ?? 10_000,
    },
    registry,
    logger: silentLogger(),
    services: config.services,
  });
  const { port } = await server.listen(0, '127.0.0.1');
  return { url: `http://127.0.0.1:${port}`, server, close: () => server.shutdown() };
}

export async function postJson(
  url: string,
  body: unknown,
  headers: Record<string, string> = {},
): Promise<{ status: number; body: unknown; headers: Headers }> {
  const res = await fetch(url, { method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body: typeof body === 'string' ? body : JSON.stringify(body) });
  const text = await res.text();
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    throw new Error(`not JSON (${res.status}): ${text.slice(0, 200)}`);
  }
  return { status: res.status, body: parsed, headers: res.headers };
}
