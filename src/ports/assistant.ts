/**
 * The assistant itself, reached from outside a turn: a vendor's webhook says something happened
 * (a ticket resolved, a lead moved on), and the conversation it concerns is told by triggering an
 * intent in it (Rasa's `trigger_intent`). What a connector implements; actions never see it.
 */
export interface TriggeredIntent {
  /** The conversation (Rasa's sender id). */
  conversationId: string;
  /** An intent of the domain, by convention `EXTERNAL_...`. */
  intent: string;
  /** Entity name → value, set before the assistant predicts what to say. */
  entities: Record<string, string>;
}

export interface AssistantSystem {
  readonly provider: string;
  /** Resolves once the assistant accepted the intent; throws a ConnectorError otherwise. */
  triggerIntent(trigger: TriggeredIntent, opts?: { signal?: AbortSignal }): Promise<{ accepted: true }>;
}
