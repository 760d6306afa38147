/**
 * An info item of the security audit (#13): `GET /actions` answered without ACTION_SERVER_TOKEN,
 * handing anyone the map of what the assistant can do in the company's systems. With a token set
 * it is Rasa's, like /webhook; without one nothing changes.
 */
import { echoAction } from '../support/actions';
import { request } from '../support/http';
import { registryOf, startTestServer } from '../support/server';

describe('GET /actions', () => {
  it('needs the token when one is set', async () => {
    const server = await startTestServer(registryOf(echoAction), { token: 'rasa-token-0123456789' });
    try {
      const anonymous = await request(server.url, { path: '/actions' });
      expect(anonymous.status).toBe(401);
      expect(anonymous.json()).toMatchObject({ code: 'unauthorized' });
      const rasa = await request(server.url, { path: '/actions', headers: { authorization: 'Bearer rasa-token-0123456789' } });
      expect([rasa.status, rasa.json()]).toEqual([200, [{ name: 'action_echo' }]]);
      expect((await request(server.url, { path: '/actions?token=rasa-token-0123456789' })).status).toBe(200);
    } finally {
      await server.close();
    }
  });

  it('is open when no token is configured, as before', async () => {
    const server = await startTestServer(registryOf(echoAction));
    try {
      expect((await request(server.url, { path: '/actions' })).status).toBe(200);
    } finally {
      await server.close();
    }
  });
});
