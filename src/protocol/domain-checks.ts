/**
 * What `rasa data validate` (Rasa 3.x, `Validator.verify_slot_mappings`) finds wrong in a domain's
 * slot mappings, checked without Rasa:
 * - a mapping conditioned on an `active_loop` that is not a form of the domain;
 * - a mapping conditioned on a form whose `required_slots` do not list the slot (Rasa lets such a
 *   form neither fill nor validate the slot). Mappings of type `from_trigger_intent` are exempt:
 *   they fill a slot when the form starts, whether the form asks for it or not.
 * Rasa skips the second rule for a form with no required slots, and so does this.
 */
import type { Domain } from './request';

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);
const listOf = (v: unknown): unknown[] => (Array.isArray(v) ? v : []);

/** A form's required slots: a list, or (Rasa 2.x) a mapping keyed by slot name. */
function requiredSlotsOf(form: unknown): string[] {
  const required = isObject(form) ? form.required_slots : undefined;
  if (Array.isArray(required)) return required.filter((s): s is string => typeof s === 'string');
  return isObject(required) ? Object.keys(required) : [];
}

export function slotMappingProblems(domain: Domain): string[] {
  const slots = isObject(domain.slots) ? domain.slots : {};
  const forms = isObject(domain.forms) ? domain.forms : {};
  const problems: string[] = [];
  for (const [slot, spec] of Object.entries(slots)) {
    for (const mapping of listOf(isObject(spec) ? spec.mappings : undefined)) {
      if (!isObject(mapping)) continue;
      for (const condition of listOf(mapping.conditions)) {
        const loop = isObject(condition) ? condition.active_loop : undefined;
        if (typeof loop !== 'string' || loop === '') continue;
        if (!Object.prototype.hasOwnProperty.call(forms, loop)) {
          problems.push(`slot '${slot}' has a mapping conditioned on form '${loop}', which the domain's forms do not define`);
          continue;
        }
        const required = requiredSlotsOf(forms[loop]);
        if (required.length > 0 && !required.includes(slot) && mapping.type !== 'from_trigger_intent') {
          problems.push(`slot '${slot}' has a mapping conditioned on form '${loop}', but '${loop}' does not list it in required_slots (rasa data validate fails; list it there or drop the condition)`);
        }
      }
    }
  }
  return problems;
}
