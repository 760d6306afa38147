/**
 * What an action is, and `defineAction`, the way to write one: a name, a zod schema for the
 * slots it reads, and `run`. Slots arrive parsed and typed; a missing or invalid slot is answered
 * with a helpful message instead of reaching `run` (or crashing it).
 */
import type { z } from 'zod';
import type { Domain } from '../protocol/request';
import type { RasaEvent } from '../protocol/events';
import { ActionExecutionRejection } from '../errors';
import type { Dispatcher } from './dispatcher';
import type { Tracker } from './tracker';
import type { DomainSlots, ResponseName, SlotName, UnknownSlotNames } from './domain-types';

import type { ActionServices } from './services';

export type { ActionServices };

/** What the executor hands to every action run. */
export interface ActionCall {
  tracker: Tracker;
  dispatcher: Dispatcher;
  domain: Domain | null;
  services: ActionServices;
  /** Aborted when the server shuts down or the caller went away. */
  signal?: AbortSignal;
}

export type ActionKind = 'action' | 'form_validation' | 'slot_validation';

/** A registered action. Build one with `defineAction`, `defineFormValidation` or `defineSlotValidation`. */
export interface Action {
  readonly name: string;
  readonly kind: ActionKind;
  /** Slots the action reads or validates; `check` compares them with domain.yml. */
  readonly slotNames: readonly string[];
  /** What the action does, in a sentence for an LLM choosing among tools (MCP, OpenAPI). */
  readonly description?: string;
  /** The slot schema, for channels that describe the action's inputs (tools); absent = no slots. */
  readonly slotSchema?: SlotSchema;
  /** How the action is offered as a tool to LLM agents; `false` = not offered. Default: offered. */
  readonly tools?: ToolExposure;
  run(call: ActionCall): Promise<RasaEvent[]>;
}

/**
 * How an action is offered as a tool (MCP, `POST /tools/{action}`): `false` hides it (a step that
 * only makes sense inside a Rasa story, say). `identity` adds an `identity_token` argument, which
 * travels where a chat channel puts it (the message metadata): `optional` for actions that do
 * more for a signed-in caller, `required` for actions that refuse without one.
 */
export type ToolExposure = false | { identity?: 'optional' | 'required' };

export type SlotSchema = z.ZodObject<z.ZodRawShape>;

export interface ActionContext<S> extends ActionCall {
  /** The slots named in the action's schema, parsed and typed. */
  slots: S;
  senderId: string;
  /** Decline to run: Rasa records `action_execution_rejected` and predicts something else. */
  reject(message?: string): never;
}

export interface ActionDefinition<Schema extends SlotSchema | undefined> {
  name: string;
  /** One or two sentences on what the action does; tools (MCP, OpenAPI) show it to an LLM. */
  description?: string;
  /** Offered as a tool to LLM agents (default), with an identity token argument, or not at all (`false`). */
  tools?: ToolExposure;
  /** Slots this action reads, as a zod object; keys are slot names. */
  slots?: Schema;
  run(ctx: ActionContext<Schema extends SlotSchema ? z.output<Schema> : Record<string, never>>): Promise<RasaEvent[] | void> | RasaEvent[] | void;
  /**
   * Answers a missing or invalid slot. Default: asks for it with the domain's `utter_ask_<slot>`
   * response when there is one, else with a sentence built from the schema's description.
   */
  onInvalidSlots?(problems: SlotProblem[], call: ActionCall): Promise<RasaEvent[] | void> | RasaEvent[] | void;
}

export interface SlotProblem {
  slot: string;
  missing: boolean;
  message: string;
  description?: string;
}

/** Slots of the schema whose declared domain type the schema would refuse (none while the domain is untyped). */
type MistypedSlots<Shape> = {
  [K in Extract<keyof Shape, keyof DomainSlots>]: NonNullable<DomainSlots[K]> extends z.input<Shape[K]> ? never : K;
}[Extract<keyof Shape, keyof DomainSlots>];

