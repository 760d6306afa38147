/**
 * The OpenAPI 3.0 document of the tools: one `POST /tools/{action}` operation per offered action,
 * its request body the action's arguments (the tool catalogue's schema, in OpenAPI's dialect),
 * its answer `{status, messages, slots, events}`. What Copilot Studio imports as a REST API tool
 * and what OpenAI-style function calling reads: operationId = function name, description = when
 * to call it, request schema = parameters.
 */
import type { ActionRegistry } from '../../sdk/registry';
import { inputSchemaOf, listTools } from '../tools/catalogue';

export const TOOLS_PREFIX = '/tools';

export interface DocumentOptions {
  /** Where the server is reached, as the caller reached it; absent = relative to the document. */
  serverUrl?: string;
  version: string;
  /** Whether a token is needed (ACTION_SERVER_TOKEN is set): the document then says how to send it. */
  secured: boolean;
}

const json = (schema: Record<string, unknown>) => ({ 'application/json': { schema } });
const ref = (name: string) => ({ $ref: `#/components/schemas/${name}` });

const COMPONENTS = {
  schemas: {
    ToolResult: {
      type: 'object',
      required: ['status', 'messages', 'slots', 'events'],
      properties: {
        status: { type: 'string', enum: ['done', 'pending'], description: "'pending': the action is still running; call again with the same arguments for its result." },
        messages: {
          type: 'array',
          description: 'What the action said, in order (Rasa response entries: text, buttons, image, custom...).',
          items: { type: 'object', properties: { text: { type: 'string' } }, additionalProperties: true },
        },
        slots: { type: 'object', description: 'The slots the action set; null = cleared.', additionalProperties: true },
        events: { type: 'array', description: 'Every Rasa event the action returned.', items: { type: 'object', required: ['event'], properties: { event: { type: 'string' } }, additionalProperties: true } },
      },
    },
    Error: {
      type: 'object',
      required: ['error'],
      properties: {
        error: { type: 'string', description: 'What went wrong, in a sentence.' },
        code: { type: 'string' },
        request_id: { type: 'string' },
        action_name: { type: 'string', description: 'Set when the action declined to run (400) or crashed (500).' },
        issues: { type: 'array', items: { type: 'object', required: ['path', 'message'], properties: { path: { type: 'string' }, message: { type: 'string' } } } },
      },
    },
  },
  responses: {
    Error: { description: 'The error, as JSON.', content: json(ref('Error')) },
  },
  parameters: {
    ConversationId: {
      name: 'X-Conversation-Id',
      in: 'header',
      required: false,
      description: 'The conversation this call belongs to (letters, digits and . _ : @ -, up to 128); absent = a new one per call.',
      schema: { type: 'string', pattern: '^[\\w.:@-]{1,128}$' },
    },
  },
  securitySchemes: {
    bearer: { type: 'http', scheme: 'bearer', description: 'ACTION_SERVER_TOKEN as a bearer token.' },
    actionToken: { type: 'apiKey', in: 'header', name: 'X-Action-Token', description: 'ACTION_SERVER_TOKEN in a header.' },
  },
};

export function openApiDocument(registry: ActionRegistry, opts: DocumentOptions): Record<string, unknown> {
  const paths: Record<string, unknown> = {};
  for (const tool of listTools(registry)) {
    paths[`${TOOLS_PREFIX}/${tool.name}`] = {
      post: {
        operationId: tool.name,
        summary: tool.description.split(/(?<=\.)\s/)[0]!.slice(0, 120),
        description: tool.description,
        parameters: [{ $ref: '#/components/parameters/ConversationId' }],
        requestBody: { required: true, content: json(inputSchemaOf(tool, 'openapi-3.0')) },
        responses: {
          '200': { description: 'The action ran.', content: json(ref('ToolResult')) },
          '202': { description: 'The action is still running; the same call again returns its result.', content: json(ref('ToolResult')) },
          '400': { $ref: '#/components/responses/Error' },
          ...(opts.secured ? { '401': { $ref: '#/components/responses/Error' } } : {}),
          '429': { $ref: '#/components/responses/Error' },
          default: { $ref: '#/components/responses/Error' },
        },
      },
    };
  }
  return {
    openapi: '3.0.3',
    info: {
      title: 'ActionBridge tools',
      version: opts.version,
      description: "The assistant's actions as tools: each operation runs one action with the given arguments and answers what it said and which slots it set.",
    },
    servers: [{ url: opts.serverUrl ?? '/' }],
    ...(opts.secured ? { security: [{ bearer: [] }, { actionToken: [] }] } : {}),
    paths,
    components: COMPONENTS,
  };
}
