/**
 * The Rasa gRPC channel: rasa_sdk's `action_server_webhook.ActionService` (Webhook, WebhookStream,
 * AckStreamChunks, Actions) and grpc.health.v1, on their own port beside the HTTP server.
 *
 * One behaviour, two transports: a call is turned into the /webhook JSON body (messages.ts) and
 * runs through the HTTP path's `processWebhook` with the same dependencies (executor, domain
 * cache, sender limit, call hook), so the 449 handshake, event filtering by Rasa version and
 * error mapping are the HTTP channel's; only the answer is written in gRPC's terms (status.ts).
 * The token (ACTION_SERVER_TOKEN) is read from the call's metadata as /webhook reads it from
 * headers, and the per-IP limit counts gRPC calls in the same counter.
 *
 * @grpc/grpc-js and @grpc/proto-loader are optional peers, loaded only when gRPC is configured.
 */
import crypto from 'node:crypto';
import type * as Grpc from '@grpc/grpc-js';
import type * as ProtoLoader from '@grpc/proto-loader';
import { AppError } from '../../errors';
import { toHttpError } from '../../errors/http';
import { requireOptional } from '../../errors/optional-package';
import { tokenCheck, unauthorized, type AcceptedTokens, type TokenSources } from '../../http/auth';
import { requestIdOf } from '../../http/node-http';
import { throttled } from '../../http/rate-limit';
import { DEFAULT_JSON_MAX_DEPTH } from '../../http/json-depth';
import type { RateLimiter } from '../../ratelimit';
import { processWebhook, type WebhookDeps, type WebhookOutcome } from '../rasa/webhook';
import { HealthService, ACTION_SERVICE } from './health';
import { webhookBodyOf, webhookResponseJson, type ProtoWebhookRequest } from './messages';
import { PROTO_LOADER_OPTIONS, protoFiles } from './proto-files';
import { grpcFailureOf, GrpcCode, type GrpcFailure } from './status';
import { StructReader } from './struct';
import { protobufOfLoader, webhookCodec, type StreamEventJson, type WebhookCodec, type WebhookResponseJson } from './webhook-codec';

const FEATURE = 'gRPC (--grpc, GRPC_PORT)';

/** The server's certificate and key (SSL_CERTIFICATE...); `ca` also makes clients present a certificate it signed. */
export interface GrpcTls {
  cert: Buffer;
  key: Buffer;
  passphrase?: string;
  ca?: Buffer;
}

export interface GrpcChannelOptions {
  /** The HTTP server's /webhook dependencies: the same executor, domain cache, limits and hooks. */
  deps: WebhookDeps;
  /** ACTION_SERVER_TOKEN; none = open. */
  tokens?: AcceptedTokens;
  /** ACTION_SERVER_TOKEN_HEADER: one more metadata key carrying the bare token. */
  tokenSources?: TokenSources;
  /** The per-IP limit /webhook counts in (RATE_LIMIT_IP_PER_MINUTE). */
  ipLimiter?: RateLimiter;
  onIpRefused?(): void;
  tls?: GrpcTls;
  /** How long shutdown waits for in-flight calls before cutting them (SHUTDOWN_TIMEOUT_MS). */
  shutdownTimeoutMs: number;
}

export interface GrpcChannel {
  port: number;
  host: string;
  /** Stops accepting calls, lets in-flight ones finish (up to the shutdown timeout), then closes. */
  shutdown(): Promise<void>;
}

/** A request whose bytes did not decode: answered INVALID_ARGUMENT by the handler, not INTERNAL by grpc-js. */
class Unreadable {
  constructor(readonly reason: string) {}
}

type Loaded = { grpc: typeof Grpc; definitions: ProtoLoader.PackageDefinition; codec: WebhookCodec };

