/**
 * Optional OpenTelemetry tracing: with an OTLP endpoint configured, one span per /webhook call
 * (joining the caller's trace when Rasa sends `traceparent`), one per action run and one per
 * outbound connector call, exported over OTLP/HTTP; log lines written inside a span carry its
 * `trace_id`. Without an endpoint nothing is loaded and every helper here is a single check.
 */
import type * as OtelApi from '@opentelemetry/api';
import type { Attributes, Context, Span, SpanKind, Tracer } from '@opentelemetry/api';
import type * as OtlpHttp from '@opentelemetry/exporter-trace-otlp-http';
import type * as OtelResources from '@opentelemetry/resources';
import type * as OtelNode from '@opentelemetry/sdk-trace-node';
import { requireOptional } from '../errors/optional-package';
import { redact } from './redact';

type Api = typeof OtelApi;

interface Active {
  api: Api;
  tracer: Tracer;
  flush(): Promise<void>;
  shutdown(): Promise<void>;
}

let active: Active | undefined;

export interface TracingOptions {
  /** Full OTLP/HTTP traces URL, e.g. http://collector:4318/v1/traces. */
  tracesUrl: string;
  serviceName: string;
  /** Shortest batching delay; tests use a small one. */
  exportDelayMs?: number;
}

/** The traces URL from the standard OTEL_EXPORTER_OTLP_* variables; undefined = tracing off. */
export function otlpTracesUrl(env: { OTEL_EXPORTER_OTLP_ENDPOINT?: string; OTEL_EXPORTER_OTLP_TRACES_ENDPOINT?: string }): string | undefined {
  if (env.OTEL_EXPORTER_OTLP_TRACES_ENDPOINT) return env.OTEL_EXPORTER_OTLP_TRACES_ENDPOINT;
  if (env.OTEL_EXPORTER_OTLP_ENDPOINT) return `${env.OTEL_EXPORTER_OTLP_ENDPOINT.replace(/\/+$/, '')}/v1/traces`;
  return undefined;
}

/* eslint-disable @typescript-eslint/no-require-imports -- loaded only when tracing is configured */
export function startTracing(opts: TracingOptions): void {
  if (active) return;
  const feature = 'OTEL_EXPORTER_OTLP_ENDPOINT';
  const api = requireOptional('@opentelemetry/api', feature, () => require('@opentelemetry/api') as Api);
  const { NodeTracerProvider, BatchSpanProcessor } = requireOptional('@opentelemetry/sdk-trace-node', feature, () => require('@opentelemetry/sdk-trace-node') as typeof OtelNode);
  const { OTLPTraceExporter } = requireOptional('@opentelemetry/exporter-trace-otlp-http', feature, () => require('@opentelemetry/exporter-trace-otlp-http') as typeof OtlpHttp);
  const { resourceFromAttributes } = requireOptional('@opentelemetry/resources', feature, () => require('@opentelemetry/resources') as typeof OtelResources);
  /* eslint-enable @typescript-eslint/no-require-imports */
  const exporter = new OTLPTraceExporter({ url: opts.tracesUrl });
  const processor = new BatchSpanProcessor(exporter, { scheduledDelayMillis: opts.exportDelayMs ?? 5_000 });
  const provider = new NodeTracerProvider({ resource: resourceFromAttributes({ 'service.name': opts.serviceName }), spanProcessors: [processor] });
  // Registers the async-hooks context manager and the W3C propagator (traceparent from Rasa).
  provider.register();
  active = {
    api,
    tracer: api.trace.getTracer('actionbridge'),
    // The processor's flush exports only what is still buffered; a batch its timer already handed
    // to the exporter may still be on the wire, so wait for the exporter's sends as well.
    flush: async () => {
      await provider.forceFlush();
      await exporter.forceFlush();
    },
    shutdown: async () => {
      await provider.shutdown();
      api.trace.disable();
      api.context.disable();
      api.propagation.disable();
      active = undefined;
    },
  };
}

export const tracingEnabled = (): boolean => active !== undefined;

/** Exports what has ended so far (tests, shutdown). */
export async function flushTracing(): Promise<void> {
  await active?.flush();
}

export async function stopTracing(): Promise<void> {
  await active?.shutdown();
}

export type SpanRole = 'server' | 'internal' | 'client';

/**
 * Runs `fn` inside a new span (a child of the active one, or of `headers`' traceparent for a
 * server span); a thrown error marks the span failed and is rethrown unchanged.
 */
export function inSpan<T>(name: string, role: SpanRole, attributes: Attributes, fn: (span?: Span) => Promise<T>, headers?: Record<string, string | string[] | undefined>): Promise<T> {
  const t = active;
  if (!t) return fn();
  const { api } = t;
  const kind: SpanKind = role === 'server' ? api.SpanKind.SERVER : role === 'client' ? api.SpanKind.CLIENT : api.SpanKind.INTERNAL;
  const parent: Context = headers ? api.propagation.extract(api.context.active(), headers) : api.context.active();
  return t.tracer.startActiveSpan(name, { kind, attributes }, parent, async (span) => {
    try {
      const result = await fn(span);
      span.end();
      return result;
    } catch (err) {
      // Spans leave the process like logs do: the same redaction, and no stack.
      const message = String(redact(err instanceof Error ? err.message : String(err)));
      span.recordException({ name: err instanceof Error ? err.name : 'Error', message });
      span.setStatus({ code: api.SpanStatusCode.ERROR, message });
      span.end();
      throw err;
    }
  });
}

/** Marks a moment (a retry, a wait) on the span this code runs in. */
export function spanEvent(name: string, attributes: Attributes): void {
  active?.api.trace.getActiveSpan()?.addEvent(name, attributes);
}

/** The trace id of the span this code runs in, for log lines. */
export function activeTraceId(): string | undefined {
  if (!active) return undefined;
  const ctx = active.api.trace.getActiveSpan()?.spanContext();
  return ctx && active.api.isSpanContextValid(ctx) ? ctx.traceId : undefined;
}
