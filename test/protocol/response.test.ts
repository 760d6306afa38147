import { ResponseEntrySchema, WebhookResponseSchema } from '../../src/protocol/response';
import { checkResponse } from '../fixtures/rasa-response-schema';

const entry = { text: 'Hi', buttons: [{ title: 'Yes', payload: '/affirm' }], elements: [], custom: {}, template: null, response: null, image: null, attachment: null };

/** Bodies both our zod schema and Rasa's JSON Schema must judge the same way. */
const valid: [string, unknown][] = [
  ['the full rasa_sdk shape', { events: [{ event: 'slot', timestamp: null, name: 'a', value: 1 }], responses: [entry] }],
  ['an empty object', {}],
  ['empty lists', { events: [], responses: [] }],
  ['an entry with extra keys', { responses: [{ ...entry, name: 'Ada', metadata: { x: 1 } }] }],
  ['an entry with only a response name', { responses: [{ response: 'utter_greet' }] }],
  ['an attachment object', { responses: [{ attachment: { type: 'image', payload: { src: 'x' } } }] }],
  ['null list fields', { responses: [{ buttons: null, elements: null, custom: null }] }],
];

const invalid: [string, unknown][] = [
  ['an unknown event', { events: [{ event: 'nope' }] }],
  ['a slot without value', { events: [{ event: 'slot', name: 'a' }] }],
  ['events as an object', { events: { event: 'restart' } }],
  ['a response that is a string', { responses: ['Hi'] }],
  ['a text that is a number', { responses: [{ text: 5 }] }],
  ['buttons that are an object', { responses: [{ buttons: {} }] }],
  ['custom as an array', { responses: [{ custom: [] }] }],
  ['an attachment that is a number', { responses: [{ attachment: 1 }] }],
];

describe.each(valid)('a response body with %s', (_why, body) => {
  it('is accepted by WebhookResponseSchema and Rasa’s schema', () => {
    expect(WebhookResponseSchema.safeParse(body).success).toBe(true);
    expect(checkResponse(body).errors).toEqual([]);
  });
});

describe.each(invalid)('a response body with %s', (_why, body) => {
  it('is refused by WebhookResponseSchema and Rasa’s schema', () => {
    expect(WebhookResponseSchema.safeParse(body).success).toBe(false);
    expect(checkResponse(body).valid).toBe(false);
  });
});

describe('ResponseEntrySchema', () => {
  it('keeps extra keys', () => {
    expect(ResponseEntrySchema.parse({ ...entry, name: 'Ada' })).toEqual({ ...entry, name: 'Ada' });
  });
});
