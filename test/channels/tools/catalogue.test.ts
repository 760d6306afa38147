/** Which actions are tools, and the schemas the catalogue generates from their zod slots. */
import { z } from 'zod';
import { defineAction, defineFormValidation, zodValidator } from '../../../src/sdk';
import { ActionRegistry } from '../../../src/sdk/registry';
import { IDENTITY_ARGUMENT, findTool, inputSchemaOf, listTools } from '../../../src/channels/tools/catalogue';

const plain = defineAction({ name: 'action_plain', run: () => [] });
const described = defineAction({
  name: 'action_book_room',
  description: 'Books a meeting room.',
  slots: z.object({ room: z.string().min(1).describe('the room'), seats: z.number().int().positive().optional() }),
  tools: { identity: 'optional' },
  run: () => [],
});
const hidden = defineAction({ name: 'action_internal', tools: false, run: () => [] });
const signedIn = defineAction({ name: 'action_my_payslip', tools: { identity: 'required' }, run: () => [] });
const oddName = defineAction({ name: 'action with spaces', run: () => [] });
const form = defineFormValidation({ form: 'room_form', validate: { room: zodValidator(z.string(), 'which room?') } });

const registry = new ActionRegistry();
for (const a of [plain, described, hidden, signedIn, oddName, form]) registry.register(a);

it('offers plain actions in registration order; not hidden ones, validation actions or names function calling refuses', () => {
  expect(listTools(registry).map((t) => t.name)).toEqual(['action_plain', 'action_book_room', 'action_my_payslip']);
  expect(findTool(registry, 'action_internal')).toBeNull();
  expect(findTool(registry, 'validate_room_form')).toBeNull();
  expect(findTool(registry, 'action with spaces')).toBeNull();
  expect(findTool(registry, 'action_nope')).toBeNull();
});

it('describes a tool by its description, else by its name', () => {
  expect(findTool(registry, 'action_book_room')!.description).toBe('Books a meeting room.');
  expect(findTool(registry, 'action_plain')!.description).toBe('Plain.');
});

it('turns the zod slots into the input schema, with identity_token as the action asks', () => {
  const schema = inputSchemaOf(findTool(registry, 'action_book_room')!, 'draft-2020-12');
  expect(schema).toEqual({
    type: 'object',
    properties: {
      room: { type: 'string', minLength: 1, description: 'the room' },
      seats: { type: 'integer', exclusiveMinimum: 0, maximum: Number.MAX_SAFE_INTEGER },
      [IDENTITY_ARGUMENT]: expect.objectContaining({ type: 'string', maxLength: 8192 }),
    },
    required: ['room'],
    additionalProperties: false,
  });
  expect(schema).not.toHaveProperty('$schema');
  expect(inputSchemaOf(findTool(registry, 'action_my_payslip')!, 'draft-2020-12')).toMatchObject({ required: [IDENTITY_ARGUMENT] });
  expect(inputSchemaOf(findTool(registry, 'action_plain')!, 'draft-2020-12')).toEqual({ type: 'object', properties: {}, additionalProperties: false });
});

it('speaks OpenAPI 3.0`s dialect where asked (exclusiveMinimum as a boolean)', () => {
  const schema = inputSchemaOf(findTool(registry, 'action_book_room')!, 'openapi-3.0') as { properties: { seats: Record<string, unknown> } };
  expect(schema.properties.seats).toMatchObject({ type: 'integer', minimum: 0, exclusiveMinimum: true });
});