/**
 * With generated domain types (`actionbridge types`), a schema key that is not a slot of the domain,
 * or a schema that refuses its slot's declared type, turns `slots` into a type that names the slot,
 * so the compiler's message says which one.
 */
export type SlotsInDomain<Schema> =
  Schema extends z.ZodObject<infer Shape>
    ? [UnknownSlotNames<keyof Shape>] extends [never]
      ? [MistypedSlots<Shape>] extends [never]
        ? unknown
        : { slots: `slot schema does not accept the domain's type of: ${MistypedSlots<Shape> & string}` }
      : { slots: `not a slot of the domain: ${UnknownSlotNames<keyof Shape>}` }
    : unknown;

export function defineAction<Schema extends SlotSchema | undefined = undefined>(def: ActionDefinition<Schema> & SlotsInDomain<Schema>): Action {
  const schema = def.slots as SlotSchema | undefined;
  const slotNames = schema ? Object.keys(schema.shape) : [];
  return {
    name: def.name,
    kind: 'action',
    slotNames,
    description: def.description,
    slotSchema: schema,
    tools: def.tools,
    async run(call) {
      let slots: Record<string, unknown> = {};
      if (schema) {
        const picked: Record<string, unknown> = {};
        for (const k of slotNames) {
          const v = call.tracker.getSlot(k as SlotName);
          // Rasa sends unset slots as null; zod's optional() expects undefined.
          if (v !== null) picked[k] = v;
        }
        const parsed = schema.safeParse(picked);
        if (!parsed.success) {
          const problems = toSlotProblems(schema, parsed.error, picked);
          const handler = def.onInvalidSlots ?? askForSlots;
          return (await handler(problems, call)) ?? [];
        }
        slots = parsed.data;
      }
      const ctx = {
        ...call,
        slots,
        senderId: call.tracker.senderId,
        reject(message?: string): never {
          throw new ActionExecutionRejection(def.name, message);
        },
      } as ActionContext<never>;
      return (await def.run(ctx)) ?? [];
    },
  };
}

function toSlotProblems(schema: SlotSchema, error: z.ZodError, input: Record<string, unknown>): SlotProblem[] {
  const seen = new Set<string>();
  const problems: SlotProblem[] = [];
  for (const issue of error.issues) {
    const slot = String(issue.path[0] ?? '');
    if (seen.has(slot)) continue;
    seen.add(slot);
    const field = (schema.shape as Record<string, z.ZodType | undefined>)[slot];
    problems.push({ slot, missing: !(slot in input), message: issue.message, description: descriptionOf(field) });
  }
  return problems;
}

/** The `.describe()` text, also when `.optional()`/`.nullable()`/`.default()` wrapped it afterwards. */
function descriptionOf(field: z.ZodType | undefined): string | undefined {
  let current: unknown = field;
  for (let depth = 0; depth < 8 && current; depth++) {
    const { description, unwrap } = current as { description?: string; unwrap?: () => unknown };
    if (description) return description;
    current = typeof unwrap === 'function' ? unwrap.call(current) : undefined;
  }
  return undefined;
}

function hasResponse(domain: Domain | null, name: string): boolean {
  const responses = domain?.responses;
  return typeof responses === 'object' && responses !== null && name in responses;
}

/** The default answer to missing/invalid slots: ask for the first one. */
function askForSlots(problems: SlotProblem[], call: ActionCall): RasaEvent[] {
  const first = problems[0];
  if (!first) return [];
  const ask = `utter_ask_${first.slot}`;
  if (first.missing && hasResponse(call.domain, ask)) {
    // Only sent when the domain has it (checked just above).
    call.dispatcher.utterMessage({ response: ask as ResponseName });
    return [];
  }
  const what = first.description ?? first.slot.replace(/_/g, ' ');
  call.dispatcher.utterMessage({
    text: first.missing ? `I still need ${what} to do that.` : `That ${what} doesn't look right (${first.message}). Could you give it again?`,
  });
  return [];
}
