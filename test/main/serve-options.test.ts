/**
 * What the serve options change in a running server, started in-process the way `serve` starts
 * it (startServer with the variables the flags set): CORS with preflight, HTTPS (a key with a
 * passphrase, client certificates), a log file, and auto-reload of an edited action.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { startServer, type Started } from '../../src/main/serve';
import { serveEnv } from '../../src/main/cli/serve-args';
import { postWebhook, request } from '../support/http';
import { httpsGet, makeCertificates, type TestCertificates } from '../support/tls';
import { webhookBody, replyOf } from '../support/webhook-body';

/** An ES module action that says `text` (loaded through tsx, so the reload can forget it). */
const sayingAction = (name: string, text: string) => `export default {
  name: ${JSON.stringify(name)},
  kind: 'action',
  slotNames: [],
  async run({ dispatcher }) { dispatcher.utterMessage(${JSON.stringify(text)}); return []; },
};
`;

let tmp: string;
let certs: TestCertificates;
const running: Started[] = [];

beforeAll(() => {
  tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'ab-serve-options-'));
  certs = makeCertificates(tmp);
  fs.mkdirSync(path.join(tmp, 'actions'));
  fs.writeFileSync(path.join(tmp, 'actions', 'hello.mjs'), sayingAction('action_hello', 'hello'));
});

afterEach(async () => {
  for (const s of running.splice(0)) await s.server.shutdown();
});

afterAll(() => fs.rmSync(tmp, { recursive: true, force: true }));

/** Starts a server with `flags` as `actionbridge serve` would take them. */
async function serve(flags: string[], env: NodeJS.ProcessEnv = {}): Promise<Started> {
  const base = { PATH: process.env.PATH, HOST: '127.0.0.1', LOG_LEVEL: 'error', DATA_DIR: path.join(tmp, 'data'), ...env };
  const started = await startServer(serveEnv(['-p', '0', ...flags], base), { exitOnSignal: false });
  running.push(started);
  return started;
}

const urlOf = (s: Started) => `${s.protocol}://127.0.0.1:${s.address.port}`;

/** Polls until `check` holds; the bound is a count of tries, so a slow machine only waits longer. */
async function eventually(check: () => Promise<boolean>, tries = 200): Promise<boolean> {
  for (let i = 0; i < tries; i++) {
    if (await check()) return true;
    await new Promise((r) => setTimeout(r, 50));
  }
  return false;
}

describe('--cors', () => {
  it('answers a preflight from an allowed origin, before the token check, and marks its answers', async () => {
    const s = await serve(['--actions', path.join(tmp, 'actions'), '--cors', 'https://app.example.com', 'https://admin.example.com'], { ACTION_SERVER_TOKEN: 'cors-test-token' });
    const pre = await request(urlOf(s), {
      method: 'OPTIONS',
      path: '/webhook',
      headers: { Origin: 'https://admin.example.com', 'Access-Control-Request-Method': 'POST', 'Access-Control-Request-Headers': 'content-type, authorization' },
    });
    expect(pre.status).toBe(204);
    expect(pre.headers['access-control-allow-origin']).toBe('https://admin.example.com');
    expect(pre.headers['access-control-allow-methods']).toContain('POST');
    expect(pre.headers['access-control-allow-headers']).toBe('content-type, authorization');
    expect(pre.headers.vary).toBe('Origin');

    const call = await postWebhook(urlOf(s), webhookBody('action_hello'), { Origin: 'https://app.example.com', Authorization: 'Bearer cors-test-token' });
    expect(call.status).toBe(200);
    expect(call.headers['access-control-allow-origin']).toBe('https://app.example.com');
  });

  it('gives an origin not on the list no CORS headers', async () => {
    const s = await serve(['--actions', path.join(tmp, 'actions'), '--cors', 'https://app.example.com']);
    const pre = await request(urlOf(s), { method: 'OPTIONS', path: '/webhook', headers: { Origin: 'https://evil.example.net', 'Access-Control-Request-Method': 'POST' } });
    expect(pre.headers['access-control-allow-origin']).toBeUndefined();
    expect(pre.headers['access-control-allow-methods']).toBeUndefined();
    const health = await request(urlOf(s), { path: '/health', headers: { Origin: 'https://evil.example.net' } });
    expect(health.status).toBe(200);
    expect(health.headers['access-control-allow-origin']).toBeUndefined();
  });

  it('* allows any origin', async () => {
    const s = await serve(['--actions', path.join(tmp, 'actions'), '--cors', '*']);
    const pre = await request(urlOf(s), { method: 'OPTIONS', path: '/actions', headers: { Origin: 'http://localhost:3000', 'Access-Control-Request-Method': 'GET' } });
    expect(pre.status).toBe(204);
    expect(pre.headers['access-control-allow-origin']).toBe('*');
    const health = await request(urlOf(s), { path: '/health', headers: { Origin: 'http://localhost:3000' } });
    expect(health.headers['access-control-allow-origin']).toBe('*');
  });

  it('without --cors, no CORS headers at all', async () => {
    const s = await serve(['--actions', path.join(tmp, 'actions')]);
    const health = await request(urlOf(s), { path: '/health', headers: { Origin: 'https://app.example.com' } });
    expect(health.headers['access-control-allow-origin']).toBeUndefined();
  });

  it('refuses an origin that is not one (a path, a typo)', async () => {
    await expect(serve(['--cors', 'https://app.example.com/chat'])).rejects.toThrow(/CORS_ORIGINS: .* is not \* or an origin/);
    await expect(serve(['--cors', 'app.example.com'])).rejects.toThrow(/CORS_ORIGINS/);
  });
});