/* eslint-disable @typescript-eslint/no-require-imports -- loaded only when gRPC is configured */
function load(): Loaded {
  const grpc = requireOptional('@grpc/grpc-js', FEATURE, () => require('@grpc/grpc-js') as typeof Grpc);
  const loader = requireOptional('@grpc/proto-loader', FEATURE, () => require('@grpc/proto-loader') as typeof ProtoLoader);
  const files = protoFiles();
  const codec = requireOptional('@grpc/proto-loader', FEATURE, () => webhookCodec(protobufOfLoader(), files.action));
  return { grpc, definitions: loader.loadSync([files.action, files.health], PROTO_LOADER_OPTIONS), codec };
}
/* eslint-enable @typescript-eslint/no-require-imports */

/** Webhook and WebhookStream read and written by the codec, the other methods by proto-loader. */
function codecMethods(definition: ProtoLoader.ServiceDefinition, codec: WebhookCodec): ProtoLoader.ServiceDefinition {
  const out: ProtoLoader.ServiceDefinition = { ...definition };
  const decode = (bytes: Buffer): object => codec.decodeRequest(bytes);
  out.Webhook = { ...definition.Webhook!, requestDeserialize: decode, responseSerialize: (res: WebhookResponseJson) => codec.encodeResponse(res) } as ProtoLoader.MethodDefinition<object, object>;
  out.WebhookStream = { ...definition.WebhookStream!, requestDeserialize: decode, responseSerialize: (event: StreamEventJson) => codec.encodeStreamEvent(event) } as ProtoLoader.MethodDefinition<object, object>;
  return out;
}

/** The service with its request decoders made total: undecodable bytes become an Unreadable. */
function tolerantService(definition: ProtoLoader.ServiceDefinition): Grpc.ServiceDefinition {
  const out: Record<string, ProtoLoader.MethodDefinition<object, object>> = {};
  for (const [name, method] of Object.entries(definition)) {
    const deserialize = method.requestDeserialize;
    out[name] = {
      ...method,
      requestDeserialize: (bytes: Buffer): object => {
        try {
          return deserialize(bytes);
        } catch (err) {
          // protobufjs stops at 100 nested messages (protoc's limit too): a Struct about 50 JSON levels deep.
          const deep = err instanceof RangeError || /nesting depth/.test(String((err as Error)?.message));
          return new Unreadable(deep ? 'nested too deeply' : 'not a valid message');
        }
      },
    };
  }
  return out as unknown as Grpc.ServiceDefinition;
}

/** Metadata as the header map the token check reads (binary `-bin` entries carry no token). */
function headersOf(metadata: Grpc.Metadata): Record<string, string[]> {
  const headers: Record<string, string[]> = {};
  for (const [key, values] of Object.entries(metadata.toJSON())) {
    if (key.endsWith('-bin')) continue;
    headers[key] = values.map(String);
  }
  return headers;
}

/** "ipv4:127.0.0.1:5000", "[::1]:5000" or "127.0.0.1:5000" → the address alone. */
export function peerAddress(peer: string): string {
  const bare = peer.replace(/^ipv[46]:/, '');
  const v6 = /^\[([^\]]+)\]/.exec(bare);
  if (v6) return v6[1]!;
  const m = /^([^:]+):\d+$/.exec(bare);
  return m ? m[1]! : bare;
}

function unlockedKey(tls: GrpcTls): Buffer {
  if (!tls.passphrase) return tls.key;
  // grpc-js takes no passphrase: the key is decrypted in memory (the file stays encrypted).
  const key = crypto.createPrivateKey({ key: tls.key, passphrase: tls.passphrase });
  return Buffer.from(key.export({ format: 'pem', type: 'pkcs8' }));
}

interface Finished {
  outcome: WebhookOutcome;
  response?: WebhookResponseJson;
  failure?: GrpcFailure;
}

