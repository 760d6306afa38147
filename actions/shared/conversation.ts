/** The recent conversation as plain text, quoted into tickets and CRM activities. */
import type { Tracker } from '../../src/sdk';
import { createHash } from 'node:crypto';

const MAX_TURNS = 12;
const MAX_CHARS = 3000;

export function conversationExcerpt(tracker: Tracker, maxTurns = MAX_TURNS): string {
  const lines: string[] = [];
  for (const e of tracker.eventsAfterLatestRestart()) {
    const text = typeof e.text === 'string' ? e.text.trim() : '';
    if (!text) continue;
    if (e.event === 'user') lines.push(`User: ${text}`);
    else if (e.event === 'bot') lines.push(`Bot: ${text}`);
  }
  let out = lines.slice(-maxTurns).join('\n');
  // Keep the end: the latest turns say most about the request.
  if (out.length > MAX_CHARS) {
    let from = out.length - MAX_CHARS + 1;
    // Never start inside a surrogate pair: a lone half is not text any vendor accepts.
    const unit = out.charCodeAt(from);
    if (unit >= 0xdc00 && unit <= 0xdfff) from += 1;
    out = `…${out.slice(from)}`;
  }
  return out;
}

/**
 * A stable reference for "this action, in this conversation, for this user message, with this
 * content": Rasa re-sending the same call yields the same reference, so the ticket is not filed
 * twice; a different ticket after the same words ("yes" to two forms in one Dialogflow session,
 * whose synthetic turns carry no timestamps) gets its own.
 */
export function requestReference(tracker: Tracker, action: string, content: unknown): string {
  let lastUser = -1;
  tracker.events.forEach((e, i) => {
    if (e.event === 'user') lastUser = i;
  });
  const userEvent = lastUser >= 0 ? tracker.events[lastUser] : undefined;
  const basis = [tracker.senderId, action, lastUser, userEvent?.timestamp ?? '', userEvent?.text ?? '', JSON.stringify(content) ?? ''].join('\u0000');
  return createHash('sha256').update(basis).digest('hex').slice(0, 20);
}
