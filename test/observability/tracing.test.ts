/**
 * OpenTelemetry tracing against a loopback OTLP/HTTP collector: a /webhook call joins the trace
 * Rasa sends in `traceparent`, with spans for the call, the action and each outbound call, and
 * the call's log line names the trace.
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { ConnectorError } from '../../src/connectors/kit/connector-error';
import { Gateway } from '../../src/connectors/kit/gateway';
import { flushTracing, otlpTracesUrl, startTracing, stopTracing, tracingEnabled } from '../../src/observability/tracing';
import { defineAction } from '../../src/sdk/action';
import { createActionServer, type ActionServer } from '../../src/server/app';
import { captureLogs } from '../support/log-capture';
import { ensureBuilt, runCli } from '../support/process';
import { registryOf } from '../support/server';
import { webhookBody } from '../support/webhook-body';

interface OtlpSpan {
  traceId: string;
  spanId: string;
  parentSpanId?: string;
  name: string;
  kind: number;
  status?: { code?: number; message?: string };
  events?: { name: string }[];
  attributes?: { key: string; value: Record<string, unknown> }[];
}

/** Collects the spans POSTed as OTLP/HTTP JSON. */
async function collector() {
  const spans: OtlpSpan[] = [];
  const services = new Set<string>();
  let contentTypes: string[] = [];
  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      contentTypes.push(String(req.headers['content-type']));
      type Attribute = { key: string; value: { stringValue?: string } };
      const body = JSON.parse(Buffer.concat(chunks).toString('utf8')) as { resourceSpans: { resource?: { attributes?: Attribute[] }; scopeSpans: { spans: OtlpSpan[] }[] }[] };
      for (const rs of body.resourceSpans) {
        const name = rs.resource?.attributes?.find((a) => a.key === 'service.name')?.value.stringValue;
        if (name) services.add(name);
        for (const ss of rs.scopeSpans) spans.push(...ss.spans);
      }
      res.writeHead(200, { 'content-type': 'application/json' }).end('{}');
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    spans,
    services: () => [...services],
    contentTypes: () => contentTypes,
    reset: () => {
      spans.length = 0;
      contentTypes = [];
    },
    close: () => new Promise<void>((r) => server.close(() => r())),
  };
}

const TRACE_ID = '4bf92f3577b34da6a3ce929d0e0e4736';
const RASA_SPAN_ID = '00f067aa0ba902b7';

