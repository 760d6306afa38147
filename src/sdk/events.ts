/**
 * Event constructors with the names rasa_sdk users know (`SlotSet`, `FollowupAction`, ...).
 * Each returns the exact JSON rasa_sdk emits, typed by the protocol schema for its event.
 */
import type { Entity, ParseData, RasaEventOf } from '../protocol/events';

export type { RasaEvent, RasaEventOf } from '../protocol/events';

type Stamp = { timestamp?: number | null };
const ts = (o?: Stamp) => o?.timestamp ?? null;

export const SlotSet = (name: string, value: unknown = null, o?: Stamp): RasaEventOf<'slot'> => ({
  event: 'slot',
  timestamp: ts(o),
  name,
  value,
});

export const AllSlotsReset = (o?: Stamp): RasaEventOf<'reset_slots'> => ({ event: 'reset_slots', timestamp: ts(o) });
export const Restarted = (o?: Stamp): RasaEventOf<'restart'> => ({ event: 'restart', timestamp: ts(o) });
export const SessionStarted = (o?: Stamp): RasaEventOf<'session_started'> => ({ event: 'session_started', timestamp: ts(o) });
export const SessionEnded = (metadata: Record<string, unknown> | null = null, o?: Stamp): RasaEventOf<'session_ended'> => ({
  event: 'session_ended',
  timestamp: ts(o),
  metadata,
});
export const UserUtteranceReverted = (o?: Stamp): RasaEventOf<'rewind'> => ({ event: 'rewind', timestamp: ts(o) });
export const ActionReverted = (o?: Stamp): RasaEventOf<'undo'> => ({ event: 'undo', timestamp: ts(o) });
export const StoryExported = (o?: Stamp): RasaEventOf<'export'> => ({ event: 'export', timestamp: ts(o) });
export const ConversationPaused = (o?: Stamp): RasaEventOf<'pause'> => ({ event: 'pause', timestamp: ts(o) });
export const ConversationResumed = (o?: Stamp): RasaEventOf<'resume'> => ({ event: 'resume', timestamp: ts(o) });

export const FollowupAction = (name: string, o?: Stamp): RasaEventOf<'followup'> => ({
  event: 'followup',
  timestamp: ts(o),
  name,
});

export interface ReminderOptions extends Stamp {
  entities?: Entity[] | Record<string, unknown> | null;
  name?: string | null;
  /** Cancel the reminder when the user writes before it fires (rasa default: true). */
  killOnUserMessage?: boolean;
}

export const ReminderScheduled = (
  intent: string,
  triggerAt: Date,
  o: ReminderOptions = {},
): RasaEventOf<'reminder'> => ({
  event: 'reminder',
  timestamp: ts(o),
  intent,
  entities: o.entities ?? null,
  date_time: triggerAt.toISOString(),
  name: o.name ?? null,
  kill_on_user_msg: o.killOnUserMessage ?? true,
});

/** With no arguments, cancels every reminder of the conversation. */
export const ReminderCancelled = (
  o: { name?: string | null; intent?: string | null; entities?: Entity[] | Record<string, unknown> | null } & Stamp = {},
): RasaEventOf<'cancel_reminder'> => ({
  event: 'cancel_reminder',
  timestamp: ts(o),
  intent: o.intent ?? null,
  entities: o.entities ?? null,
  name: o.name ?? null,
});

export const ActionExecuted = (
  name: string,
  o: { policy?: string | null; confidence?: number | null } & Stamp = {},
): RasaEventOf<'action'> => ({
  event: 'action',
  name,
  policy: o.policy ?? null,
  confidence: o.confidence ?? null,
  timestamp: ts(o),
});

export const ActionExecutionRejected = (
  name: string,
  o: { policy?: string | null; confidence?: number | null } & Stamp = {},
): RasaEventOf<'action_execution_rejected'> => ({
  event: 'action_execution_rejected',
  name,
  policy: o.policy ?? null,
  confidence: o.confidence ?? null,
  timestamp: ts(o),
});

/**
 * Unlike rasa_sdk, `parse_data` defaults to a minimal object: Rasa's response schema rejects a
 * `user` event whose parse_data is null, which would silently void the whole action.
 */
export const UserUttered = (
  text: string | null,
  o: { parseData?: ParseData; inputChannel?: string | null } & Stamp = {},
): RasaEventOf<'user'> => ({
  event: 'user',
  timestamp: ts(o),
  text,
  parse_data: o.parseData ?? { text, intent: { name: '', confidence: 0 }, entities: [] },
  input_channel: o.inputChannel ?? null,
});

export const BotUttered = (
  text: string | null = null,
  o: { data?: Record<string, unknown> | null; metadata?: Record<string, unknown> | null } & Stamp = {},
): RasaEventOf<'bot'> => ({
  event: 'bot',
  timestamp: ts(o),
  text,
  data: o.data ?? null,
  metadata: o.metadata ?? null,
});

export const AgentUttered = (text: string | null = null, data: unknown = null, o?: Stamp): RasaEventOf<'agent'> => ({
  event: 'agent',
  text,
  data,
  timestamp: ts(o),
});

/** `ActiveLoop(null)` deactivates the active loop (form). */
export const ActiveLoop = (name: string | null, o?: Stamp): RasaEventOf<'active_loop'> => ({
  event: 'active_loop',
  name,
  timestamp: ts(o),
});

export const LoopInterrupted = (isInterrupted: boolean, o?: Stamp): RasaEventOf<'loop_interrupted'> => ({
  event: 'loop_interrupted',
  is_interrupted: isInterrupted,
  timestamp: ts(o),
});

/** Adds entities to the latest user message; Rasa merges them into `latest_message.entities`. */
export const EntitiesAdded = (entities: Entity[], o?: Stamp): RasaEventOf<'entities'> => ({
  event: 'entities',
  entities,
  timestamp: ts(o),
});
