/** Builds /webhook request bodies as Rasa sends them. */
import type { TrackerSpec } from '../../src/sdk/testkit';
import { buildTracker } from '../../src/sdk/testkit';

/** A full request (old-Rasa style: with a domain) whose tracker is built from `spec`; `extra` overrides top-level keys. */
export function webhookBody(nextAction: string, spec: TrackerSpec = {}, extra: Record<string, unknown> = {}): Record<string, unknown> {
  const tracker = buildTracker(spec);
  return { next_action: nextAction, sender_id: tracker.sender_id, tracker, version: '3.16.0', domain: { actions: [nextAction] }, ...extra };
}