describe('--ssl-certificate / --ssl-keyfile / --ssl-password / --ssl-ca-file', () => {
  it('serves HTTPS with the certificate, and no plain HTTP', async () => {
    const s = await serve(['--actions', path.join(tmp, 'actions'), '--ssl-certificate', certs.cert, '--ssl-keyfile', certs.key]);
    expect(s.protocol).toBe('https');
    const health = await httpsGet(`${urlOf(s)}/health`, { ca: fs.readFileSync(certs.cert) });
    expect(health.status).toBe(200);
    expect(health.json()).toEqual({ status: 'ok' });
    await expect(request(`http://127.0.0.1:${s.address.port}`, { path: '/health' })).rejects.toThrow();
  });

  it('opens an encrypted key with the password, and names the settings when the password is wrong', async () => {
    const s = await serve(['--actions', path.join(tmp, 'actions'), '--ssl-certificate', certs.cert, '--ssl-keyfile', certs.encryptedKey, '--ssl-password', certs.password]);
    expect((await httpsGet(`${urlOf(s)}/health`, { ca: fs.readFileSync(certs.cert) })).status).toBe(200);

    const wrong = serve(['--actions', path.join(tmp, 'actions'), '--ssl-certificate', certs.cert, '--ssl-keyfile', certs.encryptedKey, '--ssl-password', 'not-the-passphrase']);
    await expect(wrong).rejects.toThrow(/^SSL_CERTIFICATE\/SSL_KEYFILE\/SSL_PASSWORD: the certificate and key cannot be used/);
    await expect(wrong).rejects.not.toThrow(/not-the-passphrase/);
  });

  it('takes the key from the certificate file when no key file is given', async () => {
    const combined = path.join(tmp, 'combined.pem');
    fs.writeFileSync(combined, Buffer.concat([fs.readFileSync(certs.cert), fs.readFileSync(certs.key)]));
    const s = await serve(['--actions', path.join(tmp, 'actions'), '--ssl-certificate', combined]);
    expect((await httpsGet(`${urlOf(s)}/health`, { ca: fs.readFileSync(certs.cert) })).status).toBe(200);
  });

  it('with a CA file, serves only clients whose certificate the CA signed', async () => {
    const s = await serve(['--actions', path.join(tmp, 'actions'), '--ssl-certificate', certs.cert, '--ssl-keyfile', certs.key, '--ssl-ca-file', certs.ca]);
    const ca = fs.readFileSync(certs.cert);
    const signed = await httpsGet(`${urlOf(s)}/health`, { ca, cert: fs.readFileSync(certs.clientCert), key: fs.readFileSync(certs.clientKey) });
    expect(signed.status).toBe(200);
    await expect(httpsGet(`${urlOf(s)}/health`, { ca })).rejects.toThrow();
    // A certificate the CA did not sign (the server's own, self-signed) is refused too.
    await expect(httpsGet(`${urlOf(s)}/health`, { ca, cert: fs.readFileSync(certs.cert), key: fs.readFileSync(certs.key) })).rejects.toThrow();
  });

  it('names a missing file, and refuses a key without a certificate', async () => {
    const missing = path.join(tmp, 'no-such-cert.pem');
    await expect(serve(['--ssl-certificate', missing])).rejects.toThrow(`SSL_CERTIFICATE: cannot read ${missing} (ENOENT)`);
    await expect(serve(['--ssl-keyfile', certs.key])).rejects.toThrow('SSL_KEYFILE needs SSL_CERTIFICATE');
  });
});

