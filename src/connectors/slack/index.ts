/**
 * Notifications to a Slack channel with @slack/web-api's `chat.postMessage`, through the gateway
 * as the `slack` connector. The SDK's own retries and its waiting on 429s are off, so only the
 * gateway retries, and the gateway's attempt signal reaches the SDK's fetch.
 *
 * Slack has no idempotency key. Each message carries the notification's reference as message
 * metadata, and `findSent` reads the channel's history for it, so a job whose answer was lost
 * finds its message instead of posting a second one.
 */
import { AsyncLocalStorage } from 'node:async_hooks';
import { LogLevel, WebClient, type FetchFunction } from '@slack/web-api';
import type { Notification, Notifier, SentNotification } from '../../ports/notifier';
import { clip } from '../kit/text';
import type { Gateway } from '../kit/gateway';
import type { SlackConfig } from './config';
import { normalizeSlackError, SLACK } from './errors';

/** Slack cuts `text` past 40,000 characters and recommends at most 4,000. */
export const SLACK_TEXT_MAX = 4_000;
const HEADER_MAX = 150;
const SECTION_MAX = 3_000;
const FIELD_MAX = 2_000;
const FIELDS_MAX = 10;
/** Ours among the channel's messages; Slack wants a short snake_case name. */
export const METADATA_EVENT = 'actionbridge_notification';
/** Slack's clock and the database's differ; the history is read from this much before the recorded send. */
const CLOCK_MARGIN_MS = 5 * 60_000;
const HISTORY_PAGES = 5;

/** `&`, `<` and `>` are Slack's markup: escaped, a user's `<!channel>` stays text and pings nobody. */
export function escapeMrkdwn(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}

interface HistoryMessage {
  ts?: string;
  metadata?: { event_type?: string; event_payload?: Record<string, unknown> };
}

export class SlackNotifier implements Notifier {
  readonly provider = SLACK;
  /** Slack's history shows a message once its post was answered; this covers a post still in flight. */
  readonly searchConsistencyMs = 5_000;
  private readonly client: WebClient;
  private readonly attemptSignal = new AsyncLocalStorage<AbortSignal>();

  constructor(
    private readonly settings: SlackConfig,
    private readonly gateway: Gateway,
  ) {
    gateway.register(SLACK, normalizeSlackError);
    const withAttemptSignal: FetchFunction = (url, init) => {
      const signals = [init?.signal, this.attemptSignal.getStore()].filter((s): s is AbortSignal => s !== undefined);
      return fetch(url, { ...init, signal: signals.length > 0 ? AbortSignal.any(signals) : undefined });
    };
    this.client = new WebClient(settings.token, {
      slackApiUrl: `${settings.apiUrl}/`,
      retryConfig: { retries: 0 },
      rejectRateLimitedCalls: true,
      timeout: gateway.policyOf(SLACK).attemptTimeoutMs,
      logLevel: LogLevel.ERROR,
      allowAbsoluteUrls: false,
      fetch: withAttemptSignal,
    });
  }

  async send(n: Notification, opts: { signal?: AbortSignal } = {}): Promise<SentNotification> {
    const message = slackMessage(n);
    const res = await this.gateway.call(
      SLACK,
      'chat.postMessage',
      (signal) => this.attemptSignal.run(signal, () => this.client.chat.postMessage({ channel: this.settings.channel, ...message })),
      { idempotent: false, signal: opts.signal },
    );
    return res.ts ? { id: res.ts } : {};
  }

  async findSent(reference: string, since: Date, opts: { signal?: AbortSignal } = {}): Promise<SentNotification | null> {
    const oldest = ((since.getTime() - CLOCK_MARGIN_MS) / 1000).toFixed(6);
    let cursor: string | undefined;
    for (let page = 0; page < HISTORY_PAGES; page++) {
      const res = await this.gateway.call(
        SLACK,
        'conversations.history',
        (signal) =>
          this.attemptSignal.run(signal, () =>
            this.client.conversations.history({ channel: this.settings.channel, oldest, include_all_metadata: true, limit: 200, ...(cursor ? { cursor } : {}) }),
          ),
        { idempotent: true, signal: opts.signal },
      );
      const mine = ((res.messages ?? []) as HistoryMessage[]).find((m) => m.metadata?.event_type === METADATA_EVENT && m.metadata.event_payload?.reference === reference);
      if (mine?.ts) return { id: mine.ts };
      cursor = res.response_metadata?.next_cursor || undefined;
      if (!res.has_more || !cursor) return null;
    }
    return null;
  }
}

/** The message: a plain `text` (what notifications and screen readers show) and blocks for the channel. */
export function slackMessage(n: Notification) {
  const link = n.url && /^https?:\/\/[^\s<>|]+$/.test(n.url) ? n.url : undefined;
  const fields = n.facts.slice(0, FIELDS_MAX).map((f) => ({ type: 'mrkdwn' as const, text: clip(`*${escapeMrkdwn(f.name)}*\n${escapeMrkdwn(f.value)}`, FIELD_MAX) }));
  return {
    text: clip(escapeMrkdwn(`${n.title}: ${n.text}`), SLACK_TEXT_MAX),
    blocks: [
      { type: 'header' as const, text: { type: 'plain_text' as const, text: clip(n.title, HEADER_MAX), emoji: false } },
      ...(n.text ? [{ type: 'section' as const, text: { type: 'mrkdwn' as const, text: clip(escapeMrkdwn(n.text), SECTION_MAX) } }] : []),
      ...(fields.length > 0 ? [{ type: 'section' as const, fields }] : []),
      ...(link ? [{ type: 'section' as const, text: { type: 'mrkdwn' as const, text: `<${link}|Open>` } }] : []),
    ],
    metadata: { event_type: METADATA_EVENT, event_payload: { reference: n.reference, event: n.event } },
    unfurl_links: false,
    unfurl_media: false,
  };
}
