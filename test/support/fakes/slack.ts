/**
 * A loopback Slack Web API for tests: `chat.postMessage` and `conversations.history` under
 * `/api/`, as Slack answers them: HTTP 200 with `{ok: false, error}` for every refusal (not_authed,
 * invalid_auth, channel_not_found, not_in_channel, no_text, msg_too_long, invalid_blocks,
 * invalid_metadata_format), HTTP 429 with Retry-After and `{ok: false, error: 'ratelimited'}` for
 * rate limits. Bodies are form-encoded (nested values as JSON strings, as the SDK sends them) or
 * JSON (then only with `Authorization: Bearer`). History keeps message metadata and shows it only
 * with `include_all_metadata`.
 */
import { FakeHttpServer, type FakeReply, type RecordedRequest } from './http';

export interface SlackMessage {
  channel: string;
  ts: string;
  text: string;
  blocks?: unknown[];
  metadata?: { event_type: string; event_payload: Record<string, unknown> };
}

/** Slack truncates past this; the API refuses longer text with msg_too_long. */
const TEXT_MAX = 40_000;
const BLOCKS_MAX = 50;
const HEADER_MAX = 150;
const SECTION_TEXT_MAX = 3_000;
const FIELDS_MAX = 10;
const FIELD_MAX = 2_000;
const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;

const slackError = (error: string, extra: Record<string, unknown> = {}): FakeReply => ({ status: 200, body: { ok: false, error, ...extra } });

export class FakeSlack extends FakeHttpServer {
  /** Messages posted, oldest first. */
  readonly messages: SlackMessage[] = [];
  /** Channels that exist, and whether the bot is a member. */
  readonly channels = new Map<string, { member: boolean }>();
  private clock = 1_700_000_000_000_000;

  constructor(
    private readonly token = 'xoxb-test-token',
    channels: string[] = ['C0NOTIFY01'],
  ) {
    super((req) => this.route(req));
    for (const c of channels) this.channels.set(c, { member: true });
  }

  /** The next `times` calls are refused as Slack refuses a burst: 429 with Retry-After. */
  rateLimit(retryAfterSeconds: number, times = 1, method = 'chat.postMessage'): this {
    return this.fail({
      status: 429,
      headers: { 'retry-after': String(retryAfterSeconds) },
      body: { ok: false, error: 'ratelimited' },
      times,
      match: (r) => r.path === `/api/${method}`,
    });
  }

  postsReceived(): RecordedRequest[] {
    return this.received('POST', '/api/chat.postMessage');
  }

  private route(req: RecordedRequest): FakeReply {
    if (req.method !== 'POST' && req.method !== 'GET') return { status: 405, raw: '' };
    const args = this.argsOf(req);
    if (args === null) return slackError('invalid_json');
    const auth = req.headers.authorization;
    const token = typeof auth === 'string' && auth.startsWith('Bearer ') ? auth.slice(7) : typeof args.token === 'string' && !isJson(req) ? args.token : undefined;
    if (!token) return slackError('not_authed');
    if (token !== this.token) return slackError('invalid_auth');
    switch (req.path) {
      case '/api/chat.postMessage':
        return this.postMessage(args);
      case '/api/conversations.history':
        return this.history(args);
      default:
        return { status: 404, raw: '' };
    }
  }

  private argsOf(req: RecordedRequest): Record<string, unknown> | null {
    if (req.method === 'GET') return { ...req.query };
    if (isJson(req)) return typeof req.body === 'object' && req.body !== null ? (req.body as Record<string, unknown>) : null;
    return { ...req.query, ...((req.body ?? {}) as Record<string, unknown>) };
  }

  private channelProblem(channel: unknown): FakeReply | undefined {
    if (typeof channel !== 'string' || channel === '') return slackError('channel_not_found');
    const c = this.channels.get(channel);
    if (!c) return slackError('channel_not_found');
    if (!c.member) return slackError('not_in_channel');
    return undefined;
  }

  private postMessage(args: Record<string, unknown>): FakeReply {
    const problem = this.channelProblem(args.channel);
    if (problem) return problem;
    const text = typeof args.text === 'string' ? args.text : undefined;
    const blocks = parseJsonArg(args.blocks);
    if (blocks === INVALID || (blocks !== undefined && !Array.isArray(blocks))) return slackError('invalid_blocks_format');
    if (!text && !(Array.isArray(blocks) && blocks.length > 0)) return slackError('no_text');
    if (text && text.length > TEXT_MAX) return slackError('msg_too_long');
    if (text && LONE_SURROGATE.test(text)) return slackError('invalid_arguments');
    if (Array.isArray(blocks)) {
      const why = blocksProblem(blocks);
      if (why) return slackError('invalid_blocks', { errors: [why] });
    }
    const metadata = parseJsonArg(args.metadata);
    if (metadata === INVALID || (metadata !== undefined && !isMetadata(metadata))) return slackError('invalid_metadata_format');
    const message: SlackMessage = {
      channel: args.channel as string,
      ts: this.nextTs(),
      text: text ?? '',
      ...(Array.isArray(blocks) ? { blocks } : {}),
      ...(metadata ? { metadata: metadata as SlackMessage['metadata'] } : {}),
    };
    this.messages.push(message);
    return { status: 200, body: { ok: true, channel: message.channel, ts: message.ts, message: { type: 'message', bot_id: 'B0FAKE', text: message.text, ts: message.ts, ...(message.blocks ? { blocks: message.blocks } : {}) } } };
  }

