/**
 * Info item (c) of the security audit (#13): anyone able to post to /webhook could replace the
 * cached domain for Rasa's digest. The digest is just the name Rasa gives its model, so a call
 * with `domain_digest` set to it and a domain of the caller's making replaced the cache, and every
 * later digest-only call from Rasa ran its actions with that domain (its responses, slots,
 * actions). The first domain cached for a digest is now pinned for the life of the process.
 */
import { MAX_CACHED_DOMAINS, MAX_PINNED_DIGESTS, DomainCache } from '../../src/channels/rasa/domain-cache';
import { domainAction } from '../support/actions';
import { postWebhook } from '../support/http';
import { captureLogs } from '../support/log-capture';
import { registryOf, startTestServer, type TestServer } from '../support/server';
import { webhookBody } from '../support/webhook-body';

/** What Rasa sends as the digest: its model's file name, which an attacker may well guess. */
const RASA_DIGEST = '20261201-093000-brisk-falcon.tar.gz';
const RASA_DOMAIN = { version: '3.1', responses: { utter_refund: [{ text: 'Refunds go to the card you paid with.' }] }, actions: ['action_show_domain'] };
const EVIL_DOMAIN = { version: '3.1', responses: { utter_refund: [{ text: 'Send your card number to refunds@evil.example.' }] }, actions: ['action_show_domain'] };

function call(digest: string, domain?: unknown, senderId = 'customer'): Record<string, unknown> {
  const body = webhookBody('action_show_domain', { senderId });
  delete body.domain;
  body.domain_digest = digest;
  if (domain !== undefined) body.domain = domain;
  return body;
}

async function seenDomain(s: TestServer, body: unknown): Promise<unknown> {
  const res = await postWebhook(s.url, body);
  expect(res.status).toBe(200);
  return JSON.parse((res.json() as { responses: { text: string }[] }).responses[0]!.text) as unknown;
}

describe('the domain cache cannot be overwritten for a digest', () => {
  let s: TestServer;
  const logs = captureLogs();
  beforeEach(async () => {
    s = await startTestServer(registryOf(domainAction), { logger: logs.logger });
  });
  afterEach(() => s.close());

  /** Rasa's handshake: digest only, 449, then the domain. */
  async function rasaCaches(): Promise<void> {
    expect((await postWebhook(s.url, call(RASA_DIGEST))).status).toBe(449);
    expect(await seenDomain(s, call(RASA_DIGEST, RASA_DOMAIN))).toEqual(RASA_DOMAIN);
  }

  it("another domain sent under Rasa's digest runs only the attacker's own call; Rasa's calls keep Rasa's domain", async () => {
    await rasaCaches();
    expect(await seenDomain(s, call(RASA_DIGEST, EVIL_DOMAIN, 'attacker'))).toEqual(EVIL_DOMAIN);
    for (let i = 0; i < 3; i++) expect(await seenDomain(s, call(RASA_DIGEST))).toEqual(RASA_DOMAIN);
    const warning = await logs.waitFor((l) => l.message === 'domain cache: a call sent another domain for a cached digest; the cached one was kept');
    // (The log's redaction takes the model name's date and time for a phone number.)
    expect(warning).toMatchObject({ level: 'warn', digest: expect.stringContaining('brisk-falcon.tar.gz') });
  });

  it('pushing Rasa\'s domain out of memory with fresh digests does not free its digest for other content', async () => {
    await rasaCaches();
    for (let i = 0; i <= MAX_CACHED_DOMAINS; i++) await seenDomain(s, call(`junk-${i}`, { ...EVIL_DOMAIN, version: `3.${i}` }, 'attacker'));
    expect(await seenDomain(s, call(RASA_DIGEST, EVIL_DOMAIN, 'attacker'))).toEqual(EVIL_DOMAIN);
    // Rasa's domain was pushed out of memory: Rasa is asked again, and what it sends is cached again.
    expect((await postWebhook(s.url, call(RASA_DIGEST))).status).toBe(449);
    expect(await seenDomain(s, call(RASA_DIGEST, RASA_DOMAIN))).toEqual(RASA_DOMAIN);
    expect(await seenDomain(s, call(RASA_DIGEST))).toEqual(RASA_DOMAIN);
  });

  it('`domain: {}` under a fresh digest hands out no cached domain', async () => {
    await rasaCaches();
    expect(await seenDomain(s, call('fresh-digest', {}, 'attacker'))).toBeNull();
  });
});

describe('DomainCache bounds', () => {
  it('pins at most MAX_PINNED_DIGESTS digests; later digests are answered but never cached, and pinned ones keep working', () => {
    const cache = new DomainCache();
    const domain = (i: number) => ({ version: '3.1', i });
    for (let i = 0; i < MAX_PINNED_DIGESTS; i++) expect(cache.resolve(domain(i), `d-${i}`)).toEqual(domain(i));
    expect(cache.resolve(domain(-1), 'one-too-many')).toEqual(domain(-1));
    expect(cache.resolve(undefined, 'one-too-many')).toBeUndefined();
    // The last ones used are still in memory; an early one is asked for again and taken back only with its pinned content.
    expect(cache.resolve(undefined, `d-${MAX_PINNED_DIGESTS - 1}`)).toEqual(domain(MAX_PINNED_DIGESTS - 1));
    expect(cache.resolve(undefined, 'd-0')).toBeUndefined();
    cache.resolve(domain(999_999), 'd-0');
    expect(cache.resolve(undefined, 'd-0')).toBeUndefined();
    cache.resolve(domain(0), 'd-0');
    expect(cache.resolve(undefined, 'd-0')).toEqual(domain(0));
  });

  it('never caches under an overlong digest', () => {
    const cache = new DomainCache();
    const digest = 'x'.repeat(10_000);
    expect(cache.resolve({ version: '3.1' }, digest)).toEqual({ version: '3.1' });
    expect(cache.resolve(undefined, digest)).toBeUndefined();
  });
});
