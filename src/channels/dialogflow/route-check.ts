/**
 * Which registered action a Dialogflow intent or tag reaches, and which entries of a mapping file
 * reach none. A mapped name that points at no registered action is answered with the "unknown"
 * sentence at run time, so `cli check` reports it before deploying.
 */
import type { ActionRegistry } from '../../sdk/registry';
import { cxCandidates, esCandidates, type DialogflowMapping } from './mapping';

/** The action an ES intent runs (by display name and its Action field), or null. */
export function esRoute(mapping: DialogflowMapping, registry: ActionRegistry, intent: string, intentAction: string | null = null): string | null {
  return esCandidates(mapping, intent, intentAction).find((n) => registry.has(n)) ?? null;
}

/** The action a CX fulfillment tag runs, or null. */
export function cxRoute(mapping: DialogflowMapping, registry: ActionRegistry, tag: string): string | null {
  return cxCandidates(mapping, tag).find((n) => registry.has(n)) ?? null;
}

/** One sentence per intent or tag in the mapping file that points at no registered action. */
export function mappingProblems(mapping: DialogflowMapping, registry: ActionRegistry): string[] {
  const problems: string[] = [];
  for (const [intent, action] of Object.entries(mapping.es.intents)) {
    if (!registry.has(action)) problems.push(`ES intent '${intent}' is mapped to '${action}', which is not a registered action`);
  }
  for (const [tag, action] of Object.entries(mapping.cx.tags)) {
    if (!registry.has(action)) problems.push(`CX tag '${tag}' is mapped to '${action}', which is not a registered action`);
  }
  return problems;
}
