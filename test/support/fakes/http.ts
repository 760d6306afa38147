/**
 * The base of every loopback vendor fake: an HTTP server on 127.0.0.1 that records each request,
 * answers through a vendor-specific router, and can be told to fail the next N requests (or all
 * of them) with a given status, headers and body, the way the real vendor would.
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';

export interface RecordedRequest {
  method: string;
  path: string;
  query: Record<string, string>;
  headers: http.IncomingHttpHeaders;
  rawBody: string;
  /** The JSON body, the form fields of a urlencoded body, or the raw text. */
  body: unknown;
}

export interface FakeReply {
  status: number;
  body?: unknown;
  headers?: Record<string, string>;
  /** Sent as-is instead of JSON (HTML error pages, malformed JSON). */
  raw?: string;
  /** The connection is cut instead of answered (the vendor acted; its answer is lost). */
  drop?: boolean;
}

export interface FakeFailure extends FakeReply {
  /** How many matching requests fail; default 1, Infinity for "down". */
  times?: number;
  /** Only requests this accepts fail (default: all). */
  match?(req: RecordedRequest): boolean;
}

export interface FakeDelay {
  /** The request is handled normally (the vendor acts on it) but answered only after this. */
  ms: number;
  times?: number;
  match?(req: RecordedRequest): boolean;
  /** Held before the vendor acts on it instead (a slow create: nothing exists until it ends). */
  before?: boolean;
}

export interface FakeDrop {
  times?: number;
  match?(req: RecordedRequest): boolean;
}

export type FakeRouter = (req: RecordedRequest) => FakeReply | Promise<FakeReply>;

export class FakeHttpServer {
  readonly requests: RecordedRequest[] = [];
  private readonly failures: FakeFailure[] = [];
  private readonly delays: FakeDelay[] = [];
  private readonly cuts: FakeDrop[] = [];
  private readonly timers = new Set<NodeJS.Timeout>();
  private readonly server: http.Server;
  private port = 0;

  constructor(private readonly router: FakeRouter) {
    this.server = http.createServer((req, res) => void this.handle(req, res));
  }

  get url(): string {
    return `http://127.0.0.1:${this.port}`;
  }

  async start(): Promise<this> {
    await new Promise<void>((resolve) => this.server.listen(0, '127.0.0.1', resolve));
    this.port = (this.server.address() as AddressInfo).port;
    return this;
  }

  async stop(): Promise<void> {
    for (const t of this.timers) clearTimeout(t);
    this.timers.clear();
    this.server.closeAllConnections();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }

  /** The next matching request(s) get this reply instead of the normal one. */
  fail(failure: FakeFailure): this {
    this.failures.push({ times: 1, ...failure });
    return this;
  }

  /** The next matching request(s) succeed at the vendor but are answered late (a timeout race). */
  delay(delay: FakeDelay): this {
    this.delays.push({ times: 1, ...delay });
    return this;
  }

  /**
   * The next matching request(s) are acted on, then the connection is cut instead of answered:
   * the vendor made the record and the caller never learns it.
   */
  dropAfterActing(drop: FakeDrop = {}): this {
    this.cuts.push({ times: 1, ...drop });
    return this;
  }

  /** Requests whose method and path match, e.g. `received('POST', '/rest/api/3/issue')`. */
  received(method: string, path: string | RegExp): RecordedRequest[] {
    return this.requests.filter((r) => r.method === method && (typeof path === 'string' ? r.path === path : path.test(r.path)));
  }

  private async handle(req: http.IncomingMessage, res: http.ServerResponse): Promise<void> {
    const chunks: Buffer[] = [];
    for await (const c of req) chunks.push(c as Buffer);
    const rawBody = Buffer.concat(chunks).toString('utf8');
    const url = new URL(req.url ?? '/', 'http://fake');
    const recorded: RecordedRequest = {
      method: req.method ?? 'GET',
      path: url.pathname,
      query: Object.fromEntries(url.searchParams),
      headers: req.headers,
      rawBody,
      body: parseBody(rawBody, req.headers['content-type']),
    };
    this.requests.push(recorded);
    const held = this.delays.find((d) => d.before && (d.times ?? 1) > 0 && (!d.match || d.match(recorded)));
    if (held) {
      held.times = (held.times ?? 1) - 1;
      await new Promise<void>((resolve) => {
        const timer = setTimeout(() => {
          this.timers.delete(timer);
          resolve();
        }, held.ms);
        this.timers.add(timer);
      });
    }
    let reply: FakeReply;
    const failure = this.failures.find((f) => (f.times ?? 1) > 0 && (!f.match || f.match(recorded)));
    if (failure) {
      failure.times = (failure.times ?? 1) - 1;
      reply = failure;
    } else {
      try {
        reply = await this.router(recorded);
      } catch (err) {
        reply = { status: 500, body: { error: String(err) } };
      }
    }
    const drop = !failure && this.cuts.find((d) => (d.times ?? 1) > 0 && (!d.match || d.match(recorded)));
    if (drop) {
      drop.times = (drop.times ?? 1) - 1;
      reply = { ...reply, drop: true };
    }
    const delay = this.delays.find((d) => !d.before && (d.times ?? 1) > 0 && (!d.match || d.match(recorded)));
    if (delay) {
      delay.times = (delay.times ?? 1) - 1;
      const timer = setTimeout(() => {
        this.timers.delete(timer);
        if (!res.destroyed) send(res, reply);
      }, delay.ms);
      this.timers.add(timer);
      return;
    }
    send(res, reply);
  }
}

function parseBody(raw: string, contentType: string | undefined): unknown {
  if (raw === '') return undefined;
  if (contentType?.includes('application/x-www-form-urlencoded')) return Object.fromEntries(new URLSearchParams(raw));
  try {
    return JSON.parse(raw);
  } catch {
    return raw;
  }
}

function send(res: http.ServerResponse, reply: FakeReply): void {
  if (reply.drop) {
    res.socket?.destroy();
    return;
  }
  const headers: Record<string, string> = { ...reply.headers };
  let payload = '';
  if (reply.raw !== undefined) payload = reply.raw;
  else if (reply.body !== undefined) {
    payload = JSON.stringify(reply.body);
    headers['content-type'] ??= 'application/json;charset=UTF-8';
  }
  res.writeHead(reply.status, headers);
  res.end(payload);
}
