/**
 * Renders `dispatcher.utterMessage({ response: 'utter_…' })` from the Rasa domain, because
 * Dialogflow has no copy of the domain's responses (behind Rasa, Rasa renders them).
 * The first variation is used (Dialogflow has no variation or channel filtering of ours);
 * `{name}` placeholders take the message's extra keys first, then slot values, like Rasa.
 */
import type { Domain } from '../../protocol/request';
import type { ResponseEntry } from '../../protocol/response';

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

const OWN_KEYS = new Set(['text', 'buttons', 'elements', 'custom', 'template', 'response', 'image', 'attachment']);

function fill(template: string, values: Record<string, unknown>): string {
  return template.replace(/\{([A-Za-z_][\w-]*)\}/g, (whole, key: string) => {
    if (!Object.prototype.hasOwnProperty.call(values, key)) return whole;
    const v = values[key];
    return v === null || v === undefined ? '' : typeof v === 'object' ? JSON.stringify(v) : String(v);
  });
}

function variationOf(domain: Domain | null, name: string): Record<string, unknown> | null {
  const responses = isObject(domain?.responses) ? domain.responses : null;
  const list = responses?.[name];
  const first = Array.isArray(list) ? list.find(isObject) : null;
  return first ?? null;
}

/** Entries that only name a domain response are replaced by that response, filled in. */
export function renderDomainResponses(responses: ResponseEntry[], domain: Domain | null, slots: Record<string, unknown>): ResponseEntry[] {
  if (!domain) return responses;
  return responses.map((r) => {
    const name = r.response ?? r.template;
    if (!name || r.text) return r;
    const v = variationOf(domain, name);
    if (!v) return r;
    const extras = Object.fromEntries(Object.entries(r).filter(([k]) => !OWN_KEYS.has(k)));
    const values = { ...slots, ...extras };
    const buttons = Array.isArray(v.buttons)
      ? v.buttons.filter(isObject).map((b) => ({ ...b, title: fill(String(b.title ?? ''), values), payload: String(b.payload ?? '') }))
      : r.buttons;
    return {
      ...r,
      text: typeof v.text === 'string' ? fill(v.text, values) : r.text,
      buttons,
      image: typeof v.image === 'string' ? fill(v.image, values) : r.image,
      custom: isObject(v.custom) ? v.custom : r.custom,
      response: null,
      template: null,
    };
  });
}
