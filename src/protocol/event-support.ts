/**
 * Which event types each Rasa version accepts back from an action server.
 *
 * Rasa validates the whole response against one JSON schema (`EVENTS_SCHEMA` in
 * rasa/shared/utils/schemas/events.py, checked in rasa/core/actions/action.py); a single event of
 * a type its schema does not list fails the response, and Rasa then drops every event and message
 * of the action. So an event the calling Rasa does not know must not be sent.
 *
 * One row per version range, newest last; a version accepts the events of its row and of every
 * row before it. Sources, read in RasaHQ/rasa and RasaHQ/rasa-sdk:
 * - up to 3.6: the Open Source 3.x schema (the one Rasa 3.6 ships): 23 types, ending with
 *   `session_started` and `agent`.
 * - 3.7: Rasa Pro's CALM added flows and the dialogue stack (`flow_*`, `stack`).
 * - 3.10: coexistence of NLU-based and CALM assistants added `routing_session_ended`.
 * - 3.14: sub agents (beta from 3.14.0) added `agent_*`.
 * - 3.16: rasa_sdk 3.16 added `SessionEnded` (Rasa and rasa_sdk share minor versions);
 *   `error` is listed after `session_ended` in the newest schema and no earlier version was
 *   found, so it is assumed to arrive with it (refusing it below 3.16 only costs that event).
 */
import type { EventName } from './events';
import { compareRasaVersions, formatRasaVersion, parseRasaVersion, rasaVersion, type RasaVersion } from './rasa-version';

export interface EventSupportRow {
  /** The first Rasa version that accepts these events. */
  since: RasaVersion;
  events: readonly EventName[];
}

export const EVENT_SUPPORT: readonly EventSupportRow[] = [
  {
    // Read in the 3.x schema; older Rasa is not covered by the sources and is given the same list.
    since: rasaVersion('0.0.0'),
    events: [
      'user', 'action', 'slot', 'entities', 'user_featurization', 'cancel_reminder', 'reminder',
      'action_execution_rejected', 'form_validation', 'loop_interrupted', 'form', 'active_loop',
      'reset_slots', 'resume', 'pause', 'followup', 'export', 'restart', 'undo', 'rewind', 'bot',
      'session_started', 'agent',
    ],
  },
  { since: rasaVersion('3.7.0'), events: ['flow_started', 'flow_interrupted', 'flow_resumed', 'flow_completed', 'flow_cancelled', 'stack'] },
  { since: rasaVersion('3.10.0'), events: ['routing_session_ended'] },
  { since: rasaVersion('3.14.0'), events: ['agent_started', 'agent_completed', 'agent_interrupted', 'agent_resumed', 'agent_cancelled'] },
  { since: rasaVersion('3.16.0'), events: ['session_ended', 'error'] },
];

const SINCE = new Map<string, RasaVersion>(EVENT_SUPPORT.flatMap((row) => row.events.map((e) => [e, row.since] as const)));

/** The first Rasa version that accepts `event`, or null for a type no Rasa accepts. */
export function eventSupportedSince(event: string): RasaVersion | null {
  return SINCE.get(event) ?? null;
}

/**
 * Whether a Rasa of this version accepts an event of this type. No version (absent or unreadable
 * in the call) is the newest Rasa (see rasa-version.ts), which accepts every known type.
 */
export function rasaAcceptsEvent(version: RasaVersion | null, event: string): boolean {
  const since = eventSupportedSince(event);
  if (since === null) return false;
  return version === null || compareRasaVersions(version, since) >= 0;
}

export interface EventSplit<E> {
  accepted: readonly E[];
  refused: E[];
}

/** One Rasa deployment sends the same version string on every call: parse it once. */
let lastVersion: { text: unknown; parsed: RasaVersion | null } = { text: undefined, parsed: null };
function parsedVersion(text: unknown): RasaVersion | null {
  if (text !== lastVersion.text) lastVersion = { text, parsed: parseRasaVersion(text) };
  return lastVersion.parsed;
}

/**
 * Splits an action's events into those the Rasa that sent `version` accepts and those it would
 * reject. When none is refused, `accepted` is the list passed in (the common case costs no copy).
 */
export function splitByRasaSupport<E extends { event: string }>(events: readonly E[], version: unknown): EventSplit<E> {
  const v = parsedVersion(version);
  const refused = events.filter((e) => !rasaAcceptsEvent(v, e.event));
  if (refused.length === 0) return { accepted: events, refused };
  return { accepted: events.filter((e) => rasaAcceptsEvent(v, e.event)), refused };
}

/** Why these events cannot go to that Rasa, in one sentence for a developer (test kit, `call`). */
export function describeRefusedEvents(action: string, refused: readonly { event: string }[], version: RasaVersion | null): string {
  const reasons = [...new Set(refused.map((e) => e.event))].map((name) => {
    const since = eventSupportedSince(name);
    return since === null ? `${name} (no Rasa version accepts it)` : `${name} (accepted from Rasa ${formatRasaVersion(since)})`;
  });
  const who = version === null ? 'Rasa' : `Rasa ${formatRasaVersion(version)}`;
  return `action '${action}' returned events ${who} rejects: ${reasons.join(', ')}; Rasa drops all of an action's events when one is rejected, so the server would hold these back`;
}
