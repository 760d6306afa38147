/**
 * What the Rasa events an action returned mean for Dialogflow: slot changes (null = cleared),
 * follow-up actions, and which events have no Dialogflow equivalent.
 */
import type { RasaEvent } from '../../protocol/events';
import type { CxParameterInfo } from './request-schemas';

export const REQUESTED_SLOT = 'requested_slot';

export interface EventEffects {
  /** Slot name → new value; null clears. In event order, later events winning. */
  slotChanges: Record<string, unknown>;
  /** Actions named by FollowupAction events, in order. */
  followups: string[];
  /** Event types that were dropped because Dialogflow has nothing like them. */
  ignored: string[];
}

/** `knownSlots`: the slots the tracker had, cleared by AllSlotsReset / Restarted. */
export function effectsOf(events: RasaEvent[], knownSlots: string[]): EventEffects {
  const fx: EventEffects = { slotChanges: {}, followups: [], ignored: [] };
  for (const e of events) {
    switch (e.event) {
      case 'slot':
        fx.slotChanges[e.name] = e.value ?? null;
        break;
      case 'reset_slots':
      case 'restart':
        for (const s of [...knownSlots, ...Object.keys(fx.slotChanges)]) fx.slotChanges[s] = null;
        break;
      case 'followup':
        fx.followups.push(e.name);
        break;
      default:
        fx.ignored.push(e.event);
    }
  }
  // requested_slot is Rasa's form bookkeeping; Dialogflow tracks the form itself.
  delete fx.slotChanges[REQUESTED_SLOT];
  return fx;
}

/** ES: the full slot map the slot context carries after this turn (nulls kept so clears stick). */
export function esSlotContextParameters(current: Record<string, unknown>, changes: Record<string, unknown>): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries({ ...current, ...changes })) if (k !== REQUESTED_SLOT) out[k] = v === undefined ? null : v;
  return out;
}

export interface CxParameterState {
  displayName: string;
  required?: boolean;
  state: 'INVALID' | 'FILLED';
  value?: unknown;
}

/**
 * CX form states after an action. A validation (`validate_<form>`, `action_validate_slot_mappings`)
 * that rejects a value (null) marks the parameter INVALID so CX asks again; an accepted one is FILLED
 * with the (possibly normalized) value. Any other action that clears a slot has finished its work
 * (e.g. filed the ticket): that is no validation failure, so the parameter is left out here and
 * only deleted through `sessionInfo.parameters`. Reporting it EMPTY would not help: the proto says
 * CX ignores every state a webhook sets except INVALID. Only the page's own form parameters are
 * listed: a webhook cannot add any.
 */
export function cxFormStates(form: CxParameterInfo[], changes: Record<string, unknown>, validates: boolean): CxParameterState[] {
  const out: CxParameterState[] = [];
  for (const p of form) {
    if (!Object.prototype.hasOwnProperty.call(changes, p.displayName)) continue;
    const value = changes[p.displayName];
    const cleared = value === null || value === undefined;
    if (cleared && !validates) continue;
    const base = typeof p.required === 'boolean' ? { displayName: p.displayName, required: p.required } : { displayName: p.displayName };
    out.push(cleared ? { ...base, state: 'INVALID' } : { ...base, state: 'FILLED', value });
  }
  return out;
}
