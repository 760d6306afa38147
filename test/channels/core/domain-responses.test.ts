/**
 * With a Rasa domain named in the mapping file, responses an action names (`utter_ask_color`,
 * here asked by defineAction for a missing slot) are rendered for Dialogflow.
 */
import path from 'node:path';
import { cxRequest, esRequest, expectValidCx, expectValidEs, postJson, startDialogflowServer, type StartedServer } from '../../support/dialogflow';
import { testRegistry } from '../../support/dialogflow-actions';

const mappingFile = path.resolve(__dirname, '../../fixtures/dialogflow/mapping-with-domain.json');

describe('domain responses', () => {
  let srv: StartedServer;
  beforeAll(async () => {
    srv = await startDialogflowServer(testRegistry(), { mappingFile });
  });
  afterAll(() => srv.close());

  it('ES: renders the first variation with slot values, buttons as quick replies', async () => {
    const res = await postJson(`${srv.url}/dialogflow/es`, esRequest({ intent: 'remember color', parameters: { user_name: 'Ada' } }));
    expectValidEs(res.body);
    expect((res.body as { fulfillmentMessages: unknown }).fulfillmentMessages).toEqual([
      { quickReplies: { title: 'Which colour do you like, Ada?', quickReplies: ['Red', 'Blue'] } },
    ]);
  });

  it('CX: renders it as text and chips', async () => {
    const res = await postJson(`${srv.url}/dialogflow/cx`, cxRequest({ tag: 'remember_color', parameters: { user_name: 'Ada' } }));
    expectValidCx(res.body);
    expect(res.body).toEqual({
      fulfillmentResponse: {
        messages: [{ text: { text: ['Which colour do you like, Ada?'] } }, { payload: { richContent: [[{ type: 'chips', options: [{ text: 'Red' }, { text: 'Blue' }] }]] } }],
        mergeBehavior: 'APPEND',
      },
    });
  });

  it('without a domain the same action asks with its own sentence', async () => {
    const plain = await startDialogflowServer(testRegistry());
    try {
      const res = await postJson(`${plain.url}/dialogflow/es`, esRequest({ intent: 'remember color' }));
      expect((res.body as { fulfillmentText: string }).fulfillmentText).toBe('I still need a colour to do that.');
    } finally {
      await plain.close();
    }
  });
});
