/**
 * A read-only view of the conversation as Rasa sent it, with the helpers rasa_sdk users know
 * (camelCased). Built once per call from the validated tracker state; nothing here copies the
 * event list unless a helper asks for a slice of it.
 */
import type { ActiveLoopState, LatestMessage, TrackerState } from '../protocol/request';
import type { TrackerEvent } from '../protocol/events';
import type { SlotName, SlotValue } from './domain-types';

const NO_LOOP_NAME = 'should_not_be_set';
const ACTION_LISTEN = 'action_listen';

export type SlotValues = Record<string, unknown>;

export class Tracker {
  readonly senderId: string;
  readonly slots: SlotValues;
  readonly latestMessage: LatestMessage;
  readonly events: TrackerEvent[];
  readonly paused: boolean;
  readonly followupAction: string | null;
  readonly activeLoop: ActiveLoopState;
  readonly latestActionName: string | null;
  readonly latestEventTime: number | null;
  readonly stack: unknown[];
  readonly userId: string | null;

  constructor(state: TrackerState) {
    this.senderId = state.sender_id;
    this.slots = { ...(state.slots ?? {}) };
    this.latestMessage = state.latest_message ?? {};
    this.events = state.events ?? [];
    this.paused = state.paused ?? false;
    this.followupAction = state.followup_action ?? null;
    this.activeLoop = state.active_loop ?? state.active_form ?? {};
    this.latestActionName = state.latest_action_name ?? null;
    this.latestEventTime = state.latest_event_time ?? null;
    this.stack = state.stack ?? [];
    this.userId = state.user_id ?? null;
  }

  /**
   * The slot's value, or null when the slot is unknown or unset. Typed by the domain once its types
   * are generated (a misspelled name is then a compile error); `getSlot<T>(name)` still names the type.
   */
  getSlot<T = never, K extends SlotName = SlotName>(name: K): [T] extends [never] ? SlotValue<K> | null : T | null {
    return (Object.prototype.hasOwnProperty.call(this.slots, name) ? this.slots[name] : null) as [T] extends [never] ? SlotValue<K> | null : T | null;
  }

  currentSlotValues(): SlotValues {
    return this.slots;
  }

  /** The text of the latest user message, or null. */
  get latestText(): string | null {
    return this.latestMessage.text ?? null;
  }

  /** Metadata the channel attached to the latest user message (e.g. an identity token). */
  get latestMetadata(): Record<string, unknown> {
    return this.latestMessage.metadata ?? {};
  }

  /**
   * Values of entities of `type` in the latest message. Role and group must match exactly, as
   * in rasa_sdk: an entity that has a role is not returned unless that role is asked for.
   */
  getLatestEntityValues(type: string, opts: { role?: string | null; group?: string | null } = {}): unknown[] {
    const role = opts.role ?? null;
    const group = opts.group ?? null;
    const out: unknown[] = [];
    for (const e of this.latestMessage.entities ?? []) {
      const r = (e as { role?: unknown }).role ?? null;
      const g = (e as { group?: unknown }).group ?? null;
      if (e.entity === type && r === role && g === group) out.push(e.value);
    }
    return out;
  }

  /**
   * The intent of the latest message, read from the ranking like rasa_sdk does; when the top
   * intent is `nlu_fallback` and skipping is on, the runner-up is returned.
   */
  getIntentOfLatestMessage(skipFallbackIntent = true): string | null {
    const ranking = this.latestMessage.intent_ranking;
    if (!ranking || ranking.length === 0) return null;
    const top = ranking[0]?.name ?? null;
    if (top === 'nlu_fallback' && skipFallbackIntent) return ranking[1]?.name ?? null;
    return top;
  }

  getLatestInputChannel(): string | null {
    for (let i = this.events.length - 1; i >= 0; i--) {
      const e = this.events[i]!;
      if (e.event === 'user') return typeof e.input_channel === 'string' ? e.input_channel : null;
    }
    return null;
  }

