/** The strict proto parser refuses what Dialogflow refuses, so a pass elsewhere means something. */
import { protoProblems } from '../../support/dialogflow-protos';

describe('strict parsing with Google\'s Dialogflow protos', () => {
  it('ES: an unknown field, two members of the message oneof, a wrong type and an unknown platform each fail', () => {
    expect(protoProblems('es', { speech: 'hi' })).toEqual([expect.stringMatching(/speech: cannot find field/)]);
    expect(protoProblems('es', { fulfillmentMessages: [{ text: { text: ['a'] }, image: { imageUri: 'u' } }] })).toEqual([expect.stringMatching(/oneof message/)]);
    expect(protoProblems('es', { fulfillmentMessages: [{ quickReplies: { title: 't', quickReplies: 'yes' } }] })).toEqual([expect.stringMatching(/expected an array/)]);
    expect(protoProblems('es', { fulfillmentMessages: [{ payload: {}, platform: 'WHATSAPP' }] })).toEqual([expect.stringMatching(/not a value of Platform/)]);
    expect(protoProblems('es', { fulfillmentMessages: [{ card: { title: 't', buttons: [{ text: 'Open', url: 'https://x' }] } }] })).toEqual([expect.stringMatching(/url: cannot find field/)]);
    expect(protoProblems('es', { outputContexts: [{ name: 'n', lifespanCount: 1.5 }] })).toEqual([expect.stringMatching(/expected an integer/)]);
  });

  it('ES: proto3 JSON forms Dialogflow accepts pass (snake_case names, integer strings, nulls, any Struct)', () => {
    expect(protoProblems('es', { fulfillment_text: 'a', outputContexts: [{ name: 'n', lifespanCount: '3', parameters: { a: null, b: [1, { c: 'd' }] } }], payload: null })).toEqual([]);
  });

  it('CX: an unknown field, a non-boolean required and an unknown parameter state each fail', () => {
    expect(protoProblems('cx', { fulfillmentText: 'hi' })).toEqual([expect.stringMatching(/fulfillmentText: cannot find field/)]);
    const info = (p: Record<string, unknown>) => ({ pageInfo: { formInfo: { parameterInfo: [{ displayName: 'a', state: 'FILLED', ...p }] } } });
    expect(protoProblems('cx', info({ required: 'yes' }))).toEqual([expect.stringMatching(/required: expected true or false/)]);
    expect(protoProblems('cx', info({ state: 'CLEARED' }))).toEqual([expect.stringMatching(/not a value of ParameterState/)]);
    expect(protoProblems('cx', { fulfillmentResponse: { messages: [{ text: { text: ['a'] }, payload: {} }] } })).toEqual([expect.stringMatching(/oneof message/)]);
    expect(protoProblems('cx', { fulfillmentResponse: { messages: [], mergeBehavior: 'MERGE' } })).toEqual([expect.stringMatching(/not a value of MergeBehavior/)]);
  });

  it('CX: a message payload is a Struct, so richContent passes the proto whatever it holds', () => {
    expect(protoProblems('cx', { fulfillmentResponse: { messages: [{ payload: { richContent: [[{ type: 'chips' }]] } }], mergeBehavior: 'APPEND' } })).toEqual([]);
    expect(protoProblems('cx', { fulfillmentResponse: { messages: [{ payload: 'chips' }] } })).toEqual([expect.stringMatching(/expected a JSON object/)]);
  });
});
