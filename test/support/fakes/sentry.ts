/**
 * A local stand-in for Sentry's ingest: a DSN `http://<key>@127.0.0.1:<port>/1` makes the SDK
 * post envelopes to `/api/1/envelope/` here. Keeps each envelope's raw text (to grep for what must
 * never leave the process) and its parsed events.
 */
import http from 'node:http';
import zlib from 'node:zlib';

export interface Envelope {
  /** Everything the SDK sent, decompressed, as text. */
  raw: string;
  /** The `event` items' payloads. */
  events: Record<string, unknown>[];
}

export interface FakeSentry {
  dsn: string;
  envelopes: Envelope[];
  /** Resolves once `count` envelopes have arrived (rejects after `timeoutMs`). */
  received(count: number, timeoutMs?: number): Promise<Envelope[]>;
  close(): Promise<void>;
}

function eventsOf(raw: string): Record<string, unknown>[] {
  const lines = raw.split('\n').filter((l) => l.length > 0);
  const events: Record<string, unknown>[] = [];
  // Line 0 is the envelope header; then pairs of item header and payload.
  for (let i = 1; i + 1 < lines.length; i += 2) {
    const header = JSON.parse(lines[i]!) as { type?: string };
    if (header.type === 'event') events.push(JSON.parse(lines[i + 1]!) as Record<string, unknown>);
  }
  return events;
}

export async function startFakeSentry(): Promise<FakeSentry> {
  const envelopes: Envelope[] = [];
  let waiters: (() => void)[] = [];
  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      if (req.method !== 'POST' || !req.url?.startsWith('/api/1/envelope/')) {
        res.writeHead(404).end();
        return;
      }
      let body = Buffer.concat(chunks);
      if (req.headers['content-encoding'] === 'gzip') body = zlib.gunzipSync(body);
      const raw = body.toString('utf8');
      envelopes.push({ raw, events: eventsOf(raw) });
      res.writeHead(200, { 'Content-Type': 'application/json' }).end('{}');
      for (const w of waiters) w();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as { port: number }).port;
  return {
    dsn: `http://publickey0123@127.0.0.1:${port}/1`,
    envelopes,
    received(count, timeoutMs = 10_000) {
      return new Promise((resolve, reject) => {
        const check = () => {
          if (envelopes.length < count) return false;
          clearTimeout(timer);
          waiters = waiters.filter((w) => w !== onEnvelope);
          resolve(envelopes);
          return true;
        };
        const onEnvelope = () => void check();
        const timer = setTimeout(() => reject(new Error(`${envelopes.length} of ${count} Sentry envelopes arrived`)), timeoutMs);
        if (!check()) waiters.push(onEnvelope);
      });
    },
    close: () =>
      new Promise((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}
