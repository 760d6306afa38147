/** Guessing ADMIN_TOKEN through the console's login form: after LOGIN_FAILURES wrong tries the address gets 429, right token or not. */
import express from 'express';
import request from 'supertest';
import { Metrics } from '../../src/observability/metrics';
import { jsonErrors, jsonNotFound } from '../../src/server/middleware/json-fallbacks';
import { LOGIN_FAILURES, statusRoutes } from '../../src/server/routes/status';
import { silentLogger } from '../../src/observability/logger';

const ADMIN = 'admin-tok-limit-5e2a';

function app() {
  const a = express();
  a.use(statusRoutes({ metrics: new Metrics({ defaultMetrics: false }), adminToken: [ADMIN] }));
  a.use(jsonNotFound);
  a.use(jsonErrors(silentLogger()));
  return a;
}

function login(a: express.Express, token: string) {
  return request(a).post('/status/login').set('Host', 'console.test').set('Origin', 'http://console.test').type('form').send({ name: 'Eve', admin_token: token });
}

describe('admin login attempts', () => {
  it('refuses wrong tokens with 401, then every try from that address with 429 and Retry-After', async () => {
    const a = app();
    for (let i = 0; i < LOGIN_FAILURES.points; i++) expect((await login(a, `guess-${i}`)).status).toBe(401);
    const blocked = await login(a, ADMIN);
    expect(blocked.status).toBe(429);
    expect(Number(blocked.headers['retry-after'])).toBeGreaterThan(0);
    expect(blocked.headers['set-cookie']).toBeUndefined();
  });

  it('lets the right token in below the limit, and refuses a login from another origin or of another type', async () => {
    const a = app();
    const ok = await login(a, ADMIN);
    expect(ok.status).toBe(303);
    expect(String(ok.headers['set-cookie'])).toContain('SameSite=Strict');
    const foreign = await request(a).post('/status/login').set('Host', 'console.test').set('Origin', 'http://evil.example').type('form').send({ name: 'Eve', admin_token: ADMIN });
    expect(foreign.status).toBe(403);
    const json = await request(a).post('/status/login').set('Host', 'console.test').set('Origin', 'http://console.test').send({ name: 'Eve', admin_token: ADMIN });
    expect(json.status).toBe(415);
    const big = await request(a).post('/status/login').set('Host', 'console.test').set('Origin', 'http://console.test').type('form').send(`name=${'x'.repeat(10_000)}`);
    expect(big.status).toBe(413);
  });
});
