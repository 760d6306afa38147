/** ACTION_SERVER_TOKEN on POST /webhook, in every form Rasa's endpoints.yml can send it. */
import { echoAction } from '../../support/actions';
import { request, type RawResponse } from '../../support/http';
import { registryOf, startTestServer, type TestServer } from '../../support/server';
import { webhookBody } from '../../support/webhook-body';

const TOKEN = 'tok-4f9a2c81d7';
const body = JSON.stringify(webhookBody('action_echo', { senderId: 'authed' }));

const post = (s: TestServer, path: string, headers: Record<string, string> = {}): Promise<RawResponse> =>
  request(s.url, { method: 'POST', path, headers: { 'Content-Type': 'application/json', ...headers }, body });

describe('POST /webhook with ACTION_SERVER_TOKEN set', () => {
  let s: TestServer;
  beforeAll(async () => {
    s = await startTestServer(registryOf(echoAction), { token: TOKEN });
  });
  afterAll(() => s.close());

  const expectRan = (res: RawResponse) => {
    expect(res.status).toBe(200);
    expect(res.json()).toMatchObject({ responses: [{ text: 'hello authed' }] });
  };

  it('without a token → 401 JSON with a challenge, and the action does not run', async () => {
    const res = await post(s, '/webhook');
    expect(res.status).toBe(401);
    expect(res.headers['www-authenticate']).toMatch(/Bearer/);
    expect(res.json()).toMatchObject({ code: 'unauthorized', error: expect.any(String) });
    expect(res.text).not.toContain('authed');
  });

  it('with a wrong token → 401', async () => {
    expect((await post(s, '/webhook?token=wrong')).status).toBe(401);
    expect((await post(s, '/webhook', { Authorization: `Bearer ${TOKEN}x` })).status).toBe(401);
  });

  it('as ?token= (endpoints.yml `token:`) → runs', async () => expectRan(await post(s, `/webhook?token=${TOKEN}`)));
  it('as ?token= on /webhook/ → runs', async () => expectRan(await post(s, `/webhook/?token=${TOKEN}`)));
  it('as Bearer (endpoints.yml `headers:`) → runs', async () => expectRan(await post(s, '/webhook', { Authorization: `Bearer ${TOKEN}` })));
  it('as basic auth password (endpoints.yml `basic_auth:`) → runs', async () =>
    expectRan(await post(s, '/webhook', { Authorization: `Basic ${Buffer.from(`rasa:${TOKEN}`).toString('base64')}` })));
  it('as X-Action-Token → runs', async () => expectRan(await post(s, '/webhook', { 'X-Action-Token': TOKEN })));

  it('/health stays open for probes', async () => {
    expect((await request(s.url, { path: '/health' })).status).toBe(200);
  });
});

describe('POST /webhook without ACTION_SERVER_TOKEN', () => {
  it('is open, and a stray token is ignored', async () => {
    const s = await startTestServer(registryOf(echoAction));
    try {
      expect((await post(s, '/webhook')).status).toBe(200);
      expect((await post(s, '/webhook?token=anything')).status).toBe(200);
    } finally {
      await s.close();
    }
  });
});
