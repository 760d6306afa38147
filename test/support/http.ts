/**
 * A raw HTTP client for tests. Node's own `http.request` (not fetch/supertest) so a test controls
 * the exact bytes and headers on the wire: compressed bodies, wrong encodings, lying lengths.
 * `agent: false` gives every request its own connection, so no idle keep-alive socket outlives
 * a test and shutdown tests see fresh connections.
 */
import http from 'node:http';

export interface RawResponse {
  status: number;
  headers: http.IncomingHttpHeaders;
  text: string;
  /** The body parsed as JSON (throws when it is not JSON, which fails the test with the text). */
  json(): unknown;
}

export interface RawRequest {
  method?: string;
  path?: string;
  headers?: Record<string, string | number>;
  body?: Buffer | string;
}

export function request(baseUrl: string, req: RawRequest = {}): Promise<RawResponse> {
  const url = new URL(req.path ?? '/', baseUrl);
  return new Promise((resolve, reject) => {
    const out = http.request(
      url,
      { method: req.method ?? 'GET', headers: req.headers, agent: false },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('error', reject);
        res.on('end', () => {
          const text = Buffer.concat(chunks).toString('utf8');
          resolve({
            status: res.statusCode ?? 0,
            headers: res.headers,
            text,
            json() {
              try {
                return JSON.parse(text) as unknown;
              } catch {
                throw new Error(`response is not JSON: ${text.slice(0, 200)}`);
              }
            },
          });
        });
      },
    );
    out.on('error', reject);
    out.end(req.body);
  });
}

/** POST /webhook with a JSON value (or raw bytes/text) and extra headers. */
export function postWebhook(baseUrl: string, body: unknown, headers: Record<string, string | number> = {}): Promise<RawResponse> {
  const raw = Buffer.isBuffer(body) ? body : typeof body === 'string' ? body : JSON.stringify(body);
  return request(baseUrl, {
    method: 'POST',
    path: '/webhook',
    headers: { 'Content-Type': 'application/json', 'Content-Length': Buffer.byteLength(raw), ...headers },
    body: raw,
  });
}

/** A port on 127.0.0.1 that nothing listens on (opened and closed again): a dependency that is down. */
export async function closedPort(): Promise<number> {
  const s = http.createServer();
  await new Promise<void>((r) => s.listen(0, '127.0.0.1', r));
  const { port } = s.address() as { port: number };
  await new Promise<void>((r) => s.close(() => r()));
  return port;
}
