/** The 449 handshake of Rasa ≥3.9: digest-only requests until the server has the domain cached. */
import { domainAction } from '../../support/actions';
import { postWebhook } from '../../support/http';
import { registryOf, startTestServer, type TestServer } from '../../support/server';
import { webhookBody } from '../../support/webhook-body';

const MISSING_DOMAIN =
  'Missing domain context, assistant will retry the request and include the domain in the request payload. ' +
  'For more information please see https://rasa.com/docs/action-server/';

const DOMAIN_A = { version: '3.1', slots: { user_name: { type: 'text' } }, actions: ['action_show_domain'] };
const DOMAIN_B = { version: '3.1', slots: { city: { type: 'text' } }, actions: ['action_show_domain'] };

/** A request as newest Rasa sends it: a digest, and the domain only when given. */
function call(digest: string | undefined, domain?: unknown): Record<string, unknown> {
  const body = webhookBody('action_show_domain');
  delete body.domain;
  if (digest !== undefined) body.domain_digest = digest;
  if (domain !== undefined) body.domain = domain;
  return body;
}

/** What the action saw as its domain (it utters the domain as JSON). */
async function seenDomain(s: TestServer, body: unknown): Promise<unknown> {
  const res = await postWebhook(s.url, body);
  expect(res.status).toBe(200);
  const { responses } = res.json() as { responses: { text: string }[] };
  return JSON.parse(responses[0]!.text) as unknown;
}

describe('domain handshake (449)', () => {
  let s: TestServer;
  beforeEach(async () => {
    s = await startTestServer(registryOf(domainAction));
  });
  afterEach(() => s.close());

  it('asks for the domain, caches it with its digest, and reuses it for the same digest only', async () => {
    const first = await postWebhook(s.url, call('digest-a'));
    expect(first.status).toBe(449);
    expect(first.json()).toEqual({ error: MISSING_DOMAIN, action_name: 'action_show_domain' });

    expect(await seenDomain(s, call('digest-a', DOMAIN_A))).toEqual(DOMAIN_A);
    expect(await seenDomain(s, call('digest-a'))).toEqual(DOMAIN_A);

    const other = await postWebhook(s.url, call('digest-b'));
    expect(other.status).toBe(449);
    expect(other.json()).toEqual({ error: MISSING_DOMAIN, action_name: 'action_show_domain' });
  });

  it('a new digest with its domain is cached beside the earlier one (a rolling deployment has two models live)', async () => {
    expect(await seenDomain(s, call('digest-a', DOMAIN_A))).toEqual(DOMAIN_A);
    expect(await seenDomain(s, call('digest-b', DOMAIN_B))).toEqual(DOMAIN_B);
    expect(await seenDomain(s, call('digest-b'))).toEqual(DOMAIN_B);
    expect(await seenDomain(s, call('digest-a'))).toEqual(DOMAIN_A);
  });

  it('another domain sent under a cached digest is used for that call only; the cached one stays', async () => {
    expect(await seenDomain(s, call('digest-a', DOMAIN_A))).toEqual(DOMAIN_A);
    expect(await seenDomain(s, call('digest-a', DOMAIN_B))).toEqual(DOMAIN_B);
    expect(await seenDomain(s, call('digest-a'))).toEqual(DOMAIN_A);
  });

  it('with neither domain nor digest (and nothing cached) answers 449', async () => {
    const res = await postWebhook(s.url, call(undefined));
    expect(res.status).toBe(449);
  });

  it('a null domain counts as absent', async () => {
    expect((await postWebhook(s.url, call('digest-a', null))).status).toBe(449);
  });

  it('`domain: {}` is accepted but not cached', async () => {
    expect(await seenDomain(s, call('digest-a', {}))).toBeNull();
    expect((await postWebhook(s.url, call('digest-a'))).status).toBe(449);
  });

  it('`domain: {}` hands the action the domain cached for its digest, never another digest\'s', async () => {
    await seenDomain(s, call('digest-a', DOMAIN_A));
    expect(await seenDomain(s, call('digest-a', {}))).toEqual(DOMAIN_A);
    expect(await seenDomain(s, call('digest-z', {}))).toBeNull();
    // ... and replaced nothing.
    expect(await seenDomain(s, call('digest-a'))).toEqual(DOMAIN_A);
  });

  it('old Rasa (domain, no digest) works, and a later digest-only call still gets 449', async () => {
    expect(await seenDomain(s, call(undefined, DOMAIN_A))).toEqual(DOMAIN_A);
    expect((await postWebhook(s.url, call('digest-a'))).status).toBe(449);
  });

  it('the unknown-action 404 still comes before the handshake', async () => {
    const res = await postWebhook(s.url, { ...call('digest-a'), next_action: 'action_nope' });
    expect(res.status).toBe(404);
  });

  it('the cache is per server: a fresh server asks again', async () => {
    await seenDomain(s, call('digest-a', DOMAIN_A));
    const other = await startTestServer(registryOf(domainAction));
    try {
      expect((await postWebhook(other.url, call('digest-a'))).status).toBe(449);
    } finally {
      await other.close();
    }
  });
});
