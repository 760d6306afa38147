/**
 * A gRPC client built from the project's own proto, playing Rasa Pro's side: it turns a /webhook
 * JSON body into a WebhookRequest the way Rasa Pro does (ParseDict, unknown fields dropped; a
 * domain list entry is a bare name or `{name: settings}`), and reads answers back to JSON.
 * Also: a gRPC channel started beside a test HTTP server, sharing its /webhook dependencies.
 */
import * as grpc from '@grpc/grpc-js';
import * as loader from '@grpc/proto-loader';
import { PROTO_LOADER_OPTIONS, protoFiles } from '../../src/channels/grpc/proto-files';
import { startGrpcChannel, type GrpcChannel, type GrpcTls } from '../../src/channels/grpc/server';
import { StructReader, toProtoStruct, toProtoValue, type ProtoStruct } from '../../src/channels/grpc/struct';
import { tokenList, type TestServer } from './server';

type Json = Record<string, unknown>;
const isObj = (v: unknown): v is Json => typeof v === 'object' && v !== null && !Array.isArray(v);

const files = protoFiles();
const definitions = loader.loadSync([files.action, files.health], PROTO_LOADER_OPTIONS);
const loaded = grpc.loadPackageDefinition(definitions) as unknown as {
  action_server_webhook: { ActionService: grpc.ServiceClientConstructor };
  grpc: { health: { v1: { Health: grpc.ServiceClientConstructor } } };
};

/** The raw method definitions, to send hand-made bytes. */
export const webhookMethod = definitions['action_server_webhook.ActionService'] as loader.ServiceDefinition;

const structOrNull = (v: unknown): ProtoStruct | undefined => (isObj(v) ? toProtoStruct(v) : undefined);
const structs = (v: unknown): ProtoStruct[] => (Array.isArray(v) ? v.filter(isObj).map(toProtoStruct) : []);
const named = (v: unknown) => (Array.isArray(v) ? v.map((item) => (isObj(item) ? { dict_value: toProtoStruct(item) } : { string_value: String(item) })) : []);

/** A /webhook JSON body as the WebhookRequest Rasa Pro would send for it. */
export function toWebhookRequest(body: Json): Json {
  const req: Json = {};
  if (typeof body.next_action === 'string') req.next_action = body.next_action;
  if (typeof body.sender_id === 'string') req.sender_id = body.sender_id;
  if (typeof body.version === 'string') req.version = body.version;
  if (typeof body.domain_digest === 'string') req.domain_digest = body.domain_digest;
  if (isObj(body.tracker)) {
    const t = body.tracker;
    const tracker: Json = { sender_id: t.sender_id, slots: structOrNull(t.slots), latest_message: structOrNull(t.latest_message), events: structs(t.events), paused: t.paused ?? false };
    if (typeof t.followup_action === 'string') tracker.followup_action = t.followup_action;
    if (typeof t.latest_action_name === 'string') tracker.latest_action_name = t.latest_action_name;
    if (typeof t.user_id === 'string') tracker.user_id = t.user_id;
    if (Array.isArray(t.stack)) tracker.stack = structs(t.stack);
    if (isObj(t.active_loop)) tracker.active_loop = Object.fromEntries(Object.entries(t.active_loop).filter(([, v]) => v !== null && v !== undefined).map(([k, v]) => [k, String(v)]));
    req.tracker = tracker;
  }
  if (isObj(body.domain)) {
    const d = body.domain;
    req.domain = {
      config: structOrNull(d.config),
      session_config: structOrNull(d.session_config),
      slots: structOrNull(d.slots),
      responses: structOrNull(d.responses),
      forms: structOrNull(d.forms),
      intents: named(d.intents),
      entities: named(d.entities),
      actions: named(d.actions),
      e2e_actions: structs(d.e2e_actions),
    };
  }
  return req;
}

const reader = new StructReader(10_000);
/** A WebhookResponse (or final_result) as JSON, as Rasa Pro's MessageToDict reads it. */
export function responseJson(res: { events?: ProtoStruct[]; responses?: ProtoStruct[] } | undefined): { events: Json[]; responses: Json[] } {
  return { events: reader.objects(res?.events, 1), responses: reader.objects(res?.responses, 1) };
}

export type GrpcResult = { ok: true; body: { events: Json[]; responses: Json[] }; metadata: grpc.Metadata } | { ok: false; code: grpc.status; details: string; metadata: grpc.Metadata };

export interface ClientOptions {
  /** Trust this CA (the server's certificate); with cert/key also present a client certificate. */
  tls?: { ca: Buffer; cert?: Buffer; key?: Buffer };
  /** gzip every request, as Rasa Pro's channel does. */
  gzip?: boolean;
}

