/** POST /dialogflow/es: Dialogflow ES v2 WebhookRequests through the shared executor. */
import { ES_SESSION, esRequest, expectValidEs, postJson, startDialogflowServer, type StartedServer } from '../../support/dialogflow';
import { testRegistry } from '../../support/dialogflow-actions';

const SLOT_CONTEXT = `${ES_SESSION}/contexts/actionbridge_slots`;

describe('POST /dialogflow/es', () => {
  let srv: StartedServer;
  let url: string;
  beforeAll(async () => {
    srv = await startDialogflowServer(testRegistry());
    url = `${srv.url}/dialogflow/es`;
  });
  afterAll(() => srv.close());

  it('runs the default action_<intent> and answers with text, fulfillmentText and the slot context', async () => {
    const res = await postJson(url, esRequest({ intent: 'Remember Color', text: 'my favourite colour is blue', parameters: { color: 'blue' } }));
    expect(res.status).toBe(200);
    expectValidEs(res.body);
    expect(res.body).toEqual({
      fulfillmentText: "I'll remember blue.",
      fulfillmentMessages: [{ text: { text: ["I'll remember blue."] } }],
      outputContexts: [{ name: SLOT_CONTEXT, lifespanCount: 30, parameters: { color: 'blue', favorite_color: 'blue' } }],
    });
  });

  it('keeps slots across two turns through the returned output context', async () => {
    const turn1 = await postJson(url, esRequest({ intent: 'remember colour', parameters: { color: 'green' } }));
    const contexts = (turn1.body as { outputContexts: unknown[] }).outputContexts;
    // Dialogflow sends the context back on the next turn, with its remaining lifespan.
    const back = contexts.map((c) => ({ ...(c as object), lifespanCount: 29 }));
    const turn2 = await postJson(url, esRequest({ intent: 'recall color', text: 'what is my colour?', contexts: back }));
    expect(turn2.status).toBe(200);
    expectValidEs(turn2.body);
    expect((turn2.body as { fulfillmentText: string }).fulfillmentText).toBe('Your favourite colour is green.');
  });

  it('clears a slot with a null in the context, which beats older contexts on the next turn', async () => {
    const stale = { name: `${ES_SESSION}/contexts/colour-followup`, lifespanCount: 2, parameters: { favorite_color: 'red', 'favorite_color.original': 'red' } };
    const ours = { name: SLOT_CONTEXT, lifespanCount: 10, parameters: { favorite_color: 'red' } };
    const forget = await postJson(url, esRequest({ intent: 'forget color', contexts: [stale, ours] }));
    expectValidEs(forget.body);
    expect((forget.body as { outputContexts: unknown }).outputContexts).toEqual([{ name: SLOT_CONTEXT, lifespanCount: 30, parameters: { favorite_color: null } }]);

    const next = (forget.body as { outputContexts: object[] }).outputContexts[0]!;
    const recall = await postJson(url, esRequest({ intent: 'recall color', contexts: [stale, next] }));
    expect((recall.body as { fulfillmentText: string }).fulfillmentText).toBe("I don't know your favourite colour.");
  });

  it('ignores `.original` keys and empty parameters when building slots', async () => {
    const res = await postJson(url, esRequest({ intent: 'recall color', parameters: { favorite_color: '' } }));
    expect((res.body as { fulfillmentText: string }).fulfillmentText).toBe("I don't know your favourite colour.");
  });

  it('maps the session to the sender, the query to the latest message and the payload to metadata', async () => {
    const res = await postJson(url, esRequest({ intent: 'who am i', text: 'who am I?', payload: { identity_token: 'jwt-abc' } }));
    expectValidEs(res.body);
    expect((res.body as { fulfillmentText: string }).fulfillmentText).toBe('sender=3f2a9c1e-77b0-4d2e-9f51-0a1b2c3d4e5f token=jwt-abc text=who am I? intent=who am i');
  });

  it('runs the intent`s `action` field when it names a registered action', async () => {
    const res = await postJson(url, esRequest({ intent: 'Identity', action: 'action_who_am_i' }));
    expect((res.body as { fulfillmentText: string }).fulfillmentText).toMatch(/^sender=/);
  });

  it('turns buttons into quick replies, link buttons into a card', async () => {
    const options = await postJson(url, esRequest({ intent: 'show options' }));
    expectValidEs(options.body);
    expect(options.body).toEqual({
      fulfillmentText: 'How urgent is it?',
      fulfillmentMessages: [{ quickReplies: { title: 'How urgent is it?', quickReplies: ['Low', 'High'] } }],
    });
    const links = await postJson(url, esRequest({ intent: 'show links' }));
    expectValidEs(links.body);
    expect((links.body as { fulfillmentMessages: unknown }).fulfillmentMessages).toEqual([
      {
        card: {
          title: 'Read more:',
          buttons: [
            { text: 'Status page', postback: 'https://status.example.com' },
            { text: 'Back', postback: 'Back' },
          ],
        },
      },
    ]);
  });

  it('turns images into image messages and custom payloads into payload messages (platform hint honoured)', async () => {
    const res = await postJson(url, esRequest({ intent: 'show picture' }));
    expectValidEs(res.body);
    expect(res.body).toEqual({
      fulfillmentMessages: [
        { image: { imageUri: 'https://cdn.example.com/cat.png', accessibilityText: 'A cat' } },
        { payload: { blocks: [{ type: 'divider' }] }, platform: 'SLACK' },
        { payload: { richContent: [[{ type: 'info', title: 'Ticket' }]] } },
      ],
    });
  });

  it('runs a follow-up action of ours in the same turn and merges both answers', async () => {
    const res = await postJson(url, esRequest({ intent: 'chain' }));
    expectValidEs(res.body);
    expect(res.body).toEqual({
      fulfillmentText: 'Let me check.\nYour favourite colour is teal.',
      fulfillmentMessages: [{ text: { text: ['Let me check.'] } }, { text: { text: ['Your favourite colour is teal.'] } }],
      outputContexts: [{ name: SLOT_CONTEXT, lifespanCount: 30, parameters: { favorite_color: 'teal' } }],
    });
  });

  it('sends a follow-up mapped to an ES event as followupEventInput with the language and new slots', async () => {
    const res = await postJson(url, esRequest({ intent: 'hand off' }));
    expectValidEs(res.body);
    expect(res.body).toEqual({
      outputContexts: [{ name: SLOT_CONTEXT, lifespanCount: 30, parameters: { ticket_id: 'T-17' } }],
      followupEventInput: { name: 'ticket_filed', languageCode: 'en', parameters: { ticket_id: 'T-17' } },
    });
  });

  it('clears every slot on AllSlotsReset', async () => {
    const ours = { name: SLOT_CONTEXT, lifespanCount: 10, parameters: { favorite_color: 'red', ticket_id: 'T-1' } };
    const res = await postJson(url, esRequest({ intent: 'reset all', contexts: [ours] }));
    expectValidEs(res.body);
    expect(res.body).toEqual({ outputContexts: [{ name: SLOT_CONTEXT, lifespanCount: 30, parameters: { favorite_color: null, ticket_id: null } }] });
  });

  it('answers an unknown intent 200 with a clear fallback message', async () => {
    const res = await postJson(url, esRequest({ intent: 'Order Pizza' }));
    expect(res.status).toBe(200);
    expectValidEs(res.body);
    expect(res.body).toEqual({
      fulfillmentText: "Sorry, I can't help with that here yet.",
      fulfillmentMessages: [{ text: { text: ["Sorry, I can't help with that here yet."] } }],
    });
  });

  it('answers a failing action 200 with a sentence for the user, never the error text', async () => {
    const down = await postJson(url, esRequest({ intent: 'upstream down' }));
    expect(down.status).toBe(200);
    expectValidEs(down.body);
    expect((down.body as { fulfillmentText: string }).fulfillmentText).toMatch(/isn't answering right now/);
    const crash = await postJson(url, esRequest({ intent: 'crash' }));
    expect(crash.status).toBe(200);
    expectValidEs(crash.body);
    expect(JSON.stringify(crash.body)).not.toContain('secret internals');
    expect((crash.body as { fulfillmentText: string }).fulfillmentText).toMatch(/something went wrong/);
  });

  it('builds the slot context under an environment/user session path, as sent', async () => {
    const session = 'projects/acme-support/agent/environments/prod/users/u-7/sessions/s-99';
    const res = await postJson(url, esRequest({ intent: 'remember colour', parameters: { color: 'red' }, session }));
    expectValidEs(res.body);
    expect((res.body as { outputContexts: { name: string }[] }).outputContexts[0]!.name).toBe(`${session}/contexts/actionbridge_slots`);
  });

  it('accepts a request without originalDetectIntentRequest (direct detectIntent callers)', async () => {
    const body = esRequest({ intent: 'remember colour', parameters: { color: 'red' } });
    delete body.originalDetectIntentRequest;
    const res = await postJson(url, body);
    expect(res.status).toBe(200);
    expect((res.body as { fulfillmentText: string }).fulfillmentText).toBe("I'll remember red.");
  });

  describe('malformed requests get a 400 JSON body', () => {
    it.each([
      ['broken JSON', '{"session": '],
      ['a JSON array', '[]'],
      ['no queryResult', JSON.stringify({ session: ES_SESSION })],
      ['a session that is not a session path', JSON.stringify({ session: 'abc', queryResult: {} })],
      ['a CX session path on the ES route', JSON.stringify({ session: 'projects/p/locations/l/agents/a/sessions/s', queryResult: {} })],
      ['wrongly typed parameters', JSON.stringify({ session: ES_SESSION, queryResult: { parameters: 'x' } })],
    ])('%s', async (_what, raw) => {
      const res = await postJson(url, raw);
      expect(res.status).toBe(400);
      expect(res.body).toMatchObject({ code: 'invalid_request', error: expect.any(String) });
    });

    it('names the bad field', async () => {
      const res = await postJson(url, JSON.stringify({ session: ES_SESSION, queryResult: { outputContexts: [{ lifespanCount: 1 }] } }));
      expect(res.status).toBe(400);
      expect((res.body as { issues: { path: string }[] }).issues.map((i) => i.path)).toContain('queryResult.outputContexts.0.name');
    });

    it('a body over the limit → 413 JSON', async () => {
      const huge = JSON.stringify({ session: ES_SESSION, queryResult: { queryText: 'x'.repeat(1_100_000) } });
      const res = await postJson(url, huge);
      expect(res.status).toBe(413);
      expect(res.body).toMatchObject({ code: 'payload_too_large' });
    });

    it('a body that is not JSON at all → 415', async () => {
      const res = await fetch(url, { method: 'POST', headers: { 'content-type': 'text/plain' }, body: 'hello' });
      expect(res.status).toBe(415);
      expect(await res.json()).toMatchObject({ code: 'unsupported_media_type' });
    });
  });

  it('GET is answered 405 JSON', async () => {
    const res = await fetch(url);
    expect(res.status).toBe(405);
    expect(res.headers.get('allow')).toBe('POST');
    expect(await res.json()).toMatchObject({ code: 'method_not_allowed' });
  });
});