  isPaused(): boolean {
    return this.paused;
  }

  /** Index of the first event after the latest `restart` (0 when there was none). */
  idxAfterLatestRestart(): number {
    for (let i = this.events.length - 1; i >= 0; i--) {
      if (this.events[i]!.event === 'restart') return i + 1;
    }
    return 0;
  }

  eventsAfterLatestRestart(): TrackerEvent[] {
    return this.events.slice(this.idxAfterLatestRestart());
  }

  /** The active loop (form) name, or null when none is active. */
  get activeLoopName(): string | null {
    const name = this.activeLoop.name;
    return !name || name === NO_LOOP_NAME ? null : name;
  }

  /**
   * The events that count after undo/rewind/restart are replayed, as rasa_sdk computes them.
   */
  appliedEvents(): TrackerEvent[] {
    const applied: TrackerEvent[] = [];
    const undoTillPrevious = (type: string) => {
      for (let i = applied.length - 1; i >= 0; i--) {
        const e = applied.pop()!;
        if (e.event === type) return;
      }
    };
    for (const e of this.events) {
      if (e.event === 'restart') applied.length = 0;
      else if (e.event === 'undo') undoTillPrevious('action');
      else if (e.event === 'rewind') {
        // A user message implies the action_listen just before it: both go.
        undoTillPrevious('user');
        undoTillPrevious('action');
      } else applied.push(e);
    }
    return applied;
  }

  /** The newest applied event of `type`, skipping `skip` matches and actions named in `exclude`. */
  getLastEventFor(type: string, opts: { exclude?: string[]; skip?: number } = {}): TrackerEvent | null {
    const exclude = opts.exclude ?? [];
    let skip = opts.skip ?? 0;
    const applied = this.appliedEvents();
    for (let i = applied.length - 1; i >= 0; i--) {
      const e = applied[i]!;
      if (e.event !== type) continue;
      // `exclude` names actions only: a slot called like an excluded action still counts.
      if (e.event === 'action' && typeof e.name === 'string' && exclude.includes(e.name)) continue;
      if (skip-- > 0) continue;
      return e;
    }
    return null;
  }

  /** Whether the last executed action (ignoring `action_listen`) is `name`. */
  lastExecutedActionHas(name: string, skip = 0): boolean {
    const last = this.getLastEventFor('action', { exclude: [ACTION_LISTEN], skip });
    return last !== null && last.name === name;
  }

  /**
   * The trailing run of `slot` events at the end of the tracker: the values Rasa just extracted
   * and that a validation action is asked to check. Later events win.
   */
  slotsToValidate(): SlotValues {
    const out: SlotValues = {};
    let start = this.events.length;
    while (start > 0 && this.events[start - 1]!.event === 'slot') start--;
    for (let i = start; i < this.events.length; i++) {
      const e = this.events[i]!;
      if (typeof e.name === 'string') out[e.name] = e.value;
    }
    return out;
  }

  /**
   * Applies slot events to this view (slots and the event list), so later extractors and
   * validators see them. Used by form validation.
   */
  addSlots(slotEvents: { event: 'slot'; name: string; value: unknown }[]): void {
    for (const e of slotEvents) {
      this.slots[e.name] = e.value;
      this.events.push(e as TrackerEvent);
    }
  }

  /** The tracker back in Rasa's wire shape. */
  currentState(): TrackerState {
    const last = this.events[this.events.length - 1];
    return {
      sender_id: this.senderId,
      slots: this.slots,
      latest_message: this.latestMessage,
      latest_event_time: typeof last?.timestamp === 'number' ? last.timestamp : null,
      paused: this.paused,
      events: this.events,
      latest_input_channel: this.getLatestInputChannel(),
      active_loop: this.activeLoop,
      latest_action_name: this.latestActionName,
      stack: this.stack,
      user_id: this.userId,
    };
  }
}
