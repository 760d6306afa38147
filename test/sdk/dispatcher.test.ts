import { Dispatcher, type UtterMessage } from '../../src/sdk/dispatcher';
import { checkResponse } from '../fixtures/rasa-response-schema';

const defaults = { text: null, buttons: [], elements: [], custom: {}, template: null, response: null, image: null, attachment: null };

const utter = (message: UtterMessage | string) => {
  const d = new Dispatcher();
  d.utterMessage(message);
  expect(d.messages).toHaveLength(1);
  return d.messages[0]!;
};

describe('Dispatcher.utterMessage', () => {
  it('always emits the eight keys, with rasa_sdk defaults', () => {
    expect(utter({})).toStrictEqual(defaults);
  });

  it('takes a string as the text', () => {
    expect(utter('Hello')).toStrictEqual({ ...defaults, text: 'Hello' });
  });

  it('fills every field', () => {
    const buttons = [{ title: 'Yes', payload: '/affirm' }];
    const elements = [{ title: 'card' }];
    const entry = utter({
      text: 'Pick one',
      image: 'https://img.example/x.png',
      buttons,
      elements,
      custom: { blocks: [1] },
      response: 'utter_pick',
      attachment: { type: 'file', url: 'https://f.example/a.pdf' },
    });
    expect(entry).toStrictEqual({
      text: 'Pick one',
      buttons,
      elements,
      custom: { blocks: [1] },
      template: 'utter_pick',
      response: 'utter_pick',
      image: 'https://img.example/x.png',
      attachment: { type: 'file', url: 'https://f.example/a.pdf' },
    });
  });

  it('accepts a string attachment', () => {
    expect(utter({ attachment: 'https://f.example/a.pdf' }).attachment).toBe('https://f.example/a.pdf');
  });

  it('takes rasa_sdk’s json_message as the custom payload', () => {
    const entry = utter({ json_message: { blocks: ['a'] } });
    expect(entry).toStrictEqual({ ...defaults, custom: { blocks: ['a'] } });
    expect(entry).not.toHaveProperty('json_message');
  });

  it('lets an explicit custom win over json_message (a custom kwarg overrides in rasa_sdk)', () => {
    expect(utter({ json_message: { a: 1 }, custom: { b: 2 } }).custom).toEqual({ b: 2 });
  });

  it('treats template alone as response, and prefers response when both are given', () => {
    expect(utter({ template: 'utter_old' })).toStrictEqual({ ...defaults, template: 'utter_old', response: 'utter_old' });
    expect(utter({ template: 'utter_old', response: 'utter_new' })).toMatchObject({ template: 'utter_new', response: 'utter_new' });
  });

  it('sends extra keys at top level (template variables, channel fields)', () => {
    const entry = utter({ response: 'utter_greet', name: 'Ada', channel_hint: { x: 1 } });
    expect(entry).toStrictEqual({ ...defaults, template: 'utter_greet', response: 'utter_greet', name: 'Ada', channel_hint: { x: 1 } });
  });

  it('treats null fields like absent ones', () => {
    expect(utter({ text: null, buttons: null, elements: null, custom: null, image: null, attachment: null, response: null })).toStrictEqual(defaults);
  });

  it('keeps messages in order, and utterButtons is text plus buttons', () => {
    const d = new Dispatcher();
    d.utterMessage('one');
    d.utterButtons('two', [{ title: 'OK', payload: '/ok' }]);
    expect(d.messages.map((m) => m.text)).toEqual(['one', 'two']);
    expect(d.messages[1]).toStrictEqual({ ...defaults, text: 'two', buttons: [{ title: 'OK', payload: '/ok' }] });
  });

  it('produces entries Rasa’s response schema accepts', () => {
    const d = new Dispatcher();
    d.utterMessage('plain');
    d.utterMessage({ response: 'utter_x', attachment: 'a', image: 'i', custom: { c: 1 }, extra: 1 });
    expect(checkResponse({ events: [], responses: d.messages }).errors).toEqual([]);
  });
});
