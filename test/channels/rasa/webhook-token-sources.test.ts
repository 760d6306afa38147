/** ACTION_SERVER_TOKEN_NAME (Rasa's `token_name`) and ACTION_SERVER_TOKEN_HEADER on /webhook. */
import { silentLogger } from '../../../src/observability/logger';
import { createActionServer, type ActionServer } from '../../../src/server/app';
import { echoAction } from '../../support/actions';
import { request, type RawResponse } from '../../support/http';
import { registryOf } from '../../support/server';
import { webhookBody } from '../../support/webhook-body';
import { loadConfig } from '../../../src/config';

const TOKEN = 'tok-8d1e77b0c2';
const body = JSON.stringify(webhookBody('action_echo', { senderId: 'renamed' }));

describe('POST /webhook with a renamed token parameter and a custom header', () => {
  let server: ActionServer;
  let url: string;
  beforeAll(async () => {
    const config = loadConfig({ ACTION_SERVER_TOKEN: TOKEN, ACTION_SERVER_TOKEN_NAME: 'auth_key', ACTION_SERVER_TOKEN_HEADER: 'X-Rasa-Secret' });
    server = createActionServer({ config, registry: registryOf(echoAction), logger: silentLogger() });
    url = `http://127.0.0.1:${(await server.listen(0, '127.0.0.1')).port}`;
  });
  afterAll(() => server.shutdown());

  const post = (path: string, headers: Record<string, string> = {}): Promise<RawResponse> =>
    request(url, { method: 'POST', path, headers: { 'Content-Type': 'application/json', ...headers }, body });

  it('accepts the token under the configured query name', async () => {
    const res = await post(`/webhook?auth_key=${TOKEN}`);
    expect(res.status).toBe(200);
    expect(res.json()).toMatchObject({ responses: [{ text: 'hello renamed' }] });
  });

  it('no longer accepts ?token= once the name changed', async () => {
    expect((await post(`/webhook?token=${TOKEN}`)).status).toBe(401);
  });

  it('accepts the configured header, and rejects a wrong value in it', async () => {
    expect((await post('/webhook', { 'X-Rasa-Secret': TOKEN })).status).toBe(200);
    const bad = await post('/webhook', { 'X-Rasa-Secret': `${TOKEN}x` });
    expect(bad.status).toBe(401);
    expect(bad.json()).toMatchObject({ code: 'unauthorized' });
  });

  it('still accepts Bearer', async () => {
    expect((await post('/webhook', { Authorization: `Bearer ${TOKEN}` })).status).toBe(200);
  });

  it('rejects a bad token name in the configuration', () => {
    expect(() => loadConfig({ ACTION_SERVER_TOKEN_NAME: 'a b' })).toThrow();
  });
});
