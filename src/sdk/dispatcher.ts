/**
 * Collects the messages an action sends to the user. Each entry has the eight keys rasa_sdk
 * always emits, plus any extra keys the caller passes (Rasa forwards them to the channel or
 * uses them as template variables of `response`).
 */
import type { Button, ResponseEntry } from '../protocol/response';
import type { ResponseName } from './domain-types';

export interface UtterMessage {
  text?: string | null;
  image?: string | null;
  /** A custom payload for the channel (rasa_sdk's `json_message`). */
  custom?: Record<string, unknown> | null;
  /** Name of a domain response to render, e.g. `utter_greet`; other keys become its variables. */
  response?: ResponseName | null;
  /** @deprecated legacy name of `response`. */
  template?: ResponseName | null;
  attachment?: string | Record<string, unknown> | null;
  buttons?: Button[] | null;
  elements?: unknown[] | null;
  /** Extra keys, sent at top level (template variables, channel-specific fields). */
  [extra: string]: unknown;
}

export class Dispatcher {
  readonly messages: ResponseEntry[] = [];

  utterMessage(message: UtterMessage | string): void {
    const m: UtterMessage = typeof message === 'string' ? { text: message } : message;
    const { text, image, custom, json_message, response, template, attachment, buttons, elements, ...extra } = m;
    // `template` alone means `response`, as in rasa_sdk; both keys are sent for old Rasa.
    const responseName = (response ?? template ?? null) as string | null;
    this.messages.push({
      text: text ?? null,
      buttons: buttons ?? [],
      elements: elements ?? [],
      custom: (custom ?? (json_message as Record<string, unknown> | undefined) ?? {}) as Record<string, unknown>,
      template: responseName,
      response: responseName,
      image: image ?? null,
      attachment: attachment ?? null,
      ...extra,
    });
  }

  /** Shorthand for a text with quick-reply buttons. */
  utterButtons(text: string, buttons: Button[]): void {
    this.utterMessage({ text, buttons });
  }
}
