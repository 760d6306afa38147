/**
 * What only the gRPC transport has: the token in metadata, TLS (and client certificates), health
 * checking, undecodable or too deeply nested messages, the Actions and WebhookStream methods,
 * gzip as Rasa Pro sends it, and graceful shutdown.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import * as grpc from '@grpc/grpc-js';
import { echoAction, gatedAction } from '../../support/actions';
import { makeCertificates, type TestCertificates } from '../../support/tls';
import { registryOf, startTestServer, type TestServer } from '../../support/server';
import { webhookBody } from '../../support/webhook-body';
import { RasaGrpcClient, startGrpcBeside, type GrpcTestServer } from '../../support/grpc';
import { startGrpcChannel } from '../../../src/channels/grpc/server';
import { peerAddress } from '../../../src/channels/grpc/server';

const TOKEN = 'tok-grpc-5b1e';

/** Protobuf's length-delimited field, by hand, to build messages protobufjs itself would refuse to encode. */
function varint(n: number): Buffer {
  const out: number[] = [];
  while (n > 127) {
    out.push((n & 127) | 128);
    n >>>= 7;
  }
  out.push(n);
  return Buffer.from(out);
}
const field = (no: number, bytes: Buffer): Buffer => Buffer.concat([varint((no << 3) | 2), varint(bytes.length), bytes]);
const str = (s: string) => Buffer.from(s, 'utf8');
/** A Struct `{d: {d: ... "x"}}` nested `depth` times (Struct.fields entry → Value.struct_value → Struct...). */
function deepStruct(depth: number): Buffer {
  let value = field(3, str('x'));
  for (let i = 0; i < depth; i++) value = field(5, field(1, Buffer.concat([field(1, str('d')), field(2, value)])));
  return field(1, Buffer.concat([field(1, str('deep')), field(2, value)]));
}
/** next_action, a tracker whose slots hold the deep Struct, and an empty domain (so no handshake). */
const deepRequest = (depth: number) => Buffer.concat([field(1, str('action_echo')), field(3, Buffer.concat([field(1, str('s')), field(2, deepStruct(depth))])), field(4, Buffer.alloc(0))]);

/** Sends raw bytes to ActionService/Webhook. */
function rawWebhook(target: string, bytes: Buffer): Promise<{ code: grpc.status; details: string }> {
  const client = new grpc.Client(target, grpc.credentials.createInsecure());
  return new Promise((resolve) => {
    client.makeUnaryRequest(
      '/action_server_webhook.ActionService/Webhook',
      (b: Buffer) => b,
      (b: Buffer) => b,
      bytes,
      (err) => {
        client.close();
        resolve(err ? { code: err.code, details: err.details } : { code: grpc.status.OK, details: '' });
      },
    );
  });
}