export class RasaGrpcClient {
  readonly service: grpc.Client & Record<string, grpc.MethodDefinition<unknown, unknown> | ((...args: unknown[]) => unknown)>;
  readonly health: grpc.Client;
  constructor(target: string, opts: ClientOptions = {}) {
    const creds = opts.tls ? grpc.credentials.createSsl(opts.tls.ca, opts.tls.key ?? null, opts.tls.cert ?? null) : grpc.credentials.createInsecure();
    const options: grpc.ChannelOptions = opts.gzip ? { 'grpc.default_compression_algorithm': 2 } : {};
    this.service = new loaded.action_server_webhook.ActionService(target, creds, options) as RasaGrpcClient['service'];
    this.health = new loaded.grpc.health.v1.Health(target, creds, options);
  }

  private unary(client: grpc.Client, method: string, request: unknown, metadata: Record<string, string>, deadlineMs = 60_000): Promise<{ value?: unknown; error?: grpc.ServiceError; metadata: grpc.Metadata }> {
    const md = new grpc.Metadata();
    for (const [k, v] of Object.entries(metadata)) md.add(k, v);
    return new Promise((resolve) => {
      let received = new grpc.Metadata();
      const call = (client as unknown as Record<string, (...a: unknown[]) => grpc.ClientUnaryCall>)[method]!.call(
        client,
        request,
        md,
        { deadline: Date.now() + deadlineMs },
        (error: grpc.ServiceError | null, value: unknown) => resolve(error ? { error, metadata: error.metadata ?? received } : { value, metadata: received }),
      );
      call.on('metadata', (m: grpc.Metadata) => (received = m));
    });
  }

  /** Webhook with a /webhook JSON body; metadata as Rasa Pro sends endpoints.yml's `headers`. */
  async webhook(body: Json, metadata: Record<string, string> = {}): Promise<GrpcResult> {
    return this.webhookMessage(toWebhookRequest(body), metadata);
  }

  async webhookMessage(message: unknown, metadata: Record<string, string> = {}): Promise<GrpcResult> {
    const r = await this.unary(this.service, 'Webhook', message, metadata);
    if (r.error) return { ok: false, code: r.error.code, details: r.error.details, metadata: r.metadata };
    return { ok: true, body: responseJson(r.value as { events?: ProtoStruct[]; responses?: ProtoStruct[] }), metadata: r.metadata };
  }

  async actions(metadata: Record<string, string> = {}): Promise<{ names?: string[]; code?: grpc.status }> {
    const r = await this.unary(this.service, 'Actions', {}, metadata);
    if (r.error) return { code: r.error.code };
    return { names: reader.objects((r.value as { actions?: ProtoStruct[] }).actions, 1).map((a) => String(a.name)) };
  }

  async check(service: string): Promise<{ status?: string; code?: grpc.status }> {
    const r = await this.unary(this.health, 'Check', { service }, {});
    if (r.error) return { code: r.error.code };
    return { status: (r.value as { status: string }).status };
  }

  /** WebhookStream: every event received, then the call's final status. */
  stream(body: Json, metadata: Record<string, string> = {}): Promise<{ events: Json[]; code: grpc.status; details: string }> {
    const md = new grpc.Metadata();
    for (const [k, v] of Object.entries(metadata)) md.add(k, v);
    const call = (this.service as unknown as Record<string, (...a: unknown[]) => grpc.ClientReadableStream<Json>>).WebhookStream!.call(this.service, toWebhookRequest(body), md);
    const events: Json[] = [];
    return new Promise((resolve) => {
      call.on('data', (e: Json) => events.push(e));
      call.on('error', () => undefined);
      call.on('status', (s: grpc.StatusObject) => resolve({ events, code: s.code, details: s.details }));
    });
  }

  close(): void {
    this.service.close();
    this.health.close();
  }
}

/** A JSON value as a google.protobuf.Value (for hand-built requests). */
export const protoValue = toProtoValue;

export interface GrpcTestServer {
  channel: GrpcChannel;
  target: string;
  client: RasaGrpcClient;
  close(): Promise<void>;
}

/** The gRPC channel beside `http` (a startTestServer), on 127.0.0.1:0, with a client. */
export async function startGrpcBeside(http: TestServer, opts: { token?: string | string[]; tls?: GrpcTls; client?: ClientOptions; shutdownTimeoutMs?: number; tokenHeader?: string } = {}): Promise<GrpcTestServer> {
  const channel = await startGrpcChannel(
    {
      deps: http.server.rasa.webhook,
      tokens: tokenList(opts.token),
      tokenSources: { header: opts.tokenHeader },
      ipLimiter: http.server.rasa.ipLimiter,
      tls: opts.tls,
      shutdownTimeoutMs: opts.shutdownTimeoutMs ?? 5_000,
    },
    0,
    '127.0.0.1',
  );
  const target = `${opts.tls ? 'localhost' : '127.0.0.1'}:${channel.port}`;
  const client = new RasaGrpcClient(target, opts.client);
  return {
    channel,
    target,
    client,
    async close() {
      client.close();
      await channel.shutdown();
    },
  };
}
