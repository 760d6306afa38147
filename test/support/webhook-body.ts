/** Builds /webhook request bodies as Rasa sends them. */
import type { TrackerSpec } from '../../src/sdk/testkit';
import { buildTracker } from '../../src/sdk/testkit';

/** A full request (old-Rasa style: with a domain) whose tracker is built from `spec`; `extra` overrides top-level keys. */
export function webhookBody(nextAction: string, spec: TrackerSpec = {}, extra: Record<string, unknown> = {}): Record<string, unknown> {
  const tracker = buildTracker(spec);
  return { next_action: nextAction, sender_id: tracker.sender_id, tracker, version: '3.16.0', domain: { actions: [nextAction] }, ...extra };
}

/** A /webhook answer read the way the tests ask about it: the texts said and the slots set. */
export interface Reply {
  texts: string[];
  slots: Record<string, unknown>;
}

/** The one reader of /webhook answers (a body of rasa_sdk's shape; anything else reads as empty). */
export function replyOf(body: unknown): Reply {
  const b = (typeof body === 'object' && body !== null ? body : {}) as { events?: { event: string; name?: string; value?: unknown }[]; responses?: { text?: string | null }[] };
  const slots: Record<string, unknown> = {};
  for (const e of b.events ?? []) if (e.event === 'slot' && e.name) slots[e.name] = e.value;
  return { texts: (b.responses ?? []).map((r) => r.text ?? ''), slots };
}
