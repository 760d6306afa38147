/**
 * Slot validation actions with rasa_sdk's semantics:
 * - `defineFormValidation` → `validate_<form>`, called by Rasa after each user turn in a form;
 * - `defineSlotValidation` → `action_validate_slot_mappings`, for slots outside forms.
 *
 * Order per call: required slots → `extract` for each required slot (results visible to later
 * extractors) → `validate` for each just-set slot that is required → one SlotSet per result.
 * A validator returning `{ slot: null }` rejects the value.
 */
import type { z } from 'zod';
import type { Domain } from '../protocol/request';
import type { RasaEvent } from '../protocol/events';
import type { Action, ActionCall } from './action';
import { SlotSet } from './events';
import type { SlotValues } from './tracker';
import type { FormName, SlotName } from './domain-types';

const REQUESTED_SLOT = 'requested_slot';

type MaybePromise<T> = T | Promise<T>;
/** What an extractor or validator returns: slot values to set. Anything else keeps the value. */
export type SlotUpdate = SlotValues | null | undefined | void;

export interface ValidationContext extends ActionCall {
  /** The slots this validation action is responsible for, per the domain. */
  domainSlots: string[];
}

export interface ValidatorContext extends ValidationContext {
  /** The slot being validated. */
  slot: string;
}

export type Extractor = (ctx: ValidationContext) => MaybePromise<SlotUpdate>;
export type Validator = (value: unknown, ctx: ValidatorContext) => MaybePromise<SlotUpdate>;

interface ValidationDefinition {
  /** Extractors, by slot name: read custom values from the message. */
  extract?: Partial<Record<SlotName, Extractor>>;
  /** Validators, by slot name. */
  validate?: Partial<Record<SlotName, Validator>>;
  /** Change which slots are required for this turn (default: the domain's). */
  requiredSlots?(domainSlots: string[], ctx: ValidationContext): MaybePromise<string[]>;
}

export interface FormValidationDefinition extends ValidationDefinition {
  /** The form's name in the domain; the action is named `validate_<form>`. */
  form: FormName;
}

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

/** Looks a slot's handler up by its name, or with dashes turned into underscores as rasa_sdk does. */
function handlerFor<T>(handlers: Partial<Record<string, T>> | undefined, slot: string): T | undefined {
  if (!handlers) return undefined;
  return Object.prototype.hasOwnProperty.call(handlers, slot)
    ? handlers[slot]
    : Object.prototype.hasOwnProperty.call(handlers, slot.replace(/-/g, '_'))
      ? handlers[slot.replace(/-/g, '_')]
      : undefined;
}

async function validateSlots(def: ValidationDefinition, ctx: ValidationContext): Promise<RasaEvent[]> {
  const { tracker } = ctx;
  const required = async () => (def.requiredSlots ? def.requiredSlots(ctx.domainSlots, ctx) : ctx.domainSlots);

  const extracted: SlotValues = {};
  for (const slot of await required()) {
    const extractor = handlerFor(def.extract, slot);
    if (!extractor) continue;
    const out = await extractor(ctx);
    if (!isObject(out)) continue;
    Object.assign(extracted, out);
    Object.assign(tracker.slots, out);
  }
  tracker.addSlots(Object.entries(extracted).map(([name, value]) => SlotSet(name, value) as RasaEvent & { event: 'slot'; name: string }));

  const stillRequired = new Set(await required());
  const candidates = Object.entries(tracker.slotsToValidate()).filter(([slot]) => stillRequired.has(slot));
  // Start from the candidates, as rasa_sdk does: they keep their order, keys a validator adds come
  // after them, and a value one validator sets for another slot is not undone by that slot.
  const result: SlotValues = Object.fromEntries(candidates);
  for (const [slot, value] of candidates) {
    const validator = handlerFor(def.validate, slot);
    if (!validator) continue;
    const out = await validator(value, { ...ctx, slot });
    if (!isObject(out)) continue;
    Object.assign(result, out);
    Object.assign(tracker.slots, out);
  }
  const events = Object.entries(result).map(([name, value]) => SlotSet(name, value));
  // What the next requested slot is computed from.
  tracker.addSlots(events);
  return events;
}

function formSlots(domain: Domain | null, form: string): string[] {
  const forms = isObject(domain?.forms) ? domain.forms : {};
  const spec = forms[form];
  const required = isObject(spec) ? spec.required_slots : undefined;
  if (Array.isArray(required)) return required.filter((s): s is string => typeof s === 'string');
  // Rasa 2.x described required slots as a mapping keyed by slot name.
  return isObject(required) ? Object.keys(required) : [];
}

/** Slots with at least one mapping that is not conditioned on an active loop. */
export function globalSlots(domain: Domain | null): string[] {
  const slots = isObject(domain?.slots) ? domain.slots : {};
  const out: string[] = [];
  for (const [name, info] of Object.entries(slots)) {
    const mappings = isObject(info) && Array.isArray(info.mappings) ? info.mappings : [];
    const formBound = mappings.some(
      (m) => isObject(m) && Array.isArray(m.conditions) && m.conditions.some((c) => isObject(c) && Boolean(c.active_loop)),
    );
    if (!formBound) out.push(name);
  }
  return out;
}

const sameList = (a: string[], b: string[]) => a.length === b.length && a.every((v, i) => v === b[i]);

export function defineFormValidation(def: FormValidationDefinition): Action {
  const slotNames = [...new Set([...Object.keys(def.extract ?? {}), ...Object.keys(def.validate ?? {})])];
  return {
    name: `validate_${def.form}`,
    kind: 'form_validation',
    slotNames,
    async run(call) {
      const domainSlots = formSlots(call.domain, def.form);
      const ctx: ValidationContext = { ...call, domainSlots };
      const events = await validateSlots(def, ctx);
      // Rasa's form picks the next slot itself unless the required slots were changed here.
      if (def.requiredSlots) {
        const required = await def.requiredSlots(domainSlots, ctx);
        if (!sameList(required, domainSlots)) {
          const next = required.find((s) => call.tracker.slots[s] === null || call.tracker.slots[s] === undefined) ?? null;
          events.push(SlotSet(REQUESTED_SLOT, next));
        }
      }
      return events;
    },
  };
}

export const SLOT_VALIDATION_ACTION = 'action_validate_slot_mappings';

/** The global validation action Rasa calls after extracting slots outside forms. */
export function defineSlotValidation(def: ValidationDefinition): Action {
  const slotNames = [...new Set([...Object.keys(def.extract ?? {}), ...Object.keys(def.validate ?? {})])];
  return {
    name: SLOT_VALIDATION_ACTION,
    kind: 'slot_validation',
    slotNames,
    run: (call) => validateSlots(def, { ...call, domainSlots: globalSlots(call.domain) }),
  };
}

/**
 * A validator from a zod schema: a valid value is stored normalized (the schema's output);
 * an invalid one is rejected (slot set to null) and the user is told `message`.
 */
export function zodValidator(schema: z.ZodType, message: string | ((error: z.ZodError) => string)): Validator {
  return (value, ctx) => {
    const parsed = schema.safeParse(value);
    if (parsed.success) return { [ctx.slot]: parsed.data };
    ctx.dispatcher.utterMessage({ text: typeof message === 'string' ? message : message(parsed.error) });
    return { [ctx.slot]: null };
  };
}
