/**
 * Run an action or a form validation in-process, without Rasa or HTTP, from a tracker built
 * out of a few slots, the latest message and events.
 *
 *   const out = await runAction(greet, { slots: { user_name: 'Ada' } });
 *   expect(out.texts).toEqual(['Hello, Ada!']);
 */
import type { Domain, TrackerState } from '../protocol/request';
import type { Entity, RasaEvent, TrackerEvent } from '../protocol/events';
import type { ResponseEntry } from '../protocol/response';
import type { Action, ActionServices } from './action';
import { Executor } from './executor';
import { ActionRegistry } from './registry';
import { SlotSet } from './events';
import { describeRefusedEvents, splitByRasaSupport } from '../protocol/event-support';
import { parseRasaVersion } from '../protocol/rasa-version';

export interface TrackerSpec {
  senderId?: string;
  slots?: Record<string, unknown>;
  /** The latest user message: its text, intent and entities. */
  text?: string;
  intent?: string;
  entities?: Entity[];
  metadata?: Record<string, unknown>;
  /** Events before the latest message. */
  events?: TrackerEvent[];
  /** Slot values Rasa just extracted: appended as trailing slot events (what validation sees). */
  extracted?: Record<string, unknown>;
  /** Name of the active form/loop. */
  activeLoop?: string | null;
  requestedSlot?: string | null;
  latestActionName?: string | null;
  paused?: boolean;
}

/** A tracker state as Rasa would send it. */
export function buildTracker(spec: TrackerSpec = {}): TrackerState {
  const slots: Record<string, unknown> = { ...(spec.slots ?? {}) };
  if (spec.requestedSlot !== undefined) slots.requested_slot = spec.requestedSlot;
  Object.assign(slots, spec.extracted ?? {});
  const latest =
    spec.text !== undefined || spec.intent !== undefined || spec.entities !== undefined || spec.metadata !== undefined
      ? {
          text: spec.text ?? '',
          intent: { name: spec.intent ?? 'nlu_fallback', confidence: 1 },
          intent_ranking: spec.intent ? [{ name: spec.intent, confidence: 1 }] : [],
          entities: spec.entities ?? [],
          metadata: spec.metadata ?? {},
        }
      : null;
  const events: TrackerEvent[] = [...(spec.events ?? [])];
  if (latest) {
    events.push({ event: 'action', name: 'action_listen', timestamp: null });
    events.push({ event: 'user', text: latest.text, parse_data: latest, input_channel: 'test', timestamp: null });
  }
  for (const [name, value] of Object.entries(spec.extracted ?? {})) events.push(SlotSet(name, value) as TrackerEvent);
  return {
    sender_id: spec.senderId ?? 'test-user',
    slots,
    latest_message: latest,
    events,
    paused: spec.paused ?? false,
    followup_action: null,
    active_loop: spec.activeLoop ? { name: spec.activeLoop, is_interrupted: false, rejected: false } : {},
    latest_action_name: spec.latestActionName ?? (latest ? 'action_listen' : null),
    latest_input_channel: latest ? 'test' : null,
  };
}

export interface RunOptions extends TrackerSpec {
  tracker?: TrackerState;
  domain?: Domain | null;
  services?: ActionServices;
  /**
   * The Rasa version the assistant runs, e.g. '3.6.21'. An event that version's response schema
   * rejects fails the run (the server would hold it back). Default: the newest Rasa, which still
   * fails an event type no Rasa knows.
   */
  rasaVersion?: string;
}

export interface RunOutcome {
  events: RasaEvent[];
  responses: ResponseEntry[];
  /** The texts of the responses, in order, for short assertions. */
  texts: (string | null)[];
  /** Slot values set by the returned events, later events winning. */
  slotsSet: Record<string, unknown>;
}

export async function runAction(action: Action, opts: RunOptions = {}): Promise<RunOutcome> {
  const executor = new Executor(new ActionRegistry().register(action), opts.services ?? {});
  const rasaVersion = parseRasaVersion(opts.rasaVersion);
  if (opts.rasaVersion !== undefined && rasaVersion === null) throw new Error(`rasaVersion '${opts.rasaVersion}' is not a Rasa version (like 3.6.21)`);
  const out = await executor.execute(action, { tracker: opts.tracker ?? buildTracker(opts), domain: opts.domain ?? null });
  const { refused } = splitByRasaSupport(out.events, opts.rasaVersion);
  if (refused.length > 0) throw new Error(describeRefusedEvents(action.name, refused, rasaVersion));
  const slotsSet: Record<string, unknown> = {};
  for (const e of out.events) if (e.event === 'slot') slotsSet[e.name] = e.value;
  return { events: out.events, responses: out.responses, texts: out.responses.map((r) => r.text), slotsSet };
}

/** A minimal domain declaring a form and its required slots, for form-validation tests. */
export function formDomain(form: string, requiredSlots: string[], extra: Domain = {}): Domain {
  return { ...extra, forms: { [form]: { required_slots: requiredSlots } } };
}
