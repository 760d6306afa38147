/**
 * Info item (a) of the security audit (#13): /webhook parsed a `text/plain` body as an action
 * call. A web page can send `text/plain` (and form posts) to any address without a CORS
 * preflight, so any page a user on the internal network opened could run actions on a deployment
 * without ACTION_SERVER_TOKEN. /webhook and the Dialogflow routes now take `application/json`
 * only (what Rasa and Dialogflow send) and answer 415 with a JSON error to anything else, before
 * the body is read or an action runs.
 */
import zlib from 'node:zlib';
import type { CallRecord } from '../../src/channels/rasa/webhook';
import { silentLogger } from '../../src/observability/logger';
import { createActionServer, type ActionServer } from '../../src/server/app';
import { echoAction } from '../support/actions';
import { cxRequest, esRequest, MAPPING_FILE } from '../support/dialogflow';
import { testRegistry } from '../support/dialogflow-actions';
import { request } from '../support/http';
import { webhookBody } from '../support/webhook-body';

/** What a browser sends for `fetch(url, {method: 'POST', body: string})` and for forms. */
const BROWSER_SIMPLE_TYPES = ['text/plain;charset=UTF-8', 'application/x-www-form-urlencoded', 'multipart/form-data; boundary=----x'];
const OTHER_REFUSED = [undefined, 'application/json; charset=latin1', 'application/jsonp', 'text/json'];

describe('JSON routes take application/json only', () => {
  let server: ActionServer;
  let url: string;
  const calls: CallRecord[] = [];

  beforeAll(async () => {
    const registry = testRegistry();
    registry.register(echoAction);
    server = createActionServer({
      config: { BODY_LIMIT: 1024 * 1024, SHUTDOWN_TIMEOUT_MS: 2_000, DIALOGFLOW_MAPPING_FILE: MAPPING_FILE, DIALOGFLOW_DEADLINE_MS: 10_000 },
      registry,
      logger: silentLogger(),
      onCall: (c) => calls.push(c),
    });
    const { port } = await server.listen(0, '127.0.0.1');
    url = `http://127.0.0.1:${port}`;
  });
  afterAll(() => server.shutdown());

  const post = (path: string, body: Buffer | string, contentType: string | undefined, headers: Record<string, string> = {}) =>
    request(url, { method: 'POST', path, headers: { ...(contentType === undefined ? {} : { 'Content-Type': contentType }), 'Content-Length': Buffer.byteLength(body), ...headers }, body });

  const callText = JSON.stringify(webhookBody('action_echo', { senderId: 'from-a-web-page' }));

  it.each([...BROWSER_SIMPLE_TYPES, ...OTHER_REFUSED])('/webhook with Content-Type %s: 415 JSON, the action never runs', async (type) => {
    calls.length = 0;
    const res = await post('/webhook', callText, type);
    expect(res.status).toBe(415);
    expect(res.headers['content-type']).toMatch(/^application\/json/);
    expect(res.json()).toEqual({ error: 'Send the action call as JSON (Content-Type: application/json).', code: 'unsupported_media_type', request_id: expect.any(String) });
    expect(res.text).not.toContain('hello from-a-web-page');
    expect(calls).toEqual([expect.objectContaining({ status: 415, action: null })]);
  });

  it.each(['application/json', 'application/json; charset=utf-8', 'Application/JSON;charset="UTF-8"'])('/webhook with Content-Type %s runs the action', async (type) => {
    const res = await post('/webhook', callText, type);
    expect(res.status).toBe(200);
    expect(res.json()).toMatchObject({ responses: [{ text: 'hello from-a-web-page' }] });
  });

  it("Rasa's compressed calls (application/json, Content-Encoding: deflate) still run", async () => {
    const res = await post('/webhook', zlib.deflateSync(callText), 'application/json', { 'Content-Encoding': 'deflate' });
    expect(res.status).toBe(200);
    expect(res.json()).toMatchObject({ responses: [{ text: 'hello from-a-web-page' }] });
  });

  describe.each([
    ['es', () => esRequest({ intent: 'recall color', text: 'what is my colour?' })],
    ['cx', () => cxRequest({ tag: 'recall_color', text: 'what is my colour?' })],
  ])('/dialogflow/%s', (edition, build) => {
    it.each([...BROWSER_SIMPLE_TYPES, ...OTHER_REFUSED])('with Content-Type %s: 415 JSON', async (type) => {
      const res = await post(`/dialogflow/${edition}`, JSON.stringify(build()), type);
      expect(res.status).toBe(415);
      expect(res.json()).toEqual({ error: 'Send the Dialogflow WebhookRequest as JSON (Content-Type: application/json).', code: 'unsupported_media_type', request_id: expect.any(String) });
    });

    it('with application/json; charset=utf-8 (what Dialogflow sends) answers', async () => {
      const res = await post(`/dialogflow/${edition}`, JSON.stringify(build()), 'application/json; charset=utf-8');
      expect(res.status).toBe(200);
      expect(JSON.stringify(res.json())).toContain("I don't know your favourite colour.");
    });
  });
});
