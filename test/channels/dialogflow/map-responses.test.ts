/** Dispatcher messages → ES/CX messages: the cases the route tests do not reach. */
import { Dispatcher } from '../../../src/sdk/dispatcher';
import { toCxMessages, toEsMessages } from '../../../src/channels/dialogflow/map-responses';
import { expectValidCx, expectValidEs } from '../../support/dialogflow';

function messages(fill: (d: Dispatcher) => void) {
  const d = new Dispatcher();
  fill(d);
  return d.messages;
}

describe('response mapping', () => {
  const input = messages((d) => {
    d.utterMessage({ attachment: { type: 'file', url: 'https://x/y.pdf' } });
    d.utterMessage({ elements: [{ title: 'A' }] });
    d.utterMessage({ response: 'utter_unknown' });
    d.utterMessage({ text: 'pick', buttons: [{ title: '', payload: '/x' }] });
    d.utterMessage({ custom: { platform: 'NOT_A_PLATFORM', x: 1 } });
  });

  it('ES: attachments and elements become payloads; unrendered responses are reported; empty buttons are dropped', () => {
    const out = toEsMessages(input);
    expect(out.messages).toEqual([
      { payload: { attachment: { type: 'file', url: 'https://x/y.pdf' } } },
      { payload: { elements: [{ title: 'A' }] } },
      { text: { text: ['pick'] } },
      { payload: { platform: 'NOT_A_PLATFORM', x: 1 } },
    ]);
    expect(out.unresolved).toEqual(['utter_unknown']);
    expectValidEs({ fulfillmentMessages: out.messages });
  });

  it('CX: the same as payload and text messages', () => {
    const out = toCxMessages(input);
    expect(out.messages).toEqual([
      { payload: { attachment: { type: 'file', url: 'https://x/y.pdf' } } },
      { payload: { elements: [{ title: 'A' }] } },
      { text: { text: ['pick'] } },
      { payload: { platform: 'NOT_A_PLATFORM', x: 1 } },
    ]);
    expect(out.texts).toEqual(['pick']);
    expectValidCx({ fulfillmentResponse: { messages: out.messages } });
  });
});