describe('gRPC channel', () => {
  let s: TestServer;
  beforeAll(async () => {
    s = await startTestServer(registryOf(echoAction));
  });
  afterAll(() => s.close());

  describe('token in metadata (ACTION_SERVER_TOKEN)', () => {
    let g: GrpcTestServer;
    beforeAll(async () => {
      g = await startGrpcBeside(s, { token: TOKEN, tokenHeader: 'x-rasa-key' });
    });
    afterAll(() => g.close());

    it('without it: UNAUTHENTICATED with a JSON detail, and the action does not run', async () => {
      const r = await g.client.webhook(webhookBody('action_echo', { senderId: 'authed' }));
      expect(r.ok).toBe(false);
      if (r.ok) return;
      expect(r.code).toBe(grpc.status.UNAUTHENTICATED);
      expect(JSON.parse(r.details)).toMatchObject({ code: 'unauthorized', error: expect.any(String) });
      expect(r.details.includes('authed')).toBe(false);
    });
    it('a wrong one: UNAUTHENTICATED', async () => {
      const r = await g.client.webhook(webhookBody('action_echo'), { authorization: `Bearer ${TOKEN}x` });
      expect(r.ok ? grpc.status.OK : r.code).toBe(grpc.status.UNAUTHENTICATED);
    });
    it.each([
      ['authorization: Bearer', { authorization: `Bearer ${TOKEN}` }],
      ['x-action-token', { 'x-action-token': TOKEN }],
      ['the ACTION_SERVER_TOKEN_HEADER key', { 'x-rasa-key': TOKEN }],
    ])('as %s: runs', async (_label, md) => {
      const r = await g.client.webhook(webhookBody('action_echo', { senderId: 'authed' }), md);
      expect(r.ok).toBe(true);
      if (r.ok) expect(r.body.responses[0]!.text).toBe('hello authed');
    });
    it('Actions needs it too (as GET /actions)', async () => {
      expect((await g.client.actions()).code).toBe(grpc.status.UNAUTHENTICATED);
      expect((await g.client.actions({ authorization: `Bearer ${TOKEN}` })).names).toEqual(['action_echo']);
    });
    it('health checks do not', async () => {
      expect(await g.client.check('')).toEqual({ status: 'SERVING' });
    });
  });

  describe('TLS', () => {
    let dir: string;
    let certs: TestCertificates;
    const read = (f: string) => fs.readFileSync(f);
    beforeAll(() => {
      dir = fs.mkdtempSync(path.join(os.tmpdir(), 'grpc-tls-'));
      certs = makeCertificates(dir);
    });
    afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

    it('serves over TLS with the certificate (its key encrypted under SSL_PASSWORD); a plaintext client gets nowhere', async () => {
      const g = await startGrpcBeside(s, { tls: { cert: read(certs.cert), key: read(certs.encryptedKey), passphrase: certs.password }, client: { tls: { ca: read(certs.cert) } } });
      try {
        const r = await g.client.webhook(webhookBody('action_echo', { senderId: 'over-tls' }));
        expect(r.ok && r.body.responses[0]!.text).toBe('hello over-tls');
        const plain = new RasaGrpcClient(`127.0.0.1:${g.channel.port}`);
        try {
          const p = await plain.webhook(webhookBody('action_echo'));
          expect(p.ok).toBe(false);
          if (!p.ok) expect(p.code).toBe(grpc.status.UNAVAILABLE);
        } finally {
          plain.close();
        }
      } finally {
        await g.close();
      }
    });

    it('with SSL_CA_FILE a client must present a certificate that CA signed', async () => {
      const tls = { cert: read(certs.cert), key: read(certs.key), ca: read(certs.ca) };
      const g = await startGrpcBeside(s, { tls, client: { tls: { ca: read(certs.cert), cert: read(certs.clientCert), key: read(certs.clientKey) } } });
      const anonymous = new RasaGrpcClient(g.target, { tls: { ca: read(certs.cert) } });
      try {
        expect((await g.client.webhook(webhookBody('action_echo'))).ok).toBe(true);
        const r = await anonymous.webhook(webhookBody('action_echo'));
        expect(r.ok).toBe(false);
      } finally {
        anonymous.close();
        await g.close();
      }
    });
  });

  describe('messages that cannot be read', () => {
    let g: GrpcTestServer;
    beforeAll(async () => {
      g = await startGrpcBeside(s);
    });
    afterAll(() => g.close());

    it('bytes that are not a WebhookRequest: INVALID_ARGUMENT with a JSON detail', async () => {
      // Field 15 with wire type 7, which protobuf does not have.
      const r = await rawWebhook(g.target, Buffer.from([0x7f, 0x01, 0x02]));
      expect(r.code).toBe(grpc.status.INVALID_ARGUMENT);
      expect(JSON.parse(r.details)).toMatchObject({ code: 'invalid_request', error: expect.stringMatching(/not a valid message/) });
    });

    it('a Struct nested past the decoder\'s limit: INVALID_ARGUMENT, and the server goes on', async () => {
      const r = await rawWebhook(g.target, deepRequest(5_000));
      expect(r.code).toBe(grpc.status.INVALID_ARGUMENT);
      expect(JSON.parse(r.details)).toMatchObject({ code: 'invalid_request', error: expect.stringMatching(/nested too deeply/) });
      expect((await g.client.webhook(webhookBody('action_echo'))).ok).toBe(true);
    });

    it('the hand-made encoding is right: a shallow one runs', async () => {
      expect((await rawWebhook(g.target, deepRequest(3))).code).toBe(grpc.status.OK);
    });
  });

  it('nesting past JSON_MAX_DEPTH (but within protobuf\'s limit) is INVALID_ARGUMENT, as /webhook\'s 400', async () => {
    const channel = await startGrpcChannel({ deps: { ...s.server.rasa.webhook, jsonMaxDepth: 8 }, shutdownTimeoutMs: 5_000 }, 0, '127.0.0.1');
    const client = new RasaGrpcClient(`127.0.0.1:${channel.port}`);
    try {
      let deep: unknown = 'x';
      for (let i = 0; i < 10; i++) deep = { d: deep };
      const body = webhookBody('action_echo');
      (body.tracker as Record<string, unknown>).slots = { deep };
      const r = await client.webhook(body);
      expect(r.ok ? grpc.status.OK : r.code).toBe(grpc.status.INVALID_ARGUMENT);
      if (!r.ok) expect(JSON.parse(r.details)).toMatchObject({ code: 'invalid_request', error: expect.stringMatching(/8/) });
      expect((await client.webhook(webhookBody('action_echo'))).ok).toBe(true);
    } finally {
      client.close();
      await channel.shutdown();
    }
  });

  describe('the other methods', () => {
    let g: GrpcTestServer;
    beforeAll(async () => {
      g = await startGrpcBeside(s, { client: { gzip: true } });
    });
    afterAll(() => g.close());

    it('gzip-compressed calls (as Rasa Pro sends them) run, and the request id comes back as metadata', async () => {
      const r = await g.client.webhook(webhookBody('action_echo', { senderId: 'zipped' }), { 'x-request-id': 'rasa-req-7' });
      expect(r.ok && r.body.responses[0]!.text).toBe('hello zipped');
      expect(r.metadata.get('x-request-id')).toEqual(['rasa-req-7']);
    });

    it('Actions lists the registered actions as [{name}]', async () => {
      expect(await g.client.actions()).toEqual({ names: ['action_echo'] });
    });

    it('WebhookStream answers one final_result equal to Webhook\'s answer', async () => {
      const streamed = await g.client.stream(webhookBody('action_echo', { senderId: 'streamed' }));
      expect(streamed.code).toBe(grpc.status.OK);
      expect(streamed.events).toHaveLength(1);
      expect(streamed.events[0]!.event).toBe('final_result');
    });

    it('WebhookStream of an unknown action: an error event, then NOT_FOUND with the ACTION detail', async () => {
      const streamed = await g.client.stream(webhookBody('action_nope'));
      expect(streamed.code).toBe(grpc.status.NOT_FOUND);
      expect(JSON.parse(streamed.details)).toMatchObject({ action_name: 'action_nope', resource_type: 'ACTION' });
      expect(streamed.events.map((e) => e.event)).toEqual(['error']);
    });

    it('health: SERVING for the server and the action service, NOT_FOUND for another name', async () => {
      expect(await g.client.check('')).toEqual({ status: 'SERVING' });
      expect(await g.client.check('action_server_webhook.ActionService')).toEqual({ status: 'SERVING' });
      expect(await g.client.check('ActionServer')).toEqual({ status: 'SERVING' });
      expect(await g.client.check('no.such.Service')).toEqual({ code: grpc.status.NOT_FOUND });
    });
  });

  describe('graceful shutdown', () => {
    it('lets an in-flight call finish, tells health watchers NOT_SERVING, then closes', async () => {
      const gate = gatedAction('action_slow');
      const slow = await startTestServer(registryOf(gate.action));
      const g = await startGrpcBeside(slow);
      try {
        const watch = (g.client.health as unknown as { Watch(req: object): grpc.ClientReadableStream<{ status: string }> }).Watch({ service: '' });
        const statuses: string[] = [];
        const watchEnded = new Promise<void>((resolve) => {
          watch.on('data', (m: { status: string }) => statuses.push(m.status));
          watch.on('error', () => resolve());
          watch.on('end', () => resolve());
        });
        const inFlight = g.client.webhook(webhookBody('action_slow'));
        await gate.started;
        const closed = g.channel.shutdown();
        gate.release();
        const r = await inFlight;
        expect(r.ok && r.body.responses[0]!.text).toBe('finally done');
        await closed;
        await watchEnded;
        expect(statuses).toEqual(['SERVING', 'NOT_SERVING']);
        const after = await g.client.webhook(webhookBody('action_slow'));
        expect(after.ok).toBe(false);
      } finally {
        gate.release();
        await g.close();
        await slow.close();
      }
    });

    it('cuts a call that outlasts the shutdown timeout', async () => {
      const gate = gatedAction('action_stuck');
      const stuck = await startTestServer(registryOf(gate.action));
      const g = await startGrpcBeside(stuck, { shutdownTimeoutMs: 300 });
      try {
        const inFlight = g.client.webhook(webhookBody('action_stuck'));
        await gate.started;
        await g.channel.shutdown();
        const r = await inFlight;
        expect(r.ok).toBe(false);
      } finally {
        gate.release();
        await g.close();
        await stuck.close();
      }
    });
  });

  it.each([
    ['ipv4:127.0.0.1:5000', '127.0.0.1'],
    ['127.0.0.1:5000', '127.0.0.1'],
    ['ipv6:[::1]:5000', '::1'],
    ['[::ffff:10.0.0.1]:5000', '::ffff:10.0.0.1'],
    ['unix:/tmp/s', 'unix:/tmp/s'],
  ])('the IP limit keys %s on %s', (peer, address) => {
    expect(peerAddress(peer)).toBe(address);
  });
});
