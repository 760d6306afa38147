/**
 * Finding 5 of the security audit (#13): a correctly signed `/hooks/zapier` request re-posted with
 * a new `X-ActionBridge-Delivery` header (or `,x` appended to the signature header) created extra
 * jobs, and so did the Jira route with a new or missing `X-Atlassian-Webhook-Identifier`: the
 * replay key came from unsigned headers. It now comes from the signed content (and the delivery
 * id as well, when given), and a malformed signature header is a 401. Real PostgreSQL.
 */
import { createHmac } from 'node:crypto';
import request from 'supertest';
import { InboundHooks } from '../../src/channels/hooks/inbound-hooks';
import { Outbox } from '../../src/delivery/outbox';
import { signature } from '../../src/http/signature';
import { silentLogger } from '../../src/observability/logger';
import { ActionRegistry } from '../../src/sdk/registry';
import { createActionServer, type ActionServer } from '../../src/server/app';
import { migrate, type PgStore } from '../../src/store';
import { createPgSchema, type PgSchema } from '../support/stores';

const ZAPIER_SECRET = 'zapier-secret-0123456789';
const JIRA_SECRET = 'jira-webhook-secret-abc';

describe('replaying a signed webhook under new unsigned headers', () => {
  let schema: PgSchema;
  let store: PgStore;
  let server: ActionServer;
  let url: string;
  beforeAll(async () => {
    schema = await createPgSchema();
    store = schema.store(2);
    await migrate(store);
    server = createActionServer({
      config: { BODY_LIMIT: 1024 * 1024, SHUTDOWN_TIMEOUT_MS: 2_000 },
      registry: new ActionRegistry(),
      logger: silentLogger(),
      hooks: new InboundHooks(new Outbox(store), { secrets: { zapier: ZAPIER_SECRET, jira: JIRA_SECRET }, toleranceSeconds: 300 }),
    });
    url = `http://127.0.0.1:${(await server.listen(0, '127.0.0.1')).port}`;
  });
  afterAll(async () => {
    await server.shutdown();
    await store.close();
    await schema.drop();
  });

  const jobs = async () => Number((await store.query<{ n: string }>('SELECT count(*)::text AS n FROM outbox_jobs')).rows[0]!.n);
  const post = (source: string, body: string, headers: Record<string, string>) => request(url).post(`/hooks/${source}`).set(headers).send(body);

  it('a generic source: one job, whatever delivery id or padding the replays carry', async () => {
    const body = JSON.stringify({ job: 'ticket.create', data: { summary: 'Replayed', description: 'd', severity: 'low', reference: 'zap-replayed' } });
    const ts = Math.floor(Date.now() / 1000);
    const sig = signature(ZAPIER_SECRET, ts, body);
    const base = { 'Content-Type': 'application/json', 'X-ActionBridge-Timestamp': String(ts) };
    const before = await jobs();
    expect((await post('zapier', body, { ...base, 'X-ActionBridge-Signature': sig, 'X-ActionBridge-Delivery': 'd-1' })).status).toBe(202);
    const replays: Record<string, string>[] = [
      { 'X-ActionBridge-Signature': sig, 'X-ActionBridge-Delivery': 'd-2' },
      { 'X-ActionBridge-Signature': sig },
      { 'X-ActionBridge-Signature': `${sig},x`, 'X-ActionBridge-Delivery': 'd-3' },
      { 'X-ActionBridge-Signature': ` ${sig} ,${sig}`, 'X-ActionBridge-Delivery': 'd-4' },
    ];
    for (const replay of replays) {
      const res = await post('zapier', body, { ...base, ...replay });
      expect([res.status, res.body.code]).toEqual([401, 'invalid_signature']);
    }
    expect(await jobs()).toBe(before + 1);
  });

  it('Jira: one job, whatever webhook identifier the replays carry', async () => {
    const body = JSON.stringify({
      timestamp: Date.now(),
      webhookEvent: 'jira:issue_updated',
      issue: { key: 'SUP-77', fields: { summary: 'Replayed', resolution: { name: 'Fixed' }, status: { name: 'Done', statusCategory: { key: 'done' } } } },
    });
    const hub = `sha256=${createHmac('sha256', JIRA_SECRET).update(body).digest('hex')}`;
    const base = { 'Content-Type': 'application/json', 'X-Hub-Signature': hub };
    const before = await jobs();
    expect((await post('jira', body, { ...base, 'X-Atlassian-Webhook-Identifier': 'w-1' })).status).toBe(202);
    const replays: Record<string, string>[] = [{ 'X-Atlassian-Webhook-Identifier': 'w-2' }, {}, { 'X-Hub-Signature': `${hub},x` }];
    for (const replay of replays) {
      expect((await post('jira', body, { ...base, ...replay })).status).toBe(401);
    }
    expect(await jobs()).toBe(before + 1);
  });
});