export async function startGrpcChannel(opts: GrpcChannelOptions, port: number, host: string): Promise<GrpcChannel> {
  const { grpc, definitions, codec } = load();
  const { deps } = opts;
  const reader = new StructReader(deps.jsonMaxDepth ?? DEFAULT_JSON_MAX_DEPTH);
  const authorized = tokenCheck(opts.tokens, opts.tokenSources);
  const health = new HealthService();

  const failureOf = (err: unknown, requestId: string): GrpcFailure => grpcFailureOf(err, toHttpError(err, { requestId }).body);

  /** Everything before the action: token, IP limit, a readable message. Returns the failure, if any. */
  async function admit(call: { metadata: Grpc.Metadata; getPeer(): string; request: unknown }, requestId: string): Promise<GrpcFailure | null> {
    if (!authorized({ headers: headersOf(call.metadata), url: undefined })) return failureOf(unauthorized(), requestId);
    if (opts.ipLimiter) {
      try {
        const decision = await opts.ipLimiter.consume(peerAddress(call.getPeer()));
        if (!decision.allowed) {
          opts.onIpRefused?.();
          return failureOf(throttled('ip', decision), requestId);
        }
      } catch (err) {
        // As on /webhook: a failing limiter lets the call through rather than becoming an outage.
        deps.logger.error('rate limit check crashed', { requestId, error: err });
      }
    }
    if (call.request instanceof Unreadable) return failureOf(new AppError('validation', `The request is not a WebhookRequest message (${call.request.reason}).`), requestId);
    return null;
  }

  async function run(call: Grpc.ServerUnaryCall<unknown, unknown> | Grpc.ServerWritableStream<unknown, unknown>): Promise<Finished & { requestId: string }> {
    const started = performance.now();
    const requestId = requestIdOf(call.metadata.get('x-request-id').map(String)[0]);
    let finished: Finished;
    const refused = await admit(call, requestId);
    if (refused) {
      finished = { outcome: { status: 0, body: null, action: null, senderId: null }, failure: refused };
    } else {
      const abort = new AbortController();
      call.once('cancelled', () => abort.abort());
      let body: Record<string, unknown> | null = null;
      try {
        body = webhookBodyOf(call.request as ProtoWebhookRequest, reader);
      } catch (err) {
        finished = { outcome: { status: 400, body: null, action: null, senderId: null }, failure: failureOf(err, requestId) };
      }
      if (body) {
        const outcome = await processWebhook(body, deps, requestId, abort.signal);
        finished = outcome.status === 200 ? { outcome, response: webhookResponseJson(outcome.body) } : { outcome, failure: grpcFailureOf(outcome.error, outcome.body) };
      }
    }
    finished = finished!;
    const durationMs = Math.round((performance.now() - started) * 100) / 100;
    // The call record keeps /webhook's HTTP status, so metrics and audit count both transports alike.
    const status = finished.outcome.status || (finished.failure?.code === GrpcCode.UNAUTHENTICATED ? 401 : 429);
    const record = { requestId, action: finished.outcome.action, senderId: finished.outcome.senderId, status, durationMs };
    if (deps.logger.isLevelEnabled('info')) deps.logger.info('action call', { ...record, transport: 'grpc', grpcCode: finished.failure?.code ?? GrpcCode.OK });
    deps.onCall?.(record);
    return { ...finished, requestId };
  }

  const responseMetadata = (requestId: string): Grpc.Metadata => {
    const md = new grpc.Metadata();
    md.set('x-request-id', requestId);
    return md;
  };
  const statusOf = (failure: GrpcFailure, requestId: string): Partial<Grpc.StatusObject> => {
    const metadata = responseMetadata(requestId);
    if (failure.retryAfterSeconds !== undefined) metadata.set('retry-after', String(Math.max(1, Math.ceil(failure.retryAfterSeconds))));
    return { code: failure.code, details: failure.details, metadata };
  };
  const crashed = (err: unknown, route: string): Partial<Grpc.StatusObject> => {
    deps.logger.error('grpc handler crashed', { route, error: err });
    deps.errors?.reportBug(err, { route });
    return { code: GrpcCode.INTERNAL, details: JSON.stringify({ error: 'The request failed; see the action server log.', code: 'internal_error' }) };
  };

  const actionService = {
    Webhook(call: Grpc.ServerUnaryCall<unknown, unknown>, callback: Grpc.sendUnaryData<unknown>): void {
      run(call).then(
        (done) => {
          call.sendMetadata(responseMetadata(done.requestId));
          if (done.failure) callback(statusOf(done.failure, done.requestId));
          else callback(null, done.response);
        },
        (err: unknown) => callback(crashed(err, 'grpc Webhook')),
      );
    },
    /** The whole result as one `final_result` (actions here do not stream text), or an `error` event and the status. */
    WebhookStream(call: Grpc.ServerWritableStream<unknown, unknown>): void {
      run(call).then(
        (done) => {
          call.sendMetadata(responseMetadata(done.requestId));
          if (done.failure) {
            call.write({ error: { action_name: done.outcome.action ?? '', message: done.failure.details } });
            call.emit('error', statusOf(done.failure, done.requestId));
            return;
          }
          call.write({ final_result: done.response });
          call.end();
        },
        (err: unknown) => call.emit('error', crashed(err, 'grpc WebhookStream')),
      );
    },
    /** Nothing is ever mid-stream here, so there is nothing to stop. */
    AckStreamChunks(_call: Grpc.ServerUnaryCall<unknown, unknown>, callback: Grpc.sendUnaryData<unknown>): void {
      callback(null, {});
    },
    /** `[{name}]`, as GET /actions; behind the token like it. */
    Actions(call: Grpc.ServerUnaryCall<unknown, unknown>, callback: Grpc.sendUnaryData<unknown>): void {
      const requestId = requestIdOf(call.metadata.get('x-request-id').map(String)[0]);
      if (!authorized({ headers: headersOf(call.metadata), url: undefined })) {
        callback(statusOf(failureOf(unauthorized(), requestId), requestId));
        return;
      }
      const actions = deps.executor.registry.list().map((a) => ({ fields: { name: { stringValue: a.name } } }));
      call.sendMetadata(responseMetadata(requestId));
      callback(null, { actions });
    },
  };

  const server = new grpc.Server({
    // /webhook's BODY_LIMIT bounds a call here too; grpc-js answers RESOURCE_EXHAUSTED past it.
    'grpc.max_receive_message_length': deps.bodyLimit,
    'grpc.max_send_message_length': -1,
  });
  server.addService(tolerantService(codecMethods(definitions[ACTION_SERVICE] as ProtoLoader.ServiceDefinition, codec)), actionService as unknown as Grpc.UntypedServiceImplementation);
  server.addService(definitions['grpc.health.v1.Health'] as unknown as Grpc.ServiceDefinition, health.implementation as unknown as Grpc.UntypedServiceImplementation);

  const credentials = opts.tls
    ? grpc.ServerCredentials.createSsl(opts.tls.ca ?? null, [{ private_key: unlockedKey(opts.tls), cert_chain: opts.tls.cert }], Boolean(opts.tls.ca))
    : grpc.ServerCredentials.createInsecure();
  const address = host.includes(':') && !host.startsWith('[') ? `[${host}]:${port}` : `${host}:${port}`;
  const bound = await new Promise<number>((resolve, reject) => server.bindAsync(address, credentials, (err, p) => (err ? reject(err) : resolve(p))));

  let closing: Promise<void> | null = null;
  return {
    port: bound,
    host,
    shutdown() {
      closing ??= new Promise<void>((resolve) => {
        health.stopServing();
        const timer = setTimeout(() => {
          server.forceShutdown();
          resolve();
        }, opts.shutdownTimeoutMs);
        timer.unref();
        server.tryShutdown(() => {
          clearTimeout(timer);
          resolve();
        });
      });
      return closing;
    },
  };
}
