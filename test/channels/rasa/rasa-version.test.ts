/**
 * The calling Rasa's `version` decides, over HTTP: what a call without a domain gets, and which
 * of an action's events are sent back.
 */
import { defineAction } from '../../../src/sdk/action';
import { SessionEnded, SlotSet } from '../../../src/sdk/events';
import { domainAction } from '../../support/actions';
import { postWebhook } from '../../support/http';
import { captureLogs } from '../../support/log-capture';
import { registryOf, startTestServer, type TestServer } from '../../support/server';
import { webhookBody } from '../../support/webhook-body';

/** Ends the session after setting a slot: a rasa_sdk 3.16 action run against older Rasa. */
const endSession = defineAction({
  name: 'action_end_session',
  run: () => [SlotSet('done', true), SessionEnded({ reason: 'bye' })],
});

/** A call with neither `domain` nor `domain_digest`: what Rasa sends with `enable_selective_domain`. */
function withoutDomain(action: string, version: string | undefined): Record<string, unknown> {
  const body = webhookBody(action);
  delete body.domain;
  if (version === undefined) delete body.version;
  else body.version = version;
  return body;
}

describe('/webhook and the calling Rasa version', () => {
  let s: TestServer;
  const logs = captureLogs('warn');
  beforeAll(async () => {
    s = await startTestServer(registryOf(domainAction, endSession), { logger: logs.logger });
  });
  afterAll(() => s.close());

  it.each(['3.6.21', '3.8.18'])('Rasa %s, which never retries a 449, has the action run with an empty domain (as rasa_sdk 3.6)', async (version) => {
    const res = await postWebhook(s.url, withoutDomain('action_show_domain', version));
    expect(res.status).toBe(200);
    expect((res.json() as { responses: { text: string }[] }).responses[0]!.text).toBe('{}');
  });

  it.each([['3.9.0'], ['3.16.0'], [undefined], ['unknown']])('Rasa %p is asked for the domain (449; it resends the call with it)', async (version) => {
    const res = await postWebhook(s.url, withoutDomain('action_show_domain', version));
    expect(res.status).toBe(449);
    expect(res.json()).toMatchObject({ action_name: 'action_show_domain' });
  });

  it('the domain Rasa < 3.9 does send is the one the action sees', async () => {
    const res = await postWebhook(s.url, webhookBody('action_show_domain', {}, { version: '3.6.21', domain: { slots: { a: {} } } }));
    expect(JSON.parse((res.json() as { responses: { text: string }[] }).responses[0]!.text)).toEqual({ slots: { a: {} } });
  });

  it('does not send Rasa 3.6 an event its schema rejects (it would drop all of them), and logs it', async () => {
    const res = await postWebhook(s.url, webhookBody('action_end_session', {}, { version: '3.6.21' }));
    expect(res.status).toBe(200);
    expect((res.json() as { events: unknown[] }).events).toEqual([{ event: 'slot', name: 'done', value: true, timestamp: null }]);
    const line = await logs.waitFor((l) => l.action === 'action_end_session' && Array.isArray(l.refused));
    expect(line).toMatchObject({ level: 'warn', rasaVersion: '3.6.21', refused: ['session_ended'] });
  });

  it('sends the same event to Rasa 3.16, which accepts it', async () => {
    const res = await postWebhook(s.url, webhookBody('action_end_session', {}, { version: '3.16.0' }));
    expect((res.json() as { events: { event: string }[] }).events.map((e) => e.event)).toEqual(['slot', 'session_ended']);
  });
});
