/**
 * Dispatcher messages → Dialogflow rich messages. Only proto fields are emitted: Dialogflow
 * rejects a response with any field it does not know.
 */
import type { Button, ResponseEntry } from '../../protocol/response';

/** ES integrations whose quick replies, cards and images Dialogflow passes on (Actions on Google has its own message types). */
export const ES_MESSENGER_PLATFORMS = ['FACEBOOK', 'SLACK', 'TELEGRAM', 'KIK', 'SKYPE', 'LINE', 'VIBER', 'GOOGLE_HANGOUTS'] as const;

export type EsPlatform = 'PLATFORM_UNSPECIFIED' | 'ACTIONS_ON_GOOGLE' | (typeof ES_MESSENGER_PLATFORMS)[number];

const ES_PLATFORMS: ReadonlySet<string> = new Set<EsPlatform>(['PLATFORM_UNSPECIFIED', 'ACTIONS_ON_GOOGLE', ...ES_MESSENGER_PLATFORMS]);

export type EsMessage = { platform?: EsPlatform } & (
  | { text: { text: string[] } }
  | { image: { imageUri: string; accessibilityText: string } }
  | { quickReplies: { title: string; quickReplies: string[] } }
  | { card: { title: string; buttons: { text: string; postback: string }[] } }
  | { payload: Record<string, unknown> }
);

export type CxMessage = { text: { text: string[] } } | { payload: Record<string, unknown> };

export interface MappedMessages<M> {
  messages: M[];
  /** Texts in order, for ES `fulfillmentText`. */
  texts: string[];
  /** Domain response names that could not be rendered (the adapter has no domain). */
  unresolved: string[];
}

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);
const nonEmpty = (s: unknown): s is string => typeof s === 'string' && s.length > 0;

/** The URL a button opens, if it is a link button rather than a reply. */
function linkOf(b: Button): string | null {
  const url = typeof b.url === 'string' ? b.url : b.payload;
  return typeof url === 'string' && /^https?:\/\//i.test(url) ? url : null;
}

const validButtons = (r: ResponseEntry): Button[] => (Array.isArray(r.buttons) ? r.buttons.filter((b) => isObject(b) && nonEmpty(b.title)) : []);

function imageAlt(r: ResponseEntry): string {
  return nonEmpty(r.alt) ? r.alt : nonEmpty(r.text) ? r.text : '';
}

/** The channel payloads a message carries besides text, buttons and image. */
function extraPayloads(r: ResponseEntry): Record<string, unknown>[] {
  const out: Record<string, unknown>[] = [];
  if (isObject(r.custom) && Object.keys(r.custom).length > 0) out.push(r.custom);
  if (r.attachment !== null && r.attachment !== undefined) out.push({ attachment: r.attachment });
  if (Array.isArray(r.elements) && r.elements.length > 0) out.push({ elements: r.elements });
  return out;
}

function unresolvedName(r: ResponseEntry): string | null {
  const hasContent = nonEmpty(r.text) || nonEmpty(r.image) || validButtons(r).length > 0 || extraPayloads(r).length > 0;
  return !hasContent && nonEmpty(r.response) ? r.response : null;
}

/** A response's buttons, image and text as ES messages, for one platform (none: the generic set). */
function esRich(r: ResponseEntry, text: string | null, platform: EsPlatform | undefined): EsMessage[] {
  const on = platform ? { platform } : {};
  const out: EsMessage[] = [];
  const buttons = validButtons(r);
  if (buttons.length > 0) {
    // Link buttons need a card (quick replies can only send text back); the text is its title.
    if (buttons.some((b) => linkOf(b) !== null)) {
      out.push({ card: { title: text ?? '', buttons: buttons.map((b) => ({ text: b.title, postback: linkOf(b) ?? b.title })) }, ...on });
    } else {
      out.push({ quickReplies: { title: text ?? '', quickReplies: buttons.map((b) => b.title) }, ...on });
    }
  } else if (text) {
    out.push({ text: { text: [text] }, ...on });
  }
  if (nonEmpty(r.image)) out.push({ image: { imageUri: r.image, accessibilityText: imageAlt(r) }, ...on });
  return out;
}

const isRich = (r: ResponseEntry) => validButtons(r).length > 0 || nonEmpty(r.image);

/**
 * `platforms`: messenger integrations (e.g. TELEGRAM) that get their own copy of a reply with
 * buttons or an image. An ES integration shows the messages of its own platform when there are
 * any, so each copy is the whole reply (texts included); the generic set (no platform) is what
 * API callers and the other integrations read.
 */
export function toEsMessages(responses: ResponseEntry[], platforms: readonly EsPlatform[] = []): MappedMessages<EsMessage> {
  const out: MappedMessages<EsMessage> = { messages: [], texts: [], unresolved: [] };
  for (const r of responses) {
    const text = nonEmpty(r.text) ? r.text : null;
    if (text) out.texts.push(text);
    out.messages.push(...esRich(r, text, undefined));
    for (const p of extraPayloads(r)) {
      const { platform, ...rest } = p;
      if (typeof platform === 'string' && ES_PLATFORMS.has(platform)) out.messages.push({ payload: rest, platform: platform as EsPlatform });
      else out.messages.push({ payload: p });
    }
    const name = unresolvedName(r);
    if (name) out.unresolved.push(name);
  }
  if (responses.some(isRich)) {
    for (const platform of platforms) {
      for (const r of responses) out.messages.push(...esRich(r, nonEmpty(r.text) ? r.text : null, platform));
    }
  }
  return out;
}

/** Dialogflow CX Messenger's rich content: one card holding one item. */
const richContent = (item: Record<string, unknown>) => ({ richContent: [[item]] });

export function toCxMessages(responses: ResponseEntry[]): MappedMessages<CxMessage> {
  const out: MappedMessages<CxMessage> = { messages: [], texts: [], unresolved: [] };
  for (const r of responses) {
    if (nonEmpty(r.text)) {
      out.texts.push(r.text);
      out.messages.push({ text: { text: [r.text] } });
    }
    // Messenger: a link opens from a button (its anchor); a reply is a chip, whose text is sent back.
    const buttons = validButtons(r);
    const items: Record<string, unknown>[] = [];
    for (const b of buttons) {
      const link = linkOf(b);
      if (link) items.push({ type: 'button', text: b.title, anchor: { href: link } });
    }
    const replies = buttons.filter((b) => linkOf(b) === null);
    if (replies.length > 0) items.push({ type: 'chips', options: replies.map((b) => ({ text: b.title })) });
    if (items.length > 0) out.messages.push({ payload: { richContent: [items] } });
    if (nonEmpty(r.image)) out.messages.push({ payload: richContent({ type: 'image', rawUrl: r.image, accessibilityText: imageAlt(r) }) });
    for (const p of extraPayloads(r)) out.messages.push({ payload: p });
    const name = unresolvedName(r);
    if (name) out.unresolved.push(name);
  }
  return out;
}
