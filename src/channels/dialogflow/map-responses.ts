/**
 * Dispatcher messages → Dialogflow rich messages. Only proto fields are emitted: Dialogflow
 * rejects a response with any field it does not know.
 */
import type { Button, ResponseEntry } from '../../protocol/response';

export type EsPlatform =
  | 'PLATFORM_UNSPECIFIED'
  | 'FACEBOOK'
  | 'SLACK'
  | 'TELEGRAM'
  | 'KIK'
  | 'SKYPE'
  | 'LINE'
  | 'VIBER'
  | 'ACTIONS_ON_GOOGLE'
  | 'GOOGLE_HANGOUTS';

const ES_PLATFORMS: ReadonlySet<string> = new Set<EsPlatform>([
  'PLATFORM_UNSPECIFIED',
  'FACEBOOK',
  'SLACK',
  'TELEGRAM',
  'KIK',
  'SKYPE',
  'LINE',
  'VIBER',
  'ACTIONS_ON_GOOGLE',
  'GOOGLE_HANGOUTS',
]);

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

export function toEsMessages(responses: ResponseEntry[]): MappedMessages<EsMessage> {
  const out: MappedMessages<EsMessage> = { messages: [], texts: [], unresolved: [] };
  for (const r of responses) {
    const buttons = validButtons(r);
    const text = nonEmpty(r.text) ? r.text : null;
    if (text) out.texts.push(text);
    if (buttons.length > 0) {
      // Link buttons need a card (quick replies can only send text back); the text is its title.
      if (buttons.some((b) => linkOf(b) !== null)) {
        out.messages.push({ card: { title: text ?? '', buttons: buttons.map((b) => ({ text: b.title, postback: linkOf(b) ?? b.title })) } });
      } else {
        out.messages.push({ quickReplies: { title: text ?? '', quickReplies: buttons.map((b) => b.title) } });
      }
    } else if (text) {
      out.messages.push({ text: { text: [text] } });
    }
    if (nonEmpty(r.image)) out.messages.push({ image: { imageUri: r.image, accessibilityText: imageAlt(r) } });
    for (const p of extraPayloads(r)) {
      const { platform, ...rest } = p;
      if (typeof platform === 'string' && ES_PLATFORMS.has(platform)) out.messages.push({ payload: rest, platform: platform as EsPlatform });
      else out.messages.push({ payload: p });
    }
    const name = unresolvedName(r);
    if (name) out.unresolved.push(name);
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
    const buttons = validButtons(r);
    if (buttons.length > 0) {
      const options = buttons.map((b) => {
        const link = linkOf(b);
        return link ? { text: b.title, link } : { text: b.title };
      });
      out.messages.push({ payload: richContent({ type: 'chips', options }) });
    }
    if (nonEmpty(r.image)) out.messages.push({ payload: richContent({ type: 'image', rawUrl: r.image, accessibilityText: imageAlt(r) }) });
    for (const p of extraPayloads(r)) out.messages.push({ payload: p });
    const name = unresolvedName(r);
    if (name) out.unresolved.push(name);
  }
  return out;
}
