import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { ConnectorError, fromHttpStatus, parseRetryAfter } from '../../../src/connectors/kit/connector-error';
import { Gateway, type ConnectorPolicy, type RetryEvent } from '../../../src/connectors/kit/gateway';

/** A loopback server answering from a script of [status, headers] steps, counting requests. */
async function scriptedServer(script: [number, Record<string, string>?][]) {
  let hits = 0;
  const server = http.createServer((req, res) => {
    const [status, headers] = script[Math.min(hits, script.length - 1)]!;
    hits++;
    res.writeHead(status, { 'content-type': 'application/json', ...headers });
    res.end(JSON.stringify({ ok: status < 400 }));
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/`;
  return { url, hits: () => hits, close: () => new Promise<void>((r) => server.close(() => r())) };
}

const normalize = (err: unknown) => (err instanceof ConnectorError ? err : undefined);

async function getJson(url: string, signal: AbortSignal): Promise<unknown> {
  const res = await fetch(url, { signal });
  if (!res.ok) throw fromHttpStatus('fake', res.status, `HTTP ${res.status}`, { retryAfterSeconds: parseRetryAfter(res.headers.get('retry-after')) });
  return res.json();
}

function gateway(policy: Partial<ConnectorPolicy> = {}, events: RetryEvent[] = []) {
  const gw = new Gateway({ random: () => 0.5, onRetry: (e) => events.push(e) });
  gw.register('fake', normalize, { initialDelayMs: 5, maxDelayMs: 20, halfOpenAfterMs: 60_000, ...policy });
  return gw;
}

describe('Gateway', () => {
  it('retries a 503 on an idempotent call and returns the later success', async () => {
    const srv = await scriptedServer([[503], [503], [200]]);
    try {
      const gw = gateway({ maxAttempts: 3 });
      await expect(gw.call('fake', 'get', (signal) => getJson(srv.url, signal), { idempotent: true })).resolves.toEqual({ ok: true });
      expect(srv.hits()).toBe(3);
    } finally {
      await srv.close();
    }
  });

  it('does not retry a bare 503 on a non-idempotent call (the vendor may have acted)', async () => {
    const srv = await scriptedServer([[503], [200]]);
    try {
      const gw = gateway();
      const err = await gw.call('fake', 'create', (signal) => getJson(srv.url, signal), { idempotent: false }).catch((e: unknown) => e);
      expect(err).toBeInstanceOf(ConnectorError);
      expect((err as ConnectorError).kind).toBe('upstream_unavailable');
      expect(srv.hits()).toBe(1);
    } finally {
      await srv.close();
    }
  });

  it('retries a 429 even on a create, waiting what Retry-After says instead of the backoff', async () => {
    const srv = await scriptedServer([[429, { 'retry-after': '0.05' }], [200]]);
    const events: RetryEvent[] = [];
    try {
      const gw = gateway({ maxAttempts: 2 }, events);
      await expect(gw.call('fake', 'create', (signal) => getJson(srv.url, signal), { idempotent: false })).resolves.toEqual({ ok: true });
      expect(srv.hits()).toBe(2);
      expect(events).toHaveLength(1);
      expect(events[0]!.delayMs).toBe(50);
    } finally {
      await srv.close();
    }
  });

  it('gives up at once when Retry-After is longer than the cap, reporting rate_limited', async () => {
    const srv = await scriptedServer([[429, { 'retry-after': '120' }], [200]]);
    try {
      const gw = gateway({ maxRetryAfterMs: 1000 });
      const err = (await gw.call('fake', 'get', (signal) => getJson(srv.url, signal), { idempotent: true }).catch((e: unknown) => e)) as ConnectorError;
      expect(err.kind).toBe('rate_limited');
      expect(err.retryAfterSeconds).toBe(120);
      expect(srv.hits()).toBe(1);
    } finally {
      await srv.close();
    }
  });

  it('uses full jitter: the delay is random × the exponential step', async () => {
    const srv = await scriptedServer([[500], [500], [200]]);
    const events: RetryEvent[] = [];
    try {
      const gw = gateway({ maxAttempts: 3, initialDelayMs: 8, maxDelayMs: 100 }, events);
      await gw.call('fake', 'get', (signal) => getJson(srv.url, signal), { idempotent: true });
      expect(events.map((e) => e.delayMs)).toEqual([4, 8]);
    } finally {
      await srv.close();
    }
  });

  it('opens the breaker after repeated failures and then fails fast without calling the vendor', async () => {
    const srv = await scriptedServer([[500]]);
    try {
      const gw = gateway({ maxAttempts: 1, breakerThreshold: 3 });
      for (let i = 0; i < 3; i++) {
        await expect(gw.call('fake', 'get', (s) => getJson(srv.url, s), { idempotent: true })).rejects.toBeInstanceOf(ConnectorError);
      }
      expect(gw.breakerState('fake')).toBe('open');
      const err = (await gw.call('fake', 'get', (s) => getJson(srv.url, s), { idempotent: true }).catch((e: unknown) => e)) as ConnectorError;
      expect(err.kind).toBe('upstream_unavailable');
      expect(err.vendorCode).toBe('circuit_open');
      expect(srv.hits()).toBe(3);
    } finally {
      await srv.close();
    }
  });

  it('half-opens after the pause and closes again on a successful probe', async () => {
    const srv = await scriptedServer([[500], [500], [200]]);
    try {
      const gw = gateway({ maxAttempts: 1, breakerThreshold: 2, halfOpenAfterMs: 30 });
      for (let i = 0; i < 2; i++) await gw.call('fake', 'get', (s) => getJson(srv.url, s), { idempotent: true }).catch(() => undefined);
      expect(gw.breakerState('fake')).toBe('open');
      await new Promise((r) => setTimeout(r, 60));
      await expect(gw.call('fake', 'get', (s) => getJson(srv.url, s), { idempotent: true })).resolves.toEqual({ ok: true });
      expect(gw.breakerState('fake')).toBe('closed');
    } finally {
      await srv.close();
    }
  });

  it('does not count validation errors against the breaker', async () => {
    const srv = await scriptedServer([[400]]);
    try {
      const gw = gateway({ maxAttempts: 3, breakerThreshold: 2 });
      for (let i = 0; i < 4; i++) {
        const err = (await gw.call('fake', 'create', (s) => getJson(srv.url, s), { idempotent: true }).catch((e: unknown) => e)) as ConnectorError;
        expect(err.kind).toBe('validation');
      }
      expect(srv.hits()).toBe(4);
      expect(gw.breakerState('fake')).toBe('closed');
    } finally {
      await srv.close();
    }
  });

  it('times an attempt out and aborts its signal', async () => {
    const gw = gateway({ attemptTimeoutMs: 20, maxAttempts: 1 });
    let aborted = false;
    const err = (await gw
      .call(
        'fake',
        'slow',
        (signal) =>
          new Promise((_resolve, reject) => {
            signal.addEventListener('abort', () => {
              aborted = true;
              reject(new Error('aborted'));
            });
          }),
        { idempotent: true },
      )
      .catch((e: unknown) => e)) as ConnectorError;
    expect(err.kind).toBe('upstream_unavailable');
    expect(err.vendorCode).toBe('timeout');
    expect(aborted).toBe(true);
  });

  it('retries connection refused even for a create, since nothing was sent', async () => {
    const srv = await scriptedServer([[200]]);
    const url = srv.url;
    await srv.close();
    const gw = gateway({ maxAttempts: 2 });
    let calls = 0;
    const err = (await gw
      .call(
        'fake',
        'create',
        async (signal) => {
          calls++;
          return getJson(url, signal);
        },
        { idempotent: false },
      )
      .catch((e: unknown) => e)) as ConnectorError;
    expect(calls).toBe(2);
    expect(err.kind).toBe('upstream_unavailable');
    expect(err.retry).toBe('safe');
  });

  it('rejects calls beyond the bulkhead', async () => {
    const gw = gateway({ maxConcurrent: 1, maxQueued: 0, maxAttempts: 1 });
    let release!: () => void;
    const first = gw.call('fake', 'hold', () => new Promise<void>((r) => (release = r)), { idempotent: true });
    const err = (await gw.call('fake', 'second', async () => 1, { idempotent: true }).catch((e: unknown) => e)) as ConnectorError;
    expect(err.vendorCode).toBe('bulkhead_full');
    release();
    await first;
  });
});