  private history(args: Record<string, unknown>): FakeReply {
    const problem = this.channelProblem(args.channel);
    if (problem) return problem;
    const oldest = Number(args.oldest ?? 0);
    const latest = args.latest !== undefined ? Number(args.latest) : Infinity;
    const limit = Math.min(Math.max(Number(args.limit ?? 100) || 100, 1), 999);
    const withMetadata = args.include_all_metadata === true || args.include_all_metadata === 'true' || args.include_all_metadata === '1';
    const offset = typeof args.cursor === 'string' && args.cursor !== '' ? Number(Buffer.from(args.cursor, 'base64').toString('utf8').replace(/^offset:/, '')) : 0;
    const inRange = this.messages.filter((m) => m.channel === args.channel && Number(m.ts) > oldest && Number(m.ts) < latest).reverse();
    const page = inRange.slice(offset, offset + limit);
    const hasMore = offset + limit < inRange.length;
    return {
      status: 200,
      body: {
        ok: true,
        messages: page.map((m) => ({ type: 'message', bot_id: 'B0FAKE', text: m.text, ts: m.ts, ...(withMetadata && m.metadata ? { metadata: m.metadata } : {}) })),
        has_more: hasMore,
        response_metadata: { next_cursor: hasMore ? Buffer.from(`offset:${offset + limit}`).toString('base64') : '' },
      },
    };
  }

  private nextTs(): string {
    this.clock = Math.max(this.clock + 1, Date.now() * 1000);
    return `${Math.floor(this.clock / 1e6)}.${String(this.clock % 1e6).padStart(6, '0')}`;
  }
}

const INVALID = Symbol('invalid');

function isJson(req: RecordedRequest): boolean {
  return String(req.headers['content-type'] ?? '').includes('application/json');
}

/** A form field holds nested values as JSON text; a JSON body holds them as they are. */
function parseJsonArg(value: unknown): unknown {
  if (value === undefined || value === '') return undefined;
  if (typeof value !== 'string') return value;
  try {
    return JSON.parse(value) as unknown;
  } catch {
    return INVALID;
  }
}

function isMetadata(v: unknown): boolean {
  const m = v as { event_type?: unknown; event_payload?: unknown } | null;
  return typeof m === 'object' && m !== null && typeof m.event_type === 'string' && /^[a-z0-9_]+$/.test(m.event_type) && typeof m.event_payload === 'object' && m.event_payload !== null;
}

type TextObject = { type?: unknown; text?: unknown };

function textProblem(t: unknown, max: number, where: string, plainOnly = false): string | undefined {
  const o = t as TextObject | null;
  if (typeof o !== 'object' || o === null || typeof o.text !== 'string' || o.text === '') return `${where}: a text object with text is required`;
  if (o.type !== 'plain_text' && (plainOnly || o.type !== 'mrkdwn')) return `${where}: type must be ${plainOnly ? 'plain_text' : 'plain_text or mrkdwn'}`;
  if (o.text.length > max) return `${where}: must be less than ${max + 1} characters`;
  return undefined;
}

/** Block Kit's rules for the blocks this project sends; any other block type is refused. */
function blocksProblem(blocks: unknown[]): string | undefined {
  if (blocks.length > BLOCKS_MAX) return `no more than ${BLOCKS_MAX} items allowed [json-pointer:/blocks]`;
  for (const [i, b] of blocks.entries()) {
    const block = b as { type?: unknown; text?: unknown; fields?: unknown };
    const at = `[json-pointer:/blocks/${i}]`;
    if (block.type === 'header') {
      const why = textProblem(block.text, HEADER_MAX, `${at}/text`, true);
      if (why) return why;
    } else if (block.type === 'section') {
      if (block.text === undefined && block.fields === undefined) return `${at}: text or fields is required`;
      if (block.text !== undefined) {
        const why = textProblem(block.text, SECTION_TEXT_MAX, `${at}/text`);
        if (why) return why;
      }
      if (block.fields !== undefined) {
        if (!Array.isArray(block.fields) || block.fields.length > FIELDS_MAX) return `${at}/fields: no more than ${FIELDS_MAX} items allowed`;
        for (const [j, f] of block.fields.entries()) {
          const why = textProblem(f, FIELD_MAX, `${at}/fields/${j}`);
          if (why) return why;
        }
      }
    } else {
      return `${at}/type: unsupported block type in this fake`;
    }
  }
  return undefined;
}
