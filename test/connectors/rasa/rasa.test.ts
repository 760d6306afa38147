/** The Rasa connector against a loopback Rasa: what each of Rasa's answers becomes. */
import { Gateway } from '../../../src/connectors/kit/gateway';
import { ConnectorError } from '../../../src/connectors/kit/connector-error';
import { RasaAssistant } from '../../../src/connectors/rasa';
import { TEST_POLICY } from '../../support/policy';
import { FakeRasa } from '../../support/fakes/rasa';

describe('RasaAssistant', () => {
  let rasa: FakeRasa;
  beforeAll(async () => {
    rasa = await new FakeRasa(['EXTERNAL_ticket_resolved'], 'right-token').start();
  });
  afterAll(() => rasa.stop());

  const assistant = (token?: string) => new RasaAssistant({ url: rasa.url, ...(token ? { token } : {}) }, new Gateway({ defaults: { ...TEST_POLICY, attemptTimeoutMs: 3_000 } }));
  const trigger = { conversationId: 'user/42 é', intent: 'EXTERNAL_ticket_resolved', entities: { ticket_key: 'SUP-1' } };

  it('triggers the intent in the conversation named, on its latest channel, with the token in the query', async () => {
    await expect(assistant('right-token').triggerIntent(trigger)).resolves.toEqual({ accepted: true });
    expect(rasa.triggers.at(-1)).toEqual({ conversationId: 'user/42 é', intent: 'EXTERNAL_ticket_resolved', entities: { ticket_key: 'SUP-1' }, outputChannel: 'latest' });
  });

  it.each([
    ['a wrong token', 'wrong', trigger, 'auth', 'NotAuthenticated'],
    ['no token', undefined, trigger, 'auth', 'NotAuthenticated'],
    ['an intent the domain lacks', 'right-token', { ...trigger, intent: 'EXTERNAL_nope' }, 'not_found', 'NotFound'],
  ])('refuses %s for good', async (_name, token, t, kind, reason) => {
    const before = rasa.requests.length;
    const err = (await assistant(token).triggerIntent(t).catch((e: unknown) => e)) as ConnectorError;
    expect(err).toBeInstanceOf(ConnectorError);
    expect({ kind: err.kind, vendorCode: err.vendorCode, retry: err.retry }).toEqual({ kind, vendorCode: reason, retry: 'never' });
    expect(rasa.requests.length - before).toBe(1);
  });

  it('sends again while no model is loaded (Rasa refused it up front), but never repeats an ambiguous 500', async () => {
    // Twice what Rasa answers while loading a model, then the real route.
    rasa.fail({ status: 409, times: 2, body: { version: '3.6.20', status: 'failure', reason: 'Conflict', message: 'No agent loaded.', code: 409 } });
    const sent = rasa.triggers.length;
    await expect(assistant('right-token').triggerIntent(trigger)).resolves.toEqual({ accepted: true });
    expect(rasa.triggers.length - sent).toBe(1);
    rasa.fail({ status: 500, body: { status: 'failure', reason: 'ConversationError', message: 'An unexpected error occurred.', code: 500 } });
    const before = rasa.requests.length;
    const err = (await assistant('right-token').triggerIntent(trigger).catch((e: unknown) => e)) as ConnectorError;
    expect(err.kind).toBe('upstream_unavailable');
    expect(rasa.requests.length - before).toBe(1);
  });
});
