/**
 * Compares a Rasa domain with the registered actions: every custom action the domain lists is
 * registered, every registered action is listed, every slot an action reads is declared, and
 * every form validation action has its form; and every slot mapping conditioned on a form names
 * a form that requires the slot (the rule of `rasa data validate`). Rasa finds most of this out
 * only when a conversation reaches the action; this finds it before deploying.
 */
import path from 'node:path';
import type { Domain } from '../../protocol/request';
import { loadMapping, MappingFileError } from '../../channels/dialogflow/mapping';
import { mappingProblems } from '../../channels/dialogflow/route-check';
import type { ActionRegistry } from '../../sdk/registry';
import { domainActions, domainForms, domainSlots } from '../../protocol/domain-file';
import { slotMappingProblems } from '../../protocol/domain-checks';

/** Built-in actions Rasa runs itself; listing them in `actions:` is allowed and not ours to serve. */
const RASA_BUILTIN = new Set([
  'action_listen',
  'action_restart',
  'action_session_start',
  'action_default_fallback',
  'action_deactivate_loop',
  'action_revert_fallback_events',
  'action_default_ask_affirmation',
  'action_default_ask_rephrase',
  'action_two_stage_fallback',
  'action_unlikely_intent',
  'action_back',
  'action_extract_slots',
]);

export interface CheckReport {
  problems: string[];
  checked: { actions: number; slots: number };
}

export function checkDomain(domain: Domain, registry: ActionRegistry): CheckReport {
  // What `rasa data validate` would refuse in the domain itself, before comparing it with the actions.
  const problems: string[] = slotMappingProblems(domain);
  const listed = domainActions(domain).filter((a) => !a.startsWith('utter_') && !RASA_BUILTIN.has(a));
  const slots = new Set(domainSlots(domain));
  const forms = new Set(domainForms(domain));

  for (const name of listed) {
    if (!registry.has(name)) problems.push(`domain lists action '${name}' but no action with that name is registered`);
  }
  const listedSet = new Set(listed);
  let slotCount = 0;
  for (const action of registry.list()) {
    if (!listedSet.has(action.name)) problems.push(`action '${action.name}' is registered but not listed under 'actions:' in the domain, so Rasa will never call it`);
    if (action.kind === 'form_validation') {
      const form = action.name.replace(/^validate_/, '');
      if (!forms.has(form)) problems.push(`'${action.name}' validates form '${form}', which the domain does not define`);
    }
    for (const slot of action.slotNames) {
      slotCount++;
      if (!slots.has(slot)) problems.push(`action '${action.name}' reads slot '${slot}', which the domain does not declare`);
    }
  }
  return { problems, checked: { actions: registry.size, slots: slotCount } };
}

/**
 * The Dialogflow mapping file against the registered actions: every intent and tag it maps must
 * reach an action, or Dialogflow users get the "can't help with that" sentence. An unreadable file
 * is a problem too (the server would refuse to start with it).
 */
export function checkDialogflowMapping(file: string, registry: ActionRegistry): string[] {
  try {
    return mappingProblems(loadMapping(file), registry).map((p) => `${path.basename(file)}: ${p}`);
  } catch (err) {
    if (err instanceof MappingFileError) return [err.message];
    throw err;
  }
}
