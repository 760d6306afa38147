/**
 * An info item of the security audit (#13): a Dialogflow 400 for broken JSON echoed part of the
 * body (V8's parse error quotes it), so whatever the body carried came back to the caller and
 * into logs. The 400 now says only where parsing stopped.
 */
import { echoAction } from '../support/actions';
import { request } from '../support/http';
import { startDialogflowServer } from '../support/dialogflow';
import { registryOf } from '../support/server';

describe('broken JSON on the Dialogflow routes', () => {
  it.each(['/dialogflow/es', '/dialogflow/cx'])('%s answers 400 without quoting the body', async (path) => {
    const srv = await startDialogflowServer(registryOf(echoAction));
    try {
      for (const body of ['{"a": nul "hunter2"}', 'hunter2', '{"x": undefined, "ada@example.com": 1}', '{"a": tru, "password": "hunter2"}']) {
        const res = await request(srv.url, { method: 'POST', path, headers: { 'content-type': 'application/json' }, body });
        expect(res.status).toBe(400);
        expect(res.json()).toMatchObject({ code: 'invalid_request', error: expect.stringMatching(/^Malformed JSON body/) });
        expect(res.text).not.toMatch(/hunter2|ada@example|undefined|passwor/);
      }
    } finally {
      await srv.close();
    }
  });
});