describe('--log-file', () => {
  it('appends the log lines to the file', async () => {
    const file = path.join(tmp, 'server.log');
    fs.writeFileSync(file, 'an earlier line\n');
    await serve(['--actions', path.join(tmp, 'actions'), '--log-file', file, '--quiet']);
    const s = await serve(['--actions', path.join(tmp, 'actions'), '--log-file', file, '-v']);
    expect(await eventually(async () => fs.readFileSync(file, 'utf8').includes('ActionBridge listening'))).toBe(true);
    const lines = fs.readFileSync(file, 'utf8').trim().split('\n');
    expect(lines[0]).toBe('an earlier line');
    // The --quiet server logged nothing at info; the -v one logged its start with its port.
    const listening = lines.slice(1).map((l) => JSON.parse(l) as { message: string; port?: number }).filter((l) => l.message === 'ActionBridge listening');
    expect(listening.map((l) => l.port)).toEqual([s.address.port]);
  });

  it('names a file it cannot open', async () => {
    const file = path.join(tmp, 'no-such-folder', 'server.log');
    await expect(serve(['--log-file', file])).rejects.toThrow(`LOG_FILE: cannot open ${file} for appending (ENOENT)`);
  });
});

describe('--auto-reload', () => {
  it('serves an edited action without a restart, and keeps the old one when an edit is broken', async () => {
    const dir = fs.mkdtempSync(path.join(tmp, 'reload-'));
    fs.writeFileSync(path.join(dir, 'greet.mjs'), sayingAction('action_greet_reload', 'first text'));
    const log = path.join(tmp, 'reload.log');
    const s = await serve(['--actions', dir, '--auto-reload', '--log-file', log]);
    const said = async () => replyOf((await postWebhook(urlOf(s), webhookBody('action_greet_reload'))).json()).texts;
    expect(await said()).toEqual(['first text']);

    fs.writeFileSync(path.join(dir, 'greet.mjs'), sayingAction('action_greet_reload', 'second text'));
    expect(await eventually(async () => (await said())[0] === 'second text')).toBe(true);

    // A new file adds its action.
    fs.writeFileSync(path.join(dir, 'extra.mjs'), sayingAction('action_extra', 'extra'));
    expect(await eventually(async () => JSON.stringify((await request(urlOf(s), { path: '/actions' })).json()).includes('action_extra'))).toBe(true);

    fs.writeFileSync(path.join(dir, 'greet.mjs'), 'export default {{ broken');
    expect(await eventually(async () => fs.readFileSync(log, 'utf8').includes('actions reload failed'))).toBe(true);
    const failure = fs
      .readFileSync(log, 'utf8')
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l) as { message: string; file?: string })
      .find((l) => l.message === 'actions reload failed: the previous actions stay');
    expect(failure?.file).toBe(path.relative(process.cwd(), path.join(dir, 'greet.mjs')));
    expect(await said()).toEqual(['second text']);
    expect((await request(urlOf(s), { path: '/actions' })).json()).toEqual([{ name: 'action_extra' }, { name: 'action_greet_reload' }]);
  });
});
