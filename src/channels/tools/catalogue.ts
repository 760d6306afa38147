/**
 * The registered actions as tools for LLM agents (MCP, `POST /tools/{action}`): which actions are
 * offered, what each is called and described as, and its input schema, generated from the
 * action's zod slot schema. One catalogue, so every tool channel offers the same tools with the
 * same schemas.
 */
import { z } from 'zod';
import type { Action } from '../../sdk/action';
import type { ActionRegistry } from '../../sdk/registry';

/** The argument an identity token travels in (into the message metadata, where chat channels put it). */
export const IDENTITY_ARGUMENT = 'identity_token';

/** Tool names every consumer accepts: MCP allows more, OpenAI-style function names no more than this. */
const TOOL_NAME = /^[A-Za-z0-9_-]{1,64}$/;

/** The JSON Schema dialect a channel speaks: MCP's (2020-12) or OpenAPI 3.0's schema objects. */
export type SchemaDialect = 'draft-2020-12' | 'openapi-3.0';

export type IdentityUse = 'none' | 'optional' | 'required';

export interface Tool {
  name: string;
  description: string;
  action: Action;
  identity: IdentityUse;
}

export type JsonSchema = Record<string, unknown>;

function offered(action: Action): boolean {
  // Validation actions answer a form's step inside Rasa: there is nothing for an agent to call.
  return action.kind === 'action' && action.tools !== false && TOOL_NAME.test(action.name);
}

function identityOf(action: Action): IdentityUse {
  return action.tools ? (action.tools.identity ?? 'none') : 'none';
}

function toolOf(action: Action): Tool {
  return { name: action.name, description: descriptionOf(action), action, identity: identityOf(action) };
}

/** The action's own description, else a sentence built from its name (`action_fetch_order` → "Fetch order."). */
export function descriptionOf(action: Action): string {
  if (action.description) return action.description;
  const words = action.name.replace(/^action_/, '').replace(/[_-]+/g, ' ').trim();
  return words ? `${words.charAt(0).toUpperCase()}${words.slice(1)}.` : action.name;
}

/** Every tool on offer, in registration order. Read per call: auto-reload may have changed the set. */
export function listTools(registry: ActionRegistry): Tool[] {
  return registry.list().filter(offered).map(toolOf);
}

/** The tool of that name, or null when there is none (or the action is not offered). */
export function findTool(registry: ActionRegistry, name: string): Tool | null {
  const action = registry.get(name);
  return action && offered(action) ? toolOf(action) : null;
}

const schemas = new WeakMap<Action, Map<SchemaDialect, JsonSchema>>();

/**
 * The tool's arguments as JSON Schema: the slots as the action's schema accepts them (its input
 * side), no other property, plus `identity_token` where the action uses one. Cached per action
 * object, so a reload's new action gets a new schema.
 */
export function inputSchemaOf(tool: Tool, dialect: SchemaDialect): JsonSchema {
  let byDialect = schemas.get(tool.action);
  if (!byDialect) schemas.set(tool.action, (byDialect = new Map()));
  const cached = byDialect.get(dialect);
  if (cached) return cached;
  const built = buildInputSchema(tool, dialect);
  byDialect.set(dialect, built);
  return built;
}

function buildInputSchema(tool: Tool, dialect: SchemaDialect): JsonSchema {
  const slots = tool.action.slotSchema
    ? (z.toJSONSchema(tool.action.slotSchema, { io: 'input', target: dialect, unrepresentable: 'any' }) as JsonSchema)
    : { type: 'object', properties: {} };
  // The top-level `$schema` belongs to a document, not to a schema embedded in MCP or OpenAPI.
  delete slots.$schema;
  const properties: Record<string, unknown> = { ...((slots.properties as Record<string, unknown> | undefined) ?? {}) };
  const required = [...((slots.required as string[] | undefined) ?? [])];
  if (tool.identity !== 'none') {
    properties[IDENTITY_ARGUMENT] = {
      type: 'string',
      maxLength: 8192,
      description:
        tool.identity === 'required'
          ? "The caller's identity token (a JWT from the company's login): this tool refuses without one."
          : "The caller's identity token (a JWT from the company's login), when they are signed in.",
    };
    if (tool.identity === 'required') required.push(IDENTITY_ARGUMENT);
  }
  const schema: JsonSchema = { ...slots, type: 'object', properties, additionalProperties: false };
  if (required.length > 0) schema.required = required;
  else delete schema.required;
  return schema;
}
