/** Request bodies: compression as Rasa sends it, unknown encodings, and size limits (also after inflating). */
import zlib from 'node:zlib';
import { echoAction } from '../../support/actions';
import { postWebhook, request } from '../../support/http';
import { registryOf, startTestServer, type TestServer } from '../../support/server';
import { webhookBody } from '../../support/webhook-body';

const LIMIT = 64 * 1024;
const json = (v: unknown) => Buffer.from(JSON.stringify(v));

describe('request bodies', () => {
  let s: TestServer;
  beforeAll(async () => {
    s = await startTestServer(registryOf(echoAction), { bodyLimit: LIMIT });
  });
  afterAll(() => s.close());

  const expectAlive = async () => {
    const res = await postWebhook(s.url, webhookBody('action_echo', { senderId: 'still-here' }));
    expect(res.status).toBe(200);
    expect(res.json()).toMatchObject({ responses: [{ text: 'hello still-here' }] });
  };

  describe('compression', () => {
    const body = webhookBody('action_echo', { senderId: 'zipped' });

    it('zlib-wrapped deflate (what Rasa sends) → 200', async () => {
      const res = await postWebhook(s.url, zlib.deflateSync(json(body)), { 'Content-Encoding': 'deflate' });
      expect(res.status).toBe(200);
      expect(res.json()).toMatchObject({ responses: [{ text: 'hello zipped' }] });
    });

    it('raw deflate → 200', async () => {
      const res = await postWebhook(s.url, zlib.deflateRawSync(json(body)), { 'Content-Encoding': 'deflate' });
      expect(res.status).toBe(200);
      expect(res.json()).toMatchObject({ responses: [{ text: 'hello zipped' }] });
    });

    it('gzip → 200', async () => {
      const res = await postWebhook(s.url, zlib.gzipSync(json(body)), { 'Content-Encoding': 'gzip' });
      expect(res.status).toBe(200);
      expect(res.json()).toMatchObject({ responses: [{ text: 'hello zipped' }] });
    });

    it('the encoding name is case-insensitive', async () => {
      const res = await postWebhook(s.url, zlib.deflateSync(json(body)), { 'Content-Encoding': 'Deflate' });
      expect(res.status).toBe(200);
    });

    it('a corrupted deflate body → 400 JSON', async () => {
      const broken = zlib.deflateSync(json(body));
      broken.fill(0xff, 2, 12);
      const res = await postWebhook(s.url, broken, { 'Content-Encoding': 'deflate' });
      expect(res.status).toBe(400);
      expect(res.json()).toMatchObject({ code: 'invalid_request', error: expect.stringMatching(/decompress/) });
      await expectAlive();
    });

    it('plain JSON labelled gzip → 400 JSON', async () => {
      const res = await postWebhook(s.url, json(body), { 'Content-Encoding': 'gzip' });
      expect(res.status).toBe(400);
      expect(res.json()).toMatchObject({ code: 'invalid_request' });
    });

    it('an unknown encoding (br) → 415 JSON', async () => {
      const res = await postWebhook(s.url, zlib.brotliCompressSync(json(body)), { 'Content-Encoding': 'br' });
      expect(res.status).toBe(415);
      expect(res.json()).toMatchObject({ code: 'unsupported_media_type', error: expect.stringContaining('br') });
    });

    it('a deflate bomb (50 MB of zeros in ~50 KB) → 413, and the server lives on', async () => {
      const bomb = zlib.deflateSync(Buffer.alloc(50 * 1024 * 1024));
      expect(bomb.length).toBeLessThan(LIMIT);
      const res = await postWebhook(s.url, bomb, { 'Content-Encoding': 'deflate' });
      expect(res.status).toBe(413);
      expect(res.json()).toMatchObject({ code: 'payload_too_large' });
      await expectAlive();
    });

    it('a gzip bomb → 413 as well', async () => {
      const bomb = zlib.gzipSync(Buffer.alloc(20 * 1024 * 1024));
      const res = await postWebhook(s.url, bomb, { 'Content-Encoding': 'gzip' });
      expect(res.status).toBe(413);
      await expectAlive();
    });
  });

  describe('size limit', () => {
    /** A valid call padded with a big slot until it exceeds `size` bytes. */
    const bigBody = (size: number) => json(webhookBody('action_echo', { slots: { note: 'x'.repeat(size) } }));

    it('a body just under the limit is fine', async () => {
      const body = json(webhookBody('action_echo', { slots: { note: '' } }));
      const padded = bigBody(LIMIT - body.length - 100);
      expect(padded.length).toBeLessThanOrEqual(LIMIT);
      const res = await postWebhook(s.url, padded);
      expect(res.status).toBe(200);
    });

    it('a body bigger than the limit (declared length) → 413 JSON, next request fine', async () => {
      const res = await postWebhook(s.url, bigBody(LIMIT + 10));
      expect(res.status).toBe(413);
      expect(res.headers['content-type']).toMatch(/^application\/json/);
      expect(res.json()).toMatchObject({ code: 'payload_too_large', error: expect.stringContaining(String(LIMIT)) });
      await expectAlive();
    });

    it('a body many times the limit still gets its 413 (not a connection reset)', async () => {
      const res = await postWebhook(s.url, Buffer.alloc(8 * 1024 * 1024, 'a'));
      expect(res.status).toBe(413);
      await expectAlive();
    });

    it('a chunked body (no declared length) that grows past the limit → 413 JSON, next request fine', async () => {
      const res = await request(s.url, {
        method: 'POST',
        path: '/webhook',
        headers: { 'Content-Type': 'application/json', 'Transfer-Encoding': 'chunked' },
        body: bigBody(LIMIT * 3),
      });
      expect(res.status).toBe(413);
      expect(res.json()).toMatchObject({ code: 'payload_too_large' });
      await expectAlive();
    });
  });
});
