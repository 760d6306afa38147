/**
 * What the user is told when a company system fails: plainly which system and what to do, in
 * the words of the error taxonomy. Only AppErrors are explained; anything else is a bug and is
 * left to the server's 500 handling.
 */
import { AppError, userMessage } from '../../src/sdk';

const NAMES: Record<string, string> = {
  salesforce: 'Salesforce',
  hubspot: 'HubSpot',
  jira: 'Jira',
  notion: 'Notion',
};

/** "Salesforce", or a generic name for the local adapters. */
export function systemName(provider: string, generic: string): string {
  return NAMES[provider] ?? generic;
}

/**
 * @param system e.g. "Jira"
 * @param doing what failed, e.g. "file your ticket"
 */
export function explainFailure(err: unknown, system: string, doing: string): string {
  if (!(err instanceof AppError)) throw err;
  switch (err.kind) {
    case 'upstream_unavailable':
      return `Sorry, ${system} isn't answering right now, so I couldn't ${doing}. Please try again in a few minutes.`;
    case 'rate_limited':
      // Our own quota or the vendor's: either way the user did nothing wrong and can simply wait.
      return `${system} is handling a lot of requests right now, so I couldn't ${doing} just yet. Please try again ${waitHint(err.retryAfterSeconds)}.`;
    case 'validation': {
      const fields = [...new Set((err.issues ?? []).map((i) => i.path).filter(Boolean))];
      const detail = fields.length > 0 ? ` It had a problem with: ${fields.join(', ')}.` : ` It said: ${trimDetail(err.message)}`;
      return `${system} didn't accept the details, so I couldn't ${doing}.${detail} Could you check them and try again?`;
    }
    case 'auth':
    case 'forbidden':
      return `Sorry, I couldn't ${doing}: this assistant's access to ${system} isn't working. Please let the team know; nothing was lost on your side.`;
    default:
      return `Sorry, I couldn't ${doing}. ${userMessage(err.kind)}`;
  }
}

function waitHint(seconds: number | undefined): string {
  if (seconds === undefined || seconds > 3600) return 'in a little while';
  if (seconds <= 60) return 'in a minute';
  return `in about ${Math.ceil(seconds / 60)} minutes`;
}

function trimDetail(message: string): string {
  const m = message.replace(/\s+/g, ' ').trim();
  const short = m.length > 200 ? `${m.slice(0, 197)}...` : m;
  return /[.!?]$/.test(short) ? short : `${short}.`;
}
