/**
 * A loopback Microsoft Teams Workflows webhook for tests: `POST /workflows/<id>` answers 202
 * Accepted with no body, as a Workflows trigger does. It refuses what Teams refuses: a body over
 * 28 KB (413), a body that is not JSON or not a message with an Adaptive Card (or a legacy
 * MessageCard) it can post (400), an unknown webhook (404); `rateLimit` answers 429 with
 * Retry-After.
 */
import { FakeHttpServer, type FakeReply, type RecordedRequest } from './http';

export const TEAMS_MAX_BYTES = 28 * 1024;
const ADAPTIVE = 'application/vnd.microsoft.card.adaptive';
const ELEMENTS = new Set(['TextBlock', 'FactSet', 'ColumnSet', 'Container', 'Image', 'RichTextBlock']);
const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;

export interface TeamsCard {
  version: string;
  body: { type: string; text?: string; facts?: { title: string; value: string }[] }[];
  actions?: { type: string; title?: string; url?: string }[];
}

const bad = (message: string): FakeReply => ({ status: 400, body: { error: { code: 'InvalidRequestContent', message } } });

export class FakeTeams extends FakeHttpServer {
  /** Cards accepted, in order. */
  readonly cards: TeamsCard[] = [];
  readonly path: string;

  constructor(webhookId = 'a1b2c3') {
    super((req) => this.route(req));
    this.path = `/workflows/${webhookId}/triggers/manual/paths/invoke`;
  }

  get webhookUrl(): string {
    return `${this.url}${this.path}?sig=test-signature`;
  }

  postsReceived(): RecordedRequest[] {
    return this.received('POST', this.path);
  }

  rateLimit(retryAfterSeconds: number, times = 1): this {
    return this.fail({ status: 429, headers: { 'retry-after': String(retryAfterSeconds) }, body: { error: { code: 'TooManyRequests', message: 'Rate limit is exceeded.' } }, times });
  }

  private route(req: RecordedRequest): FakeReply {
    if (req.path !== this.path) return { status: 404, body: { error: { code: 'TriggerNotFound', message: 'The workflow trigger was not found.' } } };
    if (req.query.sig !== 'test-signature') return { status: 401, body: { error: { code: 'DirectApiAuthorizationRequired', message: 'The request must be authenticated.' } } };
    if (req.method !== 'POST') return { status: 405, raw: '' };
    if (Buffer.byteLength(req.rawBody) > TEAMS_MAX_BYTES) return { status: 413, body: { error: { code: 'MessageSizeTooBig', message: 'Message size is over the limit of 28 KB.' } } };
    if (!String(req.headers['content-type'] ?? '').includes('application/json')) return bad('The content type must be application/json.');
    if (typeof req.body !== 'object' || req.body === null) return bad('The body is not valid JSON.');
    if (LONE_SURROGATE.test(req.rawBody)) return bad('The body is not well-formed text.');
    const card = cardOf(req.body);
    if (typeof card === 'string') return bad(card);
    this.cards.push(card);
    return { status: 202, raw: '' };
  }
}

/** The one card a message carries, or why it cannot be posted. */
function cardOf(body: object): TeamsCard | string {
  const msg = body as { type?: unknown; attachments?: unknown; '@type'?: unknown; text?: unknown; summary?: unknown };
  if (msg['@type'] === 'MessageCard') {
    if (typeof msg.text !== 'string' && typeof msg.summary !== 'string') return 'A MessageCard needs text or summary.';
    return { version: 'MessageCard', body: [{ type: 'TextBlock', text: String(msg.text ?? msg.summary) }] };
  }
  if (msg.type !== 'message' || !Array.isArray(msg.attachments) || msg.attachments.length !== 1) return "The body must be a message ('type': 'message') with one attachment.";
  const a = msg.attachments[0] as { contentType?: unknown; content?: unknown };
  if (a.contentType !== ADAPTIVE) return `The attachment's contentType must be ${ADAPTIVE}.`;
  const c = a.content as { type?: unknown; version?: unknown; body?: unknown; actions?: unknown } | null;
  if (typeof c !== 'object' || c === null || c.type !== 'AdaptiveCard') return "The attachment's content must be an AdaptiveCard.";
  if (typeof c.version !== 'string' || !/^1\.[0-6]$/.test(c.version)) return 'The card needs a version Teams renders (1.0 to 1.6).';
  if (!Array.isArray(c.body) || c.body.length === 0) return 'The card has no body.';
  for (const el of c.body as { type?: unknown; text?: unknown; facts?: unknown }[]) {
    if (typeof el?.type !== 'string' || !ELEMENTS.has(el.type)) return `Unknown card element ${JSON.stringify(el?.type)}.`;
    if (el.type === 'TextBlock' && typeof el.text !== 'string') return 'A TextBlock needs text.';
    if (el.type === 'FactSet' && (!Array.isArray(el.facts) || el.facts.some((f: { title?: unknown; value?: unknown }) => typeof f?.title !== 'string' || typeof f?.value !== 'string'))) {
      return 'A FactSet needs facts with a title and a value.';
    }
  }
  if (c.actions !== undefined && (!Array.isArray(c.actions) || c.actions.some((x: { type?: unknown; url?: unknown }) => x?.type !== 'Action.OpenUrl' || typeof x.url !== 'string'))) {
    return 'Only Action.OpenUrl actions with a url are posted.';
  }
  return c as unknown as TeamsCard;
}
