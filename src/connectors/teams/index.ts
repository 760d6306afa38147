/**
 * Notifications to a Microsoft Teams channel: an Adaptive Card POSTed to the channel's Workflows
 * webhook (or a legacy incoming webhook), through the gateway as the `teams` connector. Plain
 * fetch: the webhook is one URL and there is no SDK for it.
 *
 * Teams keeps no id of what was posted and cannot be asked, so delivery is at least once: after
 * an answer is lost the job posts again. The card says its reference, so a repeat can be told.
 */
import type { Notification, Notifier, SentNotification } from '../../ports/notifier';
import { ConnectorError, fromHttpStatus, fromNetworkError, parseRetryAfter } from '../kit/connector-error';
import type { Gateway } from '../kit/gateway';
import { clip } from '../kit/text';
import type { TeamsConfig } from './config';

export const TEAMS = 'teams';
/** Teams refuses a message over 28 KB. */
export const TEAMS_PAYLOAD_MAX_BYTES = 28 * 1024;
const TITLE_MAX = 150;
const TEXT_MAX = 2_000;
const FACT_NAME_MAX = 50;
const FACT_VALUE_MAX = 300;
const FACTS_MAX = 10;

/**
 * The Markdown Teams renders in a card (bold, italic, links, lists), escaped: a user's
 * `[link](…)`, `**` or a line starting `- ` stays as typed. Nothing else is escaped, since Teams
 * renders no other Markdown and a needless backslash may show.
 */
export function escapeCardMarkdown(text: string): string {
  return text.replace(/[\\`*_[\]()]/g, (c) => `\\${c}`).replace(/^(\s*)([-+]|\d+\.)(?=\s)/gm, (_m, space: string, marker: string) =>
    marker.endsWith('.') ? `${space}${marker.slice(0, -1)}\\.` : `${space}\\${marker}`,
  );
}

export class TeamsNotifier implements Notifier {
  readonly provider = TEAMS;

  constructor(
    private readonly settings: TeamsConfig,
    private readonly gateway: Gateway,
  ) {
    gateway.register(TEAMS, (err) => (err instanceof ConnectorError ? err : fromNetworkError(TEAMS, err)));
  }

  async send(n: Notification, opts: { signal?: AbortSignal } = {}): Promise<SentNotification> {
    const body = JSON.stringify(teamsMessage(n));
    if (Buffer.byteLength(body) > TEAMS_PAYLOAD_MAX_BYTES) {
      throw new ConnectorError('too_large', `The Teams card is ${Buffer.byteLength(body)} bytes; Teams takes at most ${TEAMS_PAYLOAD_MAX_BYTES}.`, { connector: TEAMS, retry: 'never' });
    }
    return this.gateway.call(
      TEAMS,
      'post',
      async (signal) => {
        const res = await fetch(this.settings.webhookUrl, { method: 'POST', body, signal, headers: { 'Content-Type': 'application/json', 'User-Agent': 'ActionBridge' } });
        const text = await res.text().catch(() => '');
        if (!res.ok) {
          // The answer may echo the card; only a short start of it is kept, for the dead letters.
          throw fromHttpStatus(TEAMS, res.status, `The Teams webhook answered ${res.status}${text ? `: ${text.slice(0, 200)}` : '.'}`, {
            retryAfterSeconds: parseRetryAfter(res.headers.get('retry-after') ?? undefined),
          });
        }
        return {};
      },
      { idempotent: false, signal: opts.signal },
    );
  }
}

/** A message with one Adaptive Card (1.4: what Teams renders on every client). */
export function teamsMessage(n: Notification) {
  const link = n.url && /^https?:\/\/\S+$/.test(n.url) ? n.url : undefined;
  return {
    type: 'message',
    attachments: [
      {
        contentType: 'application/vnd.microsoft.card.adaptive',
        contentUrl: null,
        content: {
          $schema: 'http://adaptivecards.io/schemas/adaptive-card.json',
          type: 'AdaptiveCard',
          version: '1.4',
          body: [
            { type: 'TextBlock', text: escapeCardMarkdown(clip(n.title, TITLE_MAX)), weight: 'Bolder', size: 'Medium', wrap: true },
            ...(n.text ? [{ type: 'TextBlock', text: escapeCardMarkdown(clip(n.text, TEXT_MAX)), wrap: true }] : []),
            ...(n.facts.length > 0
              ? [{ type: 'FactSet', facts: n.facts.slice(0, FACTS_MAX).map((f) => ({ title: escapeCardMarkdown(clip(f.name, FACT_NAME_MAX)), value: escapeCardMarkdown(clip(f.value, FACT_VALUE_MAX)) })) }]
              : []),
            { type: 'TextBlock', text: `Reference ${n.reference}`, isSubtle: true, size: 'Small', wrap: true },
          ],
          ...(link ? { actions: [{ type: 'Action.OpenUrl', title: 'Open', url: link }] } : {}),
        },
      },
    ],
  };
}
