/**
 * The actions shipped in actions/ run unchanged behind both Dialogflow routes: the specific ones
 * with exact answers, and every registered action at least to a valid, non-fallback answer
 * (so actions added later are covered too).
 */
import path from 'node:path';
import { loadActionsDir } from '../../../src/sdk/load-actions';
import { DEFAULT_MESSAGES } from '../../../src/channels/dialogflow/mapping';
import { ES_SESSION, cxRequest, esRequest, expectValidCx, expectValidEs, postJson, startDialogflowServer, type StartedServer } from '../../support/dialogflow';

const registry = loadActionsDir(path.resolve(__dirname, '../../../actions'));

describe('shipped actions through /dialogflow/es and /dialogflow/cx', () => {
  let srv: StartedServer;
  beforeAll(async () => {
    // A bounded budget: an action that needs a live connector answers "pending", not a hang.
    srv = await startDialogflowServer(registry, { deadlineMs: 3_000 });
  });
  afterAll(() => srv.close());

  describe('action_greet', () => {
    it('ES: the welcome intent greets by the name found in the contexts', async () => {
      const contexts = [{ name: `${ES_SESSION}/contexts/actionbridge_slots`, lifespanCount: 40, parameters: { user_name: 'Grace' } }];
      const res = await postJson(`${srv.url}/dialogflow/es`, esRequest({ intent: 'Default Welcome Intent', text: 'hi', contexts }));
      expect(res.status).toBe(200);
      expectValidEs(res.body);
      expect(res.body).toEqual({
        fulfillmentText: 'Hello, Grace! How can I help you today?',
        fulfillmentMessages: [{ text: { text: ['Hello, Grace! How can I help you today?'] } }],
        outputContexts: [{ name: `${ES_SESSION}/contexts/actionbridge_slots`, lifespanCount: 30, parameters: { user_name: 'Grace' } }],
      });
    });

    it('ES: without a name it greets plainly', async () => {
      const res = await postJson(`${srv.url}/dialogflow/es`, esRequest({ intent: 'Default Welcome Intent', text: 'hi' }));
      expectValidEs(res.body);
      expect(res.body).toEqual({
        fulfillmentText: 'Hello! How can I help you today?',
        fulfillmentMessages: [{ text: { text: ['Hello! How can I help you today?'] } }],
      });
    });

    it('CX: the welcome tag greets by the session parameter', async () => {
      const res = await postJson(`${srv.url}/dialogflow/cx`, cxRequest({ tag: 'welcome', parameters: { user_name: 'Grace' } }));
      expect(res.status).toBe(200);
      expectValidCx(res.body);
      expect(res.body).toEqual({ fulfillmentResponse: { messages: [{ text: { text: ['Hello, Grace! How can I help you today?'] } }], mergeBehavior: 'APPEND' } });
    });
  });

  describe('action_validate_slot_mappings (user_name)', () => {
    it('ES: normalizes the name given this turn into the slot context', async () => {
      const res = await postJson(`${srv.url}/dialogflow/es`, esRequest({ intent: 'action_validate_slot_mappings', text: 'I am ada lovelace', parameters: { user_name: 'ada lovelace' } }));
      expectValidEs(res.body);
      expect(res.body).toEqual({ outputContexts: [{ name: `${ES_SESSION}/contexts/actionbridge_slots`, lifespanCount: 30, parameters: { user_name: 'Ada Lovelace' } }] });
    });

    it('CX: rejects a non-name with a message and a null parameter', async () => {
      const res = await postJson(
        `${srv.url}/dialogflow/cx`,
        cxRequest({ tag: 'validate_slot_mappings', text: 'call me 42', parameters: { user_name: '42' }, intentParameters: { user_name: '42' } }),
      );
      expectValidCx(res.body);
      expect(res.body).toEqual({
        fulfillmentResponse: { messages: [{ text: { text: ["Sorry, that doesn't look like a name. What should I call you?"] } }], mergeBehavior: 'APPEND' },
        sessionInfo: { parameters: { user_name: null } },
      });
    });
  });

  describe('validate_ticket_form on a CX form page', () => {
    const form = (summary: string) => [
      { displayName: 'ticket_summary', required: true, state: 'FILLED', value: summary, justCollected: true },
      { displayName: 'ticket_description', required: true, state: 'EMPTY' },
    ];

    it('rejects a too-short summary: INVALID, cleared, told why', async () => {
      const res = await postJson(`${srv.url}/dialogflow/cx`, cxRequest({ tag: 'validate_ticket_form', text: 'hi', parameters: { ticket_summary: 'hi' }, form: form('hi') }));
      expectValidCx(res.body);
      expect(res.body).toEqual({
        fulfillmentResponse: { messages: [{ text: { text: ['Please give me a short one-line summary of the problem (up to 250 characters).'] } }], mergeBehavior: 'APPEND' },
        sessionInfo: { parameters: { ticket_summary: null } },
        pageInfo: { formInfo: { parameterInfo: [{ displayName: 'ticket_summary', required: true, state: 'INVALID' }] } },
      });
    });

    it('accepts a summary, normalizing its spaces', async () => {
      const summary = 'VPN   drops every   hour';
      const res = await postJson(`${srv.url}/dialogflow/cx`, cxRequest({ tag: 'validate_ticket_form', parameters: { ticket_summary: summary }, form: form(summary) }));
      expectValidCx(res.body);
      expect(res.body).toEqual({
        sessionInfo: { parameters: { ticket_summary: 'VPN drops every hour' } },
        pageInfo: { formInfo: { parameterInfo: [{ displayName: 'ticket_summary', required: true, state: 'FILLED', value: 'VPN drops every hour' }] } },
      });
    });
  });

  // Every action in actions/, by its own name as ES intent and CX tag.
  const names = registry.list().map((a) => a.name);
  it.each(names)('%s answers both routes with a schema-valid response that is not the unknown-intent fallback', async (name) => {
    const es = await postJson(`${srv.url}/dialogflow/es`, esRequest({ intent: name, text: 'hello' }));
    expect(es.status).toBe(200);
    expectValidEs(es.body);
    expect(JSON.stringify(es.body)).not.toContain(DEFAULT_MESSAGES.unknown);
    const cx = await postJson(`${srv.url}/dialogflow/cx`, cxRequest({ tag: name, text: 'hello' }));
    expect(cx.status).toBe(200);
    expectValidCx(cx.body);
    expect(JSON.stringify(cx.body)).not.toContain(DEFAULT_MESSAGES.unknown);
  });
});
