/**
 * The bytes of Webhook and WebhookStream, read and written without @grpc/proto-loader's
 * `toObject`/`fromObject` round: protobufjs' generated decoder reads the typed messages
 * (WebhookRequest, Tracker, Domain, ...), but every google.protobuf.Struct in them is read
 * straight to JSON by struct-wire.ts; answers are written from the /webhook JSON with protobufjs'
 * Writer. Same messages in, same bytes out, a fraction of the CPU and garbage for large trackers.
 *
 * protobufjs is @grpc/proto-loader's own dependency, loaded from there (not a dependency of ours).
 */
import path from 'node:path';
import type * as Protobuf from 'protobufjs';
import type { ProtoWebhookRequest } from './messages';
import { readStruct, writeStructFields, type WireCursor, type WireWriter } from './struct-wire';
import type { JsonObject } from './struct';

/** The /webhook answer's lists, as a WebhookResponse carries them. */
export interface WebhookResponseJson {
  events: JsonObject[];
  responses: JsonObject[];
}

/** The WebhookStreamEvent members this server sends. */
export type StreamEventJson = { final_result: WebhookResponseJson } | { error: { action_name: string; message: string } };

export interface WebhookCodec {
  /** A WebhookRequest's bytes as messages.ts reads them; Structs are WireStructs. Throws on bad bytes, as protobufjs does. */
  decodeRequest(bytes: Uint8Array): ProtoWebhookRequest;
  encodeResponse(response: WebhookResponseJson): Buffer;
  encodeStreamEvent(event: StreamEventJson): Buffer;
}

type ProtobufModule = typeof Protobuf;

/* eslint-disable @typescript-eslint/no-require-imports -- proto-loader's copy, loaded with gRPC */
/** protobufjs as @grpc/proto-loader resolves it. */
export function protobufOfLoader(): ProtobufModule {
  const loaderDir = path.dirname(require.resolve('@grpc/proto-loader'));
  return require(require.resolve('protobufjs', { paths: [loaderDir] })) as ProtobufModule;
}
/* eslint-enable @typescript-eslint/no-require-imports */

/** Own fields only: what the wire carried, as `toObject` with `defaults: false` (repeated and map fields are always own). */
function present<T>(message: object): T {
  return { ...message } as T;
}

function plainRequest(m: Protobuf.Message): ProtoWebhookRequest {
  const req = present<ProtoWebhookRequest>(m);
  if (req.tracker) req.tracker = present(req.tracker);
  if (req.domain) {
    const domain = present<NonNullable<ProtoWebhookRequest['domain']>>(req.domain);
    for (const key of ['intents', 'entities', 'actions'] as const) {
      const list = domain[key];
      if (list) domain[key] = list.map((item) => present(item));
    }
    req.domain = domain;
  }
  return req;
}

/** A codec for the action proto at `actionProto` (its own protobufjs Root, so no other loader's types are touched). */
export function webhookCodec(protobuf: ProtobufModule, actionProto: string): WebhookCodec {
  const root = new protobuf.Root();
  root.loadSync(actionProto, { keepCase: true });
  root.resolveAll();
  const requestType = root.lookupType('action_server_webhook.WebhookRequest');
  const structType = root.lookupType('google.protobuf.Struct');
  // The generated decoders call `types[i].decode(reader, length, end, depth)` on the Struct type;
  // set it up first (setup would overwrite decode), then read Structs to JSON in its place.
  structType.setup();
  (structType as unknown as { decode: (r: WireCursor, length: number | undefined, end: number | undefined, depth: number | undefined) => unknown }).decode = (r, length, _end, depth) => {
    if (length === undefined) throw new Error('a Struct encoded as a group is not supported');
    return readStruct(r, length, depth ?? 0);
  };

  const writeResponse = (w: WireWriter, res: WebhookResponseJson): void => {
    for (const event of res.events) {
      writeStructFields(w.uint32(10).fork(), event);
      w.ldelim();
    }
    for (const response of res.responses) {
      writeStructFields(w.uint32(18).fork(), response);
      w.ldelim();
    }
  };

  const finish = (w: Protobuf.Writer): Buffer => {
    const bytes = w.finish();
    return Buffer.isBuffer(bytes) ? bytes : Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  };

  return {
    decodeRequest: (bytes) => plainRequest(requestType.decode(bytes)),
    encodeResponse(response) {
      const w = protobuf.Writer.create() as unknown as WireWriter & Protobuf.Writer;
      writeResponse(w, response);
      return finish(w);
    },
    encodeStreamEvent(event) {
      const w = protobuf.Writer.create() as unknown as WireWriter & Protobuf.Writer;
      if ('final_result' in event) {
        writeResponse(w.uint32(34).fork(), event.final_result);
        w.ldelim();
      } else {
        w.uint32(42).fork().uint32(10).string(event.error.action_name).uint32(18).string(event.error.message).ldelim();
      }
      return finish(w);
    },
  };
}
