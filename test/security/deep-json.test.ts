/**
 * Finding 7 of the security audit (#13): a /webhook body of 1,000,000 nested arrays (2 MB) froze
 * the server for 3.4 s, and 2,000,000 (4 MB) for 6.5 s at ~950 MB resident, although the answer
 * was a 400: the depth limit was checked on the parsed value, after JSON.parse had spent that time
 * and memory building it. The bytes of any body from SCAN_BEFORE_PARSE_BYTES (32 KiB) on are now
 * scanned first, and the scan stops at level 65; below that size JSON.parse's worst is milliseconds.
 */
import { performance } from 'node:perf_hooks';
import { SCAN_BEFORE_PARSE_BYTES } from '../../src/channels/rasa/webhook';
import { echoAction } from '../support/actions';
import { postWebhook, request } from '../support/http';
import { registryOf, startTestServer, type TestServer } from '../support/server';
import { webhookBody } from '../support/webhook-body';

jest.setTimeout(60_000);

const nestedArrays = (levels: number) => '['.repeat(levels) + ']'.repeat(levels);

describe('a /webhook body nested a million levels deep', () => {
  let s: TestServer;
  beforeAll(async () => {
    // Room for the 4 MB body: it must be refused for its depth, not its size.
    s = await startTestServer(registryOf(echoAction), { bodyLimit: 8 * 1024 * 1024 });
  });
  afterAll(() => s.close());

  // The largest body parsed before it is refused (smaller ones are walked after JSON.parse), and
  // the finding's two bodies, refused by the scan before JSON.parse.
  it.each([SCAN_BEFORE_PARSE_BYTES / 2 - 1, 1_000_000, 2_000_000])('%i levels: a 400 JSON error, /health answering within 500 ms meanwhile, resident memory barely grows', async (levels) => {
    const body = Buffer.from(nestedArrays(levels));
    global.gc?.();
    const rssBefore = process.memoryUsage().rss;
    let peakRss = rssBefore;

    const call = postWebhook(s.url, body);
    let answered = false;
    void call.finally(() => (answered = true));
    const latencies: number[] = [];
    const started = performance.now();
    // Probe until the deep call is answered and for a while after, so a stall that starts only
    // once the body is in (the old parse) is inside the window.
    while (!answered || performance.now() - started < 1_500) {
      const t0 = performance.now();
      expect((await request(s.url, { path: '/health' })).status).toBe(200);
      latencies.push(performance.now() - t0);
      peakRss = Math.max(peakRss, process.memoryUsage().rss);
      await new Promise((r) => setTimeout(r, 20));
    }

    const res = await call;
    expect(res.status).toBe(400);
    expect(res.headers['content-type']).toMatch(/^application\/json/);
    expect(res.json()).toEqual({ error: 'The JSON body nests deeper than 64 levels.', code: 'invalid_request', request_id: expect.any(String) });
    expect(Math.max(...latencies)).toBeLessThan(500);
    expect(latencies.length).toBeGreaterThan(10);
    // Parsing the 2M-level body took ~950 MB; the scan allocates nothing past the body itself.
    expect(peakRss - rssBefore).toBeLessThan(150 * 1024 * 1024);
  });

  it('still serves an ordinary call on the same server afterwards', async () => {
    const res = await postWebhook(s.url, webhookBody('action_echo', { senderId: 'after' }));
    expect(res.status).toBe(200);
    expect(res.json()).toMatchObject({ responses: [{ text: 'hello after' }] });
  });
});
