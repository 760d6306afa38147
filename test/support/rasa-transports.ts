/**
 * The Rasa action call over either transport, read back in one vocabulary, so a conformance case
 * is written once and run over /webhook (HTTP) and ActionService/Webhook (gRPC): what Rasa
 * concludes from the answer (ran with these events and responses, unknown action, resend with
 * the domain, rejected, bad input, crashed, refused for the token).
 */
import * as grpc from '@grpc/grpc-js';
import { postWebhook } from './http';
import { startGrpcBeside, type ClientOptions } from './grpc';
import type { TestServer } from './server';

type Json = Record<string, unknown>;

export type CallOutcome =
  | { kind: 'ran'; events: Json[]; responses: Json[] }
  | { kind: 'action_not_found'; action_name: string }
  | { kind: 'domain_not_found'; action_name: string }
  | { kind: 'rejected'; action_name: string; message: string }
  | { kind: 'invalid'; body: Json }
  | { kind: 'internal'; body: Json; raw: string }
  | { kind: 'unauthenticated' }
  | { kind: 'other'; status: string; raw: string };

export interface RasaTransport {
  readonly name: 'http' | 'grpc';
  call(body: Json, auth?: Record<string, string>): Promise<CallOutcome>;
  close(): Promise<void>;
}

const parse = (text: string): Json => {
  try {
    const v = JSON.parse(text) as unknown;
    return typeof v === 'object' && v !== null ? (v as Json) : {};
  } catch {
    return {};
  }
};

function httpTransport(s: TestServer): RasaTransport {
  return {
    name: 'http',
    async call(body, auth = {}) {
      const res = await postWebhook(s.url, body, auth);
      const json = parse(res.text);
      if (res.status === 200) return res.text === 'null' ? { kind: 'ran', events: [], responses: [] } : { kind: 'ran', events: json.events as Json[], responses: json.responses as Json[] };
      if (res.status === 404 && typeof json.action_name === 'string') return { kind: 'action_not_found', action_name: json.action_name };
      if (res.status === 449) return { kind: 'domain_not_found', action_name: String(json.action_name) };
      if (res.status === 400 && json.code === undefined && typeof json.action_name === 'string') return { kind: 'rejected', action_name: json.action_name, message: String(json.error) };
      if (res.status === 400) return { kind: 'invalid', body: json };
      if (res.status === 401) return { kind: 'unauthenticated' };
      if (res.status === 500) return { kind: 'internal', body: json, raw: res.text };
      return { kind: 'other', status: String(res.status), raw: res.text };
    },
    close: async () => undefined,
  };
}

async function grpcTransport(s: TestServer, opts: { token?: string; client?: ClientOptions }): Promise<RasaTransport> {
  const g = await startGrpcBeside(s, opts);
  return {
    name: 'grpc',
    async call(body, auth = {}) {
      const res = await g.client.webhook(body, Object.fromEntries(Object.entries(auth).map(([k, v]) => [k.toLowerCase(), v])));
      if (res.ok) return { kind: 'ran', events: res.body.events, responses: res.body.responses };
      const json = parse(res.details);
      if (res.code === grpc.status.NOT_FOUND && json.resource_type === 'ACTION') return { kind: 'action_not_found', action_name: String(json.action_name) };
      if (res.code === grpc.status.NOT_FOUND && json.resource_type === 'DOMAIN') return { kind: 'domain_not_found', action_name: String(json.action_name) };
      if (res.code === grpc.status.INTERNAL && json.code === undefined && typeof json.action_name === 'string') return { kind: 'rejected', action_name: json.action_name, message: String(json.message) };
      if (res.code === grpc.status.INVALID_ARGUMENT) return { kind: 'invalid', body: json };
      if (res.code === grpc.status.UNAUTHENTICATED) return { kind: 'unauthenticated' };
      if (res.code === grpc.status.INTERNAL) return { kind: 'internal', body: json, raw: res.details };
      return { kind: 'other', status: grpc.status[res.code] ?? String(res.code), raw: res.details };
    },
    close: () => g.close(),
  };
}

/** Both transports, for `describe.each`: each opens its way in to a started test server. */
export const TRANSPORTS: [string, (s: TestServer, opts?: { token?: string; client?: ClientOptions }) => Promise<RasaTransport>][] = [
  ['HTTP /webhook', async (s) => httpTransport(s)],
  ['gRPC ActionService/Webhook', (s, opts = {}) => grpcTransport(s, opts)],
];
