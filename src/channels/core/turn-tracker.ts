/**
 * Builds the Rasa tracker an action expects out of one turn of a channel that keeps no Rasa
 * history (Dialogflow, and the next such channel): the event list is one synthetic turn,
 * `action_listen`, the user message, then one `slot` event per value extracted this turn (what
 * validation actions check).
 */
import type { TrackerEvent } from '../../protocol/events';
import type { Domain, TrackerState } from '../../protocol/request';

export const REQUESTED_SLOT = 'requested_slot';

export interface SyntheticTurn {
  tracker: TrackerState;
  /** Declares every known slot (and the form, on a CX form page) for SDK helpers that read the domain. */
  domain: Domain;
}

export interface TurnInput {
  senderId: string;
  channel: string;
  slots: Record<string, unknown>;
  text: string;
  intent: string | null;
  confidence: number;
  /** Values extracted from this very turn. */
  extracted: Record<string, unknown>;
  metadata: Record<string, unknown>;
  messageId: string | null;
  activeLoop: string | null;
  forms?: Record<string, { required_slots: string[] }>;
}

export function buildTurn(t: TurnInput, base: Domain | null): SyntheticTurn {
  const intent = t.intent ? { name: t.intent, confidence: t.confidence } : null;
  const latest = {
    text: t.text,
    intent: intent ?? undefined,
    intent_ranking: intent ? [intent] : [],
    entities: Object.entries(t.extracted).map(([entity, value]) => ({ entity, value })),
    message_id: t.messageId,
    metadata: t.metadata,
  };
  const events: TrackerEvent[] = [
    { event: 'action', name: 'action_listen', timestamp: null },
    { event: 'user', text: t.text, parse_data: latest, input_channel: t.channel, message_id: t.messageId, timestamp: null },
  ];
  for (const [name, value] of Object.entries(t.extracted)) events.push({ event: 'slot', name, value, timestamp: null });
  const tracker: TrackerState = {
    sender_id: t.senderId,
    slots: t.slots,
    latest_message: latest,
    events,
    paused: false,
    followup_action: null,
    active_loop: t.activeLoop ? { name: t.activeLoop, is_interrupted: false, rejected: false } : {},
    latest_action_name: 'action_listen',
    latest_input_channel: t.channel,
  };
  return { tracker, domain: syntheticDomain(t, base) };
}

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

/** The configured Rasa domain (if any), plus every slot and the CX form this request knows of. */
function syntheticDomain(t: TurnInput, base: Domain | null): Domain {
  const slots: Record<string, unknown> = isObject(base?.slots) ? { ...base.slots } : {};
  for (const s of Object.keys(t.slots)) if (s !== REQUESTED_SLOT && !(s in slots)) slots[s] = { type: 'any', mappings: [{ type: 'custom' }] };
  const domain: Domain = { ...(base ?? {}), slots };
  // The CX page's form is the truth about which parameters it collects.
  if (t.forms) domain.forms = { ...(isObject(base?.forms) ? base.forms : {}), ...t.forms };
  return domain;
}
