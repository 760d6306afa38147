/** The copied response schemas really reject what Dialogflow rejects (so passing them means something). */
import { expectValidCx, expectValidEs } from '../../support/dialogflow';

describe('Dialogflow response schemas used by the adapter tests', () => {
  it('ES: rejects v1 fields, contexts outside a session and messages with two kinds', () => {
    expect(() => expectValidEs({ speech: 'hi' })).toThrow(/not a valid ES/);
    expect(() => expectValidEs({ outputContexts: [{ name: 'contexts/x', lifespanCount: 1 }] })).toThrow(/not a valid ES/);
    expect(() => expectValidEs({ fulfillmentMessages: [{ text: { text: ['a'] }, image: { imageUri: 'u' } }] })).toThrow(/not a valid ES/);
    expect(() => expectValidEs({ fulfillmentText: 'ok' })).not.toThrow();
  });

  it('CX: rejects unknown fields and targetPage together with targetFlow', () => {
    expect(() => expectValidCx({ fulfillmentText: 'hi' })).toThrow(/not a valid CX/);
    const flow = 'projects/p/locations/l/agents/a/flows/f';
    expect(() => expectValidCx({ targetFlow: flow, targetPage: `${flow}/pages/p` })).toThrow(/not a valid CX/);
    expect(() => expectValidCx({ targetFlow: flow })).not.toThrow();
  });
});
