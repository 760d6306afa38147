/**
 * `serve --grpc`, started in-process as `serve` starts it: the gRPC channel listens beside the
 * HTTP server, uses the same token and TLS settings, shares /webhook's domain cache (a domain
 * given over one transport answers a digest-only call over the other), and stops with it.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import * as grpc from '@grpc/grpc-js';
import { startServer, type Started } from '../../src/main/serve';
import { serveEnv, ServeUsageError } from '../../src/main/cli/serve-args';
import { loadGrpcConfig, DEFAULT_GRPC_PORT } from '../../src/channels/grpc/config';
import { ConfigError } from '../../src/config';
import { postWebhook } from '../support/http';
import { makeCertificates, type TestCertificates } from '../support/tls';
import { webhookBody } from '../support/webhook-body';
import { RasaGrpcClient } from '../support/grpc';

const sayingAction = `export default {
  name: 'action_hello',
  kind: 'action',
  slotNames: [],
  async run({ dispatcher, domain }) { dispatcher.utterMessage('hello ' + JSON.stringify(domain)); return []; },
};
`;

let tmp: string;
let certs: TestCertificates;
beforeAll(() => {
  tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'ab-grpc-serve-'));
  certs = makeCertificates(tmp);
  fs.mkdirSync(path.join(tmp, 'actions'));
  fs.writeFileSync(path.join(tmp, 'actions', 'hello.mjs'), sayingAction);
});
afterAll(() => fs.rmSync(tmp, { recursive: true, force: true }));

const serve = (flags: string[]): Promise<Started> =>
  startServer(serveEnv(['-p', '0', '--actions', path.join(tmp, 'actions'), ...flags], { PATH: process.env.PATH, HOST: '127.0.0.1', LOG_LEVEL: 'error', DATA_DIR: path.join(tmp, 'data') }), { exitOnSignal: false });

describe('settings', () => {
  it('off unless GRPC=true or GRPC_PORT is set; GRPC=false wins', () => {
    expect(loadGrpcConfig({})).toBeNull();
    expect(loadGrpcConfig({ GRPC: 'true' })).toEqual({ port: DEFAULT_GRPC_PORT });
    expect(loadGrpcConfig({ GRPC_PORT: '6000' })).toEqual({ port: 6000 });
    expect(loadGrpcConfig({ GRPC: 'false', GRPC_PORT: '6000' })).toBeNull();
  });
  it('bad values are configuration problems naming the variable', () => {
    expect(() => loadGrpcConfig({ GRPC: 'yes please' })).toThrow(ConfigError);
    expect(() => loadGrpcConfig({ GRPC_PORT: '70000' })).toThrow(/GRPC_PORT/);
  });
  it('--grpc and --grpc-port set the variables; a bad port is a usage error', () => {
    expect(serveEnv(['--grpc'], {}).GRPC).toBe('true');
    expect(serveEnv(['--grpc-port', '7000'], {}).GRPC_PORT).toBe('7000');
    expect(() => serveEnv(['--grpc-port', 'http'], {})).toThrow(ServeUsageError);
  });
});

// The first start in a fresh DATA_DIR creates the embedded database: slow on a loaded machine.
jest.setTimeout(180_000);

describe('serve --grpc', () => {
  it('serves both transports with one domain cache and one token, and stops both', async () => {
    const started = await startServer(
      serveEnv(['-p', '0', '--grpc', '--grpc-port', '0', '--actions', path.join(tmp, 'actions')], {
        PATH: process.env.PATH,
        HOST: '127.0.0.1',
        LOG_LEVEL: 'error',
        DATA_DIR: path.join(tmp, 'data'),
        ACTION_SERVER_TOKEN: 'tok-serve-grpc',
      }),
      { exitOnSignal: false },
    );
    const port = started.grpc?.port;
    expect(typeof port).toBe('number');
    const client = new RasaGrpcClient(`127.0.0.1:${port}`);
    try {
      const auth = { authorization: 'Bearer tok-serve-grpc' };
      expect((await client.webhook(webhookBody('action_hello'))).ok).toBe(false);
      // The domain arrives over HTTP under a digest ...
      const http = await postWebhook(`http://127.0.0.1:${started.address.port}`, webhookBody('action_hello', {}, { domain: { slots: { a: {} } }, domain_digest: 'model-1' }), { Authorization: 'Bearer tok-serve-grpc' });
      expect(http.status).toBe(200);
      // ... and a digest-only gRPC call gets it from the shared cache.
      const body = webhookBody('action_hello', {}, { domain_digest: 'model-1' });
      delete body.domain;
      const r = await client.webhook(body, auth);
      expect(r.ok && r.body.responses[0]!.text).toBe('hello {"slots":{"a":{}}}');
    } finally {
      client.close();
      await started.server.shutdown();
    }
    const after = new RasaGrpcClient(`127.0.0.1:${port}`);
    try {
      const r = await after.webhook(webhookBody('action_hello'));
      expect(r.ok ? grpc.status.OK : r.code).toBe(grpc.status.UNAVAILABLE);
    } finally {
      after.close();
    }
  });

  it('with --ssl-certificate the gRPC port speaks TLS too', async () => {
    const started = await serve(['--grpc-port', '0', '--ssl-certificate', certs.cert, '--ssl-keyfile', certs.key]);
    const client = new RasaGrpcClient(`localhost:${started.grpc!.port}`, { tls: { ca: fs.readFileSync(certs.cert) } });
    try {
      const body = webhookBody('action_hello', {}, { domain: { slots: {} } });
      const r = await client.webhook(body);
      expect(r.ok && r.body.responses[0]!.text).toBe('hello {"slots":{}}');
    } finally {
      client.close();
      await started.server.shutdown();
    }
  });

  it('without the flag no gRPC port is opened', async () => {
    const started = await serve([]);
    try {
      expect(started.grpc).toBeUndefined();
    } finally {
      await started.server.shutdown();
    }
  });
});
