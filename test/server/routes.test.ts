import request from 'supertest';
import { defineAction } from '../../src/sdk/action';
import { registryOf, startTestServer, type TestServer } from '../support/server';

const named = (name: string) => defineAction({ name, run: () => [] });

describe('routes other than POST /webhook', () => {
  let server: TestServer;
  beforeAll(async () => {
    server = await startTestServer(registryOf(named('action_zeta'), named('action_alpha'), named('validate_booking_form')));
  });
  afterAll(() => server.close());

  it('GET /health answers rasa_sdk exact body', async () => {
    const res = await request(server.url).get('/health');
    expect(res.status).toBe(200);
    expect(res.headers['content-type']).toMatch(/^application\/json/);
    expect(res.text).toBe('{"status":"ok"}');
  });

  it('GET /actions lists {name} objects in registration order, nothing else', async () => {
    const res = await request(server.url).get('/actions');
    expect(res.status).toBe(200);
    expect(res.body).toEqual([{ name: 'action_zeta' }, { name: 'action_alpha' }, { name: 'validate_booking_form' }]);
  });

  it('an unknown route is a 404 with a JSON body', async () => {
    const res = await request(server.url).get('/no/such/route');
    expect(res.status).toBe(404);
    expect(res.headers['content-type']).toMatch(/^application\/json/);
    expect(res.body).toEqual({ error: expect.stringContaining('/no/such/route'), code: 'not_found', request_id: expect.any(String) });
  });

  it('GET /webhook is a 405 with a JSON body and an Allow header', async () => {
    const res = await request(server.url).get('/webhook');
    expect(res.status).toBe(405);
    expect(res.headers.allow).toBe('POST');
    expect(res.body).toEqual({ error: expect.any(String), code: 'method_not_allowed', request_id: expect.any(String) });
  });

  it('PUT /webhook is a 405 too (only POST runs actions)', async () => {
    const res = await request(server.url).put('/webhook').send({ next_action: 'action_alpha' });
    expect(res.status).toBe(405);
  });

  it('does not advertise Express', async () => {
    const res = await request(server.url).get('/health');
    expect(res.headers['x-powered-by']).toBeUndefined();
  });
});
