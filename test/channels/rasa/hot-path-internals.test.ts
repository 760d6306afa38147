/**
 * The pieces of the /webhook hot path that exist for throughput and memory: the turn queue
 * (FIFO, one slice per event-loop turn), the body buffer pool, and body assembly from chunks.
 */
import type { IncomingMessage } from 'node:http';
import { PassThrough } from 'node:stream';
import { readBody } from '../../../src/channels/rasa/body';
import { acquireBody, releaseBody } from '../../../src/channels/rasa/body-pool';
import { TurnQueue } from '../../../src/channels/rasa/turn-queue';

describe('TurnQueue', () => {
  it('runs jobs in the order they were queued and settles each with its result', async () => {
    const q = new TurnQueue(0);
    const order: number[] = [];
    const results = await Promise.all([1, 2, 3, 4].map((n) => q.run(() => (order.push(n), n * 10))));
    expect(order).toEqual([1, 2, 3, 4]);
    expect(results).toEqual([10, 20, 30, 40]);
  });

  it('rejects with what the job threw, and later jobs still run', async () => {
    const q = new TurnQueue();
    const failed = q.run(() => {
      throw new Error('boom');
    });
    const next = q.run(() => 'after');
    await expect(failed).rejects.toThrow('boom');
    await expect(next).resolves.toBe('after');
  });

  it('adopts a promise a job returns', async () => {
    const q = new TurnQueue();
    await expect(q.run(() => Promise.resolve('async result'))).resolves.toBe('async result');
  });

  it('with no budget left, lets I/O callbacks and other immediates run between two jobs', async () => {
    const q = new TurnQueue(0);
    const seen: string[] = [];
    const first = q.run(() => {
      seen.push('job 1');
      // Queued while job 1 runs: must run before job 2, which waits for the next turn.
      setImmediate(() => seen.push('immediate'));
    });
    const second = q.run(() => seen.push('job 2'));
    await Promise.all([first, second]);
    expect(seen).toEqual(['job 1', 'immediate', 'job 2']);
  });
});

describe('body buffer pool', () => {
  it('hands out buffers of the asked length and reuses a released one', () => {
    const a = acquireBody(300_000);
    expect(a.length).toBe(300_000);
    const store = a.buffer;
    releaseBody(a);
    const b = acquireBody(290_000);
    expect(b.length).toBe(290_000);
    expect(b.buffer).toBe(store);
    releaseBody(b);
  });

  it('ignores buffers it did not lend and a second release of the same buffer', () => {
    const foreign = Buffer.alloc(200_000);
    releaseBody(foreign);
    expect(acquireBody(200_000).buffer).not.toBe(foreign.buffer);

    const a = acquireBody(100_000);
    releaseBody(a);
    releaseBody(a);
    const b = acquireBody(100_000);
    const c = acquireBody(100_000);
    expect(b.buffer).toBe(a.buffer);
    expect(c.buffer).not.toBe(a.buffer);
  });

  it('keeps a burst of 50 long trackers (443 KB each) for the next burst', () => {
    const first = Array.from({ length: 50 }, () => acquireBody(443_000));
    const stores = new Set(first.map((b) => b.buffer));
    expect(stores.size).toBe(50);
    for (const b of first) releaseBody(b);
    const second = Array.from({ length: 50 }, () => acquireBody(443_000));
    expect(second.filter((b) => stores.has(b.buffer))).toHaveLength(50);
    for (const b of second) releaseBody(b);
  });
});

/** A stand-in request: a stream with headers, fed chunk by chunk. */
function fakeRequest(headers: Record<string, string>, chunks: Buffer[]): IncomingMessage {
  const stream = new PassThrough();
  const req = Object.assign(stream, { headers }) as unknown as IncomingMessage;
  setImmediate(() => {
    for (const c of chunks) stream.write(c);
    stream.end();
  });
  return req;
}

describe('readBody assembly', () => {
  const body = Buffer.from(JSON.stringify({ text: 'x'.repeat(200_000), emoji: '💬 ünïcode' }));
  const split = (b: Buffer, n: number) => Array.from({ length: Math.ceil(b.length / n) }, (_, i) => b.subarray(i * n, (i + 1) * n));

  it('puts a body with Content-Length back together from many chunks, byte for byte', async () => {
    const raw = await readBody(fakeRequest({ 'content-length': String(body.length) }, split(body, 65_536)), 1_000_000);
    expect(raw.equals(body)).toBe(true);
  });

  it('does the same without Content-Length (chunked upload)', async () => {
    const raw = await readBody(fakeRequest({}, split(body, 10_000)), 1_000_000);
    expect(raw.equals(body)).toBe(true);
  });

  it('takes a one-chunk body as it is, and an empty body as empty', async () => {
    expect((await readBody(fakeRequest({ 'content-length': '5' }, [Buffer.from('hello')]), 100)).toString()).toBe('hello');
    expect((await readBody(fakeRequest({ 'content-length': '0' }, []), 100)).length).toBe(0);
  });

  it('refuses a body that grows past the limit while it arrives', async () => {
    await expect(readBody(fakeRequest({}, split(body, 65_536)), 100_000)).rejects.toMatchObject({ kind: 'too_large' });
  });
});
