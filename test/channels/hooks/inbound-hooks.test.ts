import { createHmac } from 'node:crypto';
import request from 'supertest';
import { InboundHooks } from '../../../src/channels/hooks/inbound-hooks';
import { Outbox } from '../../../src/delivery/outbox';
import { signature } from '../../../src/http/signature';
import { silentLogger } from '../../../src/observability/logger';
import { ActionRegistry } from '../../../src/sdk/registry';
import { createActionServer, type ActionServer } from '../../../src/server/app';
import { migrate, type PgStore } from '../../../src/store';
import { createPgSchema, type PgSchema } from '../../support/stores';

const ZAPIER_SECRET = 'zapier-secret-0123456789';
const JIRA_SECRET = 'jira-webhook-secret-abc';

const ticketHook = (summary: string) => JSON.stringify({ job: 'ticket.create', data: { summary, description: 'from a Zap', severity: 'high', reference: `zap-${summary}` } });

function signed(body: string, opts: { secret?: string; at?: number; delivery?: string } = {}): Record<string, string> {
  const ts = Math.floor((opts.at ?? Date.now()) / 1000);
  const headers: Record<string, string> = {
    'Content-Type': 'application/json',
    'X-ActionBridge-Timestamp': String(ts),
    'X-ActionBridge-Signature': signature(opts.secret ?? ZAPIER_SECRET, ts, body),
  };
  if (opts.delivery) headers['X-ActionBridge-Delivery'] = opts.delivery;
  return headers;
}