describe('OpenTelemetry tracing', () => {
  let otlp: Awaited<ReturnType<typeof collector>>;
  let vendor: http.Server;
  let vendorUrl: string;
  let failVendor = false;
  let server: ActionServer;
  let port: number;
  const logs = captureLogs('info');

  beforeAll(async () => {
    otlp = await collector();
    vendor = http.createServer((_req, res) => res.writeHead(failVendor ? 503 : 200, { 'content-type': 'application/json' }).end('{"ok":true}'));
    await new Promise<void>((r) => vendor.listen(0, '127.0.0.1', r));
    vendorUrl = `http://127.0.0.1:${(vendor.address() as AddressInfo).port}/`;

    expect(tracingEnabled()).toBe(false);
    startTracing({ tracesUrl: otlpTracesUrl({ OTEL_EXPORTER_OTLP_ENDPOINT: `${otlp.url}/` })!, serviceName: 'actionbridge-test', exportDelayMs: 20 });
    expect(tracingEnabled()).toBe(true);

    const gateway = new Gateway({ random: () => 0 });
    gateway.register('vendor', (e) => (e instanceof ConnectorError ? e : undefined), { maxAttempts: 2, initialDelayMs: 1 });
    const lookup = defineAction({
      name: 'action_lookup',
      async run({ dispatcher }) {
        try {
          await gateway.call('vendor', 'lookup', async (signal) => {
            const res = await fetch(vendorUrl, { signal });
            if (!res.ok) throw new ConnectorError('upstream_unavailable', `vendor said ${res.status}`, { connector: 'vendor', retry: 'safe' });
            return res.json();
          }, { idempotent: true });
          dispatcher.utterMessage({ text: 'found it' });
        } catch {
          dispatcher.utterMessage({ text: 'vendor down' });
        }
        return [];
      },
    });
    server = createActionServer({ config: { BODY_LIMIT: 1024 * 1024, SHUTDOWN_TIMEOUT_MS: 1000 }, registry: registryOf(lookup), logger: logs.logger });
    ({ port } = await server.listen(0, '127.0.0.1'));
  });

  afterAll(async () => {
    await server.shutdown();
    await stopTracing();
    await new Promise<void>((r) => vendor.close(() => r()));
    await otlp.close();
  });

  async function call(headers: Record<string, string> = {}) {
    const res = await fetch(`http://127.0.0.1:${port}/webhook`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...headers },
      body: JSON.stringify(webhookBody('action_lookup', { senderId: 'traced-user' })),
    });
    expect(res.status).toBe(200);
    return (await res.json()) as { responses: { text: string }[] };
  }

  it('joins the caller’s trace: webhook → action → outbound call, exported over OTLP/HTTP', async () => {
    otlp.reset();
    const body = await call({ traceparent: `00-${TRACE_ID}-${RASA_SPAN_ID}-01` });
    expect(body.responses[0]!.text).toBe('found it');
    await flushTracing();

    const byName = new Map(otlp.spans.map((s) => [s.name, s]));
    const webhook = byName.get('POST /webhook');
    const action = byName.get('action action_lookup');
    const outbound = byName.get('vendor lookup');
    expect([webhook, action, outbound].every(Boolean)).toBe(true);
    for (const s of [webhook!, action!, outbound!]) expect(s.traceId).toBe(TRACE_ID);
    expect(webhook!.parentSpanId).toBe(RASA_SPAN_ID);
    expect(action!.parentSpanId).toBe(webhook!.spanId);
    expect(outbound!.parentSpanId).toBe(action!.spanId);
    // OTLP kinds: 2 server, 1 internal, 3 client.
    expect([webhook!.kind, action!.kind, outbound!.kind]).toEqual([2, 1, 3]);
    expect(outbound!.attributes).toEqual(expect.arrayContaining([{ key: 'actionbridge.connector', value: { stringValue: 'vendor' } }]));
    expect(otlp.contentTypes().every((t) => t.startsWith('application/json'))).toBe(true);

    // The line is written after the answer is sent: wait for it rather than read it right away.
    const line = await logs.waitFor((l) => l.message === 'action call' && l.senderId === 'traced-user');
    expect(line.trace_id).toBe(TRACE_ID);
  });

  it('marks a failing outbound call as an error, with its retries as events', async () => {
    otlp.reset();
    failVendor = true;
    try {
      expect((await call()).responses[0]!.text).toBe('vendor down');
    } finally {
      failVendor = false;
    }
    await flushTracing();
    const outbound = otlp.spans.find((s) => s.name === 'vendor lookup')!;
    expect(outbound.status?.code).toBe(2);
    expect(outbound.status?.message).toMatch(/vendor said 503/);
    expect(outbound.events?.map((e) => e.name)).toEqual(['retry', 'exception']);
    // Without a traceparent the call starts its own trace.
    const webhook = otlp.spans.find((s) => s.name === 'POST /webhook')!;
    expect(webhook.traceId).not.toBe(TRACE_ID);
    expect(webhook.parentSpanId ?? '').toBe('');
  });
});

describe('tracing in a served process', () => {
  beforeAll(() => ensureBuilt());

  it('exports the spans of `serve` when OTEL_EXPORTER_OTLP_ENDPOINT is set, flushing them on SIGTERM', async () => {
    const otlp = await collector();
    try {
      const p = runCli(['serve'], { HOST: '127.0.0.1', PORT: '0', OTEL_EXPORTER_OTLP_ENDPOINT: otlp.url, OTEL_SERVICE_NAME: 'bridge-under-test' });
      const listening = await p.waitForLog('ActionBridge listening');
      const res = await fetch(`http://127.0.0.1:${listening.port as number}/webhook`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', traceparent: `00-${TRACE_ID}-${RASA_SPAN_ID}-01` },
        body: JSON.stringify(webhookBody('action_greet', { senderId: 'process-trace', slots: { user_name: 'Ada' } })),
      });
      expect(res.status).toBe(200);
      await res.text();
      p.child.kill('SIGTERM');
      expect(await p.exited).toBe(0);
      expect(otlp.spans.filter((s) => s.traceId === TRACE_ID).map((s) => s.name).sort()).toEqual(['POST /webhook', 'action action_greet']);
      expect(otlp.services()).toContain('bridge-under-test');
      expect(p.stdout()).toContain(`"trace_id":"${TRACE_ID}"`);
    } finally {
      await otlp.close();
    }
  }, 60_000);
});

describe('otlpTracesUrl', () => {
  it('reads the standard variables, the traces-specific one first; none = tracing off', () => {
    expect(otlpTracesUrl({})).toBeUndefined();
    expect(otlpTracesUrl({ OTEL_EXPORTER_OTLP_ENDPOINT: 'http://c:4318' })).toBe('http://c:4318/v1/traces');
    expect(otlpTracesUrl({ OTEL_EXPORTER_OTLP_ENDPOINT: 'http://c:4318', OTEL_EXPORTER_OTLP_TRACES_ENDPOINT: 'http://t:1/x' })).toBe('http://t:1/x');
  });
});
