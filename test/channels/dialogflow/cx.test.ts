/** POST /dialogflow/cx: Dialogflow CX v3 WebhookRequests through the shared executor. */
import { CX_SESSION, cxRequest, expectValidCx, postJson, startDialogflowServer, type StartedServer } from '../../support/dialogflow';
import { testRegistry } from '../../support/dialogflow-actions';

type CxBody = {
  fulfillmentResponse?: { messages: { text?: { text: string[] }; payload?: unknown }[] };
  sessionInfo?: { parameters: Record<string, unknown> };
};
const texts = (body: unknown) => ((body as CxBody).fulfillmentResponse?.messages ?? []).flatMap((m) => m.text?.text ?? []);

describe('POST /dialogflow/cx', () => {
  let srv: StartedServer;
  let url: string;
  beforeAll(async () => {
    srv = await startDialogflowServer(testRegistry());
    url = `${srv.url}/dialogflow/cx`;
  });
  afterAll(() => srv.close());

  it('runs action_<tag> and returns messages plus only the changed session parameters', async () => {
    const res = await postJson(url, cxRequest({ tag: 'remember_color', text: 'I like blue', parameters: { color: 'blue', customer: 'c-9' }, intentParameters: { color: 'blue' } }));
    expect(res.status).toBe(200);
    expectValidCx(res.body);
    expect(res.body).toEqual({
      fulfillmentResponse: { messages: [{ text: { text: ["I'll remember blue."] } }], mergeBehavior: 'APPEND' },
      sessionInfo: { parameters: { favorite_color: 'blue' } },
    });
  });

  it('keeps slots across two turns through session parameters', async () => {
    const turn1 = await postJson(url, cxRequest({ tag: 'remember-color', parameters: { color: 'green' } }));
    // CX merges the returned parameters into the session and sends them all on the next call.
    const session = { color: 'green', ...(turn1.body as CxBody).sessionInfo!.parameters };
    const turn2 = await postJson(url, cxRequest({ tag: 'recall_color', text: 'what is my colour?', parameters: session }));
    expectValidCx(turn2.body);
    expect(texts(turn2.body)).toEqual(['Your favourite colour is green.']);
  });

  it('clears a parameter with null', async () => {
    const res = await postJson(url, cxRequest({ tag: 'forget_color', parameters: { favorite_color: 'red' } }));
    expectValidCx(res.body);
    expect((res.body as CxBody).sessionInfo).toEqual({ parameters: { favorite_color: null } });
  });

  it('nulls every known parameter on AllSlotsReset', async () => {
    const res = await postJson(url, cxRequest({ tag: 'reset_all', parameters: { favorite_color: 'red', ticket_id: 'T-1' } }));
    expectValidCx(res.body);
    expect(res.body).toEqual({ sessionInfo: { parameters: { favorite_color: null, ticket_id: null } } });
  });

  it('maps the session to the sender, the text to the latest message and the payload to metadata', async () => {
    const res = await postJson(url, cxRequest({ tag: 'who_am_i', text: 'who am I?', intent: 'identity', payload: { identity_token: 'jwt-xyz' } }));
    expect(texts(res.body)).toEqual(['sender=cx-session-42 token=jwt-xyz text=who am I? intent=identity']);
  });

  it('maps a tag through the mapping file (welcome → action_greet)', async () => {
    const registry = testRegistry();
    // action_greet is a shipped action; here only the mapping is under test.
    const { greet } = await import('../../../actions/greet');
    registry.register(greet);
    const own = await startDialogflowServer(registry);
    try {
      const res = await postJson(`${own.url}/dialogflow/cx`, cxRequest({ tag: 'welcome', parameters: { user_name: 'Ada' } }));
      expectValidCx(res.body);
      expect(texts(res.body)).toEqual(['Hello, Ada! How can I help you today?']);
    } finally {
      await own.close();
    }
  });

  it('turns buttons into Messenger chips, images into rich content, custom payloads into payload messages', async () => {
    const options = await postJson(url, cxRequest({ tag: 'show_links' }));
    expectValidCx(options.body);
    expect(options.body).toEqual({
      fulfillmentResponse: {
        messages: [
          { text: { text: ['Read more:'] } },
          { payload: { richContent: [[{ type: 'button', text: 'Status page', anchor: { href: 'https://status.example.com' } }, { type: 'chips', options: [{ text: 'Back' }] }]] } },
        ],
        mergeBehavior: 'APPEND',
      },
    });
    const picture = await postJson(url, cxRequest({ tag: 'show_picture' }));
    expectValidCx(picture.body);
    expect(picture.body).toEqual({
      fulfillmentResponse: {
        messages: [
          { payload: { richContent: [[{ type: 'image', rawUrl: 'https://cdn.example.com/cat.png', accessibilityText: 'A cat' }]] } },
          { payload: { platform: 'SLACK', blocks: [{ type: 'divider' }] } },
          { payload: { richContent: [[{ type: 'info', title: 'Ticket' }]] } },
        ],
        mergeBehavior: 'APPEND',
      },
    });
  });

  it('runs a follow-up action of ours in the same turn', async () => {
    const res = await postJson(url, cxRequest({ tag: 'chain' }));
    expectValidCx(res.body);
    expect(texts(res.body)).toEqual(['Let me check.', 'Your favourite colour is teal.']);
    expect((res.body as CxBody).sessionInfo).toEqual({ parameters: { favorite_color: 'teal' } });
  });

  it('sends a follow-up mapped to a CX page as targetPage', async () => {
    const res = await postJson(url, cxRequest({ tag: 'hand_off' }));
    expectValidCx(res.body);
    expect(res.body).toEqual({
      sessionInfo: { parameters: { ticket_id: 'T-17' } },
      targetPage: 'projects/acme-support/locations/global/agents/8c1d7f0e-1111-2222-3333-444455556666/flows/00000000-0000-0000-0000-000000000000/pages/ticket-filed',
    });
  });

  describe('form validation (validate_<form>) → pageInfo.formInfo parameter states', () => {
    const form = (severity: string, email: string | null) => [
      { displayName: 'severity', required: true, state: 'FILLED', value: severity, justCollected: true },
      email === null
        ? { displayName: 'email', required: true, state: 'EMPTY' }
        : { displayName: 'email', required: true, state: 'FILLED', value: email, justCollected: true },
    ];

    it('marks a rejected value INVALID, clears it and says why', async () => {
      const res = await postJson(url, cxRequest({ tag: 'ticket-form-validate', text: 'urgent', parameters: { severity: 'urgent' }, form: form('urgent', null) }));
      expectValidCx(res.body);
      expect(res.body).toEqual({
        fulfillmentResponse: { messages: [{ text: { text: ['Severity must be low or high.'] } }], mergeBehavior: 'APPEND' },
        sessionInfo: { parameters: { severity: null } },
        pageInfo: { formInfo: { parameterInfo: [{ displayName: 'severity', required: true, state: 'INVALID' }] } },
      });
    });

    it('marks accepted values FILLED with their normalized value', async () => {
      const res = await postJson(
        url,
        cxRequest({ tag: 'ticket-form-validate', parameters: { severity: 'high', email: ' Ada@Example.COM ' }, form: form('high', ' Ada@Example.COM ') }),
      );
      expectValidCx(res.body);
      expect(res.body).toEqual({
        sessionInfo: { parameters: { severity: 'high', email: 'ada@example.com' } },
        pageInfo: {
          formInfo: {
            parameterInfo: [
              { displayName: 'severity', required: true, state: 'FILLED', value: 'high' },
              { displayName: 'email', required: true, state: 'FILLED', value: 'ada@example.com' },
            ],
          },
        },
      });
    });

    it('validates only the parameters collected on this turn', async () => {
      const params = [
        { displayName: 'severity', required: true, state: 'FILLED', value: 'nonsense' },
        { displayName: 'email', required: true, state: 'FILLED', value: 'bob@example.com', justCollected: true },
      ];
      const res = await postJson(url, cxRequest({ tag: 'validate_ticket_form', parameters: { severity: 'nonsense', email: 'bob@example.com' }, form: params }));
      expectValidCx(res.body);
      expect((res.body as { pageInfo: unknown }).pageInfo).toEqual({
        formInfo: { parameterInfo: [{ displayName: 'email', required: true, state: 'FILLED', value: 'bob@example.com' }] },
      });
    });
  });

  it('answers an unknown tag 200 with a clear fallback message', async () => {
    const res = await postJson(url, cxRequest({ tag: 'book_flight' }));
    expect(res.status).toBe(200);
    expectValidCx(res.body);
    expect(res.body).toEqual({ fulfillmentResponse: { messages: [{ text: { text: ["Sorry, I can't help with that here yet."] } }], mergeBehavior: 'APPEND' } });
  });

  it('answers a failing action 200 with a user sentence', async () => {
    const res = await postJson(url, cxRequest({ tag: 'crash' }));
    expect(res.status).toBe(200);
    expectValidCx(res.body);
    expect(texts(res.body)[0]).toMatch(/something went wrong/);
  });

  describe('malformed requests get a 400 JSON body', () => {
    it.each([
      ['broken JSON', '{"fulfillmentInfo": {'],
      ['no fulfillmentInfo', JSON.stringify({ sessionInfo: { session: CX_SESSION } })],
      ['no sessionInfo', JSON.stringify({ fulfillmentInfo: { tag: 'x' } })],
      ['a tag that is not a string', JSON.stringify({ fulfillmentInfo: { tag: 5 }, sessionInfo: { session: CX_SESSION } })],
      ['parameters that are not an object', JSON.stringify({ fulfillmentInfo: { tag: 'x' }, sessionInfo: { session: CX_SESSION, parameters: [] } })],
      ['a form whose parameter has no name', JSON.stringify({ fulfillmentInfo: { tag: 'x' }, sessionInfo: { session: CX_SESSION }, pageInfo: { formInfo: { parameterInfo: [{}] } } })],
    ])('%s', async (_what, raw) => {
      const res = await postJson(url, raw);
      expect(res.status).toBe(400);
      expect(res.body).toMatchObject({ code: 'invalid_request', error: expect.any(String) });
    });
  });
});
