/** The Dialogflow routes behind ACTION_SERVER_TOKEN, in every form Dialogflow can send it. */
import { cxRequest, esRequest, postJson, startDialogflowServer, type StartedServer } from '../../support/dialogflow';
import { testRegistry } from '../../support/dialogflow-actions';

const TOKEN = 's3cret-Token_for-tests';
const basic = (user: string, pass: string) => `Basic ${Buffer.from(`${user}:${pass}`).toString('base64')}`;

describe('Dialogflow routes with a token configured', () => {
  let srv: StartedServer;
  beforeAll(async () => {
    srv = await startDialogflowServer(testRegistry(), { token: TOKEN });
  });
  afterAll(() => srv.close());

  const es = () => esRequest({ intent: 'recall color' });

  it.each([
    ['no credentials', {}],
    ['a wrong bearer token', { authorization: 'Bearer nope' }],
    ['a wrong basic password', { authorization: basic('dialogflow', 'nope') }],
    ['a wrong X-Action-Token', { 'x-action-token': `${TOKEN}x` }],
    ['a token prefix', { authorization: `Bearer ${TOKEN.slice(0, -1)}` }],
  ])('ES: %s → 401 JSON', async (_what, headers: Record<string, string>) => {
    const res = await postJson(`${srv.url}/dialogflow/es`, es(), headers);
    expect(res.status).toBe(401);
    expect(res.body).toMatchObject({ code: 'unauthorized', error: expect.any(String) });
    expect(res.headers.get('www-authenticate')).toMatch(/Basic/);
  });

  it.each([
    ['a bearer token', { authorization: `Bearer ${TOKEN}` }],
    ['basic auth with the token as password', { authorization: basic('dialogflow', TOKEN) }],
    ['basic auth with the token as user name', { authorization: basic(TOKEN, '') }],
    ['an X-Action-Token header', { 'x-action-token': TOKEN }],
    // CX's default service-agent auth puts Google's ID token in Authorization: ours travels beside it.
    ['a Google ID token plus our header', { authorization: 'Bearer eyJhbGciOiJSUzI1NiJ9.google.id-token', 'x-action-token': TOKEN }],
  ])('ES: %s → 200', async (_what, headers: Record<string, string>) => {
    const res = await postJson(`${srv.url}/dialogflow/es`, es(), headers);
    expect(res.status).toBe(200);
  });

  it('CX: ?token= in the fulfillment URL → 200, wrong → 401', async () => {
    const ok = await postJson(`${srv.url}/dialogflow/cx?token=${encodeURIComponent(TOKEN)}`, cxRequest({ tag: 'recall_color' }));
    expect(ok.status).toBe(200);
    const bad = await postJson(`${srv.url}/dialogflow/cx?token=wrong`, cxRequest({ tag: 'recall_color' }));
    expect(bad.status).toBe(401);
  });

  it('checks the token before reading the body (a malformed body without a token is 401, not 400)', async () => {
    const res = await postJson(`${srv.url}/dialogflow/cx`, '{broken');
    expect(res.status).toBe(401);
  });
});

describe('Dialogflow routes without a token configured', () => {
  it('accepts calls without credentials', async () => {
    const srv = await startDialogflowServer(testRegistry());
    try {
      const res = await postJson(`${srv.url}/dialogflow/es`, esRequest({ intent: 'recall color' }));
      expect(res.status).toBe(200);
    } finally {
      await srv.close();
    }
  });
});