describe('POST /hooks/:source on PostgreSQL', () => {
  let schema: PgSchema;
  let store: PgStore;
  let outbox: Outbox;
  let server: ActionServer;
  let url: string;

  beforeAll(async () => {
    schema = await createPgSchema();
    store = schema.store();
    await migrate(store);
    outbox = new Outbox(store);
    server = createActionServer({
      config: { BODY_LIMIT: 1024 * 1024, SHUTDOWN_TIMEOUT_MS: 2_000 },
      registry: new ActionRegistry(),
      logger: silentLogger(),
      hooks: new InboundHooks(outbox, { secrets: { zapier: ZAPIER_SECRET, jira: JIRA_SECRET }, toleranceSeconds: 300 }),
    });
    const { port } = await server.listen(0, '127.0.0.1');
    url = `http://127.0.0.1:${port}`;
  });
  afterAll(async () => {
    await server.shutdown();
    await store.close();
    await schema.drop();
  });

  const jobCount = async () => Number((await store.query<{ n: string }>('SELECT count(*)::text AS n FROM outbox_jobs')).rows[0]!.n);
  const post = (source: string, body: string, headers: Record<string, string>) => request(url).post(`/hooks/${source}`).set(headers).send(body);

  it('accepts a correctly signed request and enqueues its job', async () => {
    const body = ticketHook('Printer on fire');
    const res = await post('zapier', body, signed(body, { delivery: 'zap-1' }));
    expect(res.status).toBe(202);
    expect(res.body.reference).toMatch(/^REF-/);
    const job = await outbox.get(res.body.reference as string);
    expect(job).toMatchObject({ type: 'ticket.create', status: 'pending', payload: { summary: 'Printer on fire' } });
  });

  it.each([
    ['a wrong secret', (b: string) => ({ body: b, headers: signed(b, { secret: 'not-the-secret' }) })],
    ['a stale timestamp', (b: string) => ({ body: b, headers: signed(b, { at: Date.now() - 10 * 60_000 }) })],
    ['a timestamp from the future', (b: string) => ({ body: b, headers: signed(b, { at: Date.now() + 10 * 60_000 }) })],
    ['a tampered body', (b: string) => ({ body: b.replace('Tampered', 'Tamper3d'), headers: signed(b) })],
    ['no signature', (b: string) => ({ body: b, headers: { 'Content-Type': 'application/json' } })],
  ])('rejects %s with 401 and enqueues nothing', async (_name, make) => {
    const before = await jobCount();
    const { body, headers } = make(ticketHook('Tampered'));
    const res = await post('zapier', body, headers);
    expect(res.status).toBe(401);
    expect(res.body.code).toBe('invalid_signature');
    expect(await jobCount()).toBe(before);
  });

  it('rejects a replay of an accepted request (same delivery id, or same signature) with 401', async () => {
    const body = ticketHook('Replayed');
    const headers = signed(body, { delivery: 'zap-replay' });
    expect((await post('zapier', body, headers)).status).toBe(202);
    const before = await jobCount();
    const replay = await post('zapier', body, headers);
    expect(replay.status).toBe(401);
    expect(replay.body.reason).toBe('replayed');
    // Re-signed with a fresh timestamp but the same delivery id: still the same delivery.
    const resigned = await post('zapier', body, signed(body, { delivery: 'zap-replay', at: Date.now() + 2_000 }));
    expect(resigned.status).toBe(401);
    // Without a delivery id the signature itself is the receipt.
    const plain = ticketHook('Replayed without id');
    const plainHeaders = signed(plain);
    expect((await post('zapier', plain, plainHeaders)).status).toBe(202);
    expect((await post('zapier', plain, plainHeaders)).status).toBe(401);
    expect(await jobCount()).toBe(before + 1);
  });

  it('answers 404 for a source without a secret and 400 for a signed body that is not a job', async () => {
    const body = ticketHook('x');
    expect((await post('make', body, signed(body))).status).toBe(404);
    const before = await jobCount();
    const notJson = 'not json';
    const bad = await post('zapier', notJson, signed(notJson));
    expect(bad.status).toBe(400);
    const wrongJob = JSON.stringify({ job: 'ticket.create', data: { summary: 'no description' } });
    const invalid = await post('zapier', wrongJob, signed(wrongJob));
    expect(invalid.status).toBe(400);
    expect(invalid.body.code).toBe('validation');
    expect(await jobCount()).toBe(before);
  });

  it('answers an oversized body with 413 JSON, not a 500', async () => {
    const huge = JSON.stringify({ job: 'ticket.create', data: { summary: 'x', description: 'y'.repeat(2 * 1024 * 1024), severity: 'low', reference: 'big' } });
    const res = await post('zapier', huge, signed(huge));
    expect(res.status).toBe(413);
    expect(res.body.code).toBe('payload_too_large');
  });

  describe('from Jira (X-Hub-Signature)', () => {
    const hub = (body: string, secret = JIRA_SECRET) => `sha256=${createHmac('sha256', secret).update(body).digest('hex')}`;
    const resolvedIssue = (at = Date.now()) =>
      JSON.stringify({
        timestamp: at,
        webhookEvent: 'jira:issue_updated',
        issue: {
          key: 'SUP-42',
          fields: {
            summary: 'VPN drops every hour',
            description: 'The VPN disconnects hourly.',
            resolution: { name: 'Fixed' },
            status: { name: 'Done', statusCategory: { key: 'done' } },
            comment: { comments: [{ body: 'first look' }, { body: 'Raised the DHCP lease time to 8 hours.' }] },
          },
        },
      });

    it('turns a resolved issue into a knowledge-base job carrying the last comment as the solution', async () => {
      const body = resolvedIssue();
      const res = await post('jira', body, { 'Content-Type': 'application/json', 'X-Hub-Signature': hub(body), 'X-Atlassian-Webhook-Identifier': 'wh-1' });
      expect(res.status).toBe(202);
      const job = await outbox.get(res.body.reference as string);
      expect(job).toMatchObject({
        type: 'kb.create',
        payload: { article: { reference: 'SUP-42', title: 'VPN drops every hour (SUP-42)', solution: 'Raised the DHCP lease time to 8 hours.' } },
      });
      const replay = await post('jira', body, { 'Content-Type': 'application/json', 'X-Hub-Signature': hub(body), 'X-Atlassian-Webhook-Identifier': 'wh-1' });
      expect(replay.status).toBe(401);
    });

    it('ignores issues that are not resolved, and rejects a wrong secret or an old timestamp', async () => {
      const before = await jobCount();
      const open = JSON.stringify({ timestamp: Date.now(), webhookEvent: 'jira:issue_updated', issue: { key: 'SUP-43', fields: { summary: 's', status: { statusCategory: { key: 'indeterminate' } } } } });
      const ignored = await post('jira', open, { 'Content-Type': 'application/json', 'X-Hub-Signature': hub(open), 'X-Atlassian-Webhook-Identifier': 'wh-2' });
      expect(ignored.status).toBe(200);
      expect(ignored.body.ignored).toBe(true);
      const body = resolvedIssue();
      expect((await post('jira', body, { 'Content-Type': 'application/json', 'X-Hub-Signature': hub(body, 'wrong'), 'X-Atlassian-Webhook-Identifier': 'wh-3' })).status).toBe(401);
      const old = resolvedIssue(Date.now() - 3_600_000);
      expect((await post('jira', old, { 'Content-Type': 'application/json', 'X-Hub-Signature': hub(old), 'X-Atlassian-Webhook-Identifier': 'wh-4' })).status).toBe(401);
      expect(await jobCount()).toBe(before);
    });
  });
});
