/**
 * What `serve` loads on the embedded defaults. Every package required at start stays resident for
 * the life of the process, so libraries only some deployments use (the PostgreSQL driver,
 * RabbitMQ, JWT verification, YAML, the vendor SDKs, Sentry) are loaded when configured or first
 * used. PGlite is the default store, which the server opens right after it listens (so /ready
 * means the store answers): it is loaded then, not before /health answers. Checked in a fresh
 * process over the compiled dist/, after one /webhook call, by the packages in Node's module cache.
 */
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { ensureBuilt, ROOT } from '../support/process';

const MAIN = path.join(ROOT, 'dist', 'src', 'main', 'cli', 'main.js');

/**
 * Runs `actionbridge serve` as bin/actionbridge.js does (the CLI's imports included) in a child
 * process, makes one call, prints the loaded packages.
 */
const PROBE = `
const net = require('node:net');
const srv = net.createServer().listen(0, '127.0.0.1', () => {
  const port = srv.address().port;
  srv.close(async () => {
    const code = await require(${JSON.stringify(MAIN)}).main(['serve'], undefined, { ...process.env, PORT: String(port) });
    if (code !== -1) process.exit(1);
    const res = await fetch('http://127.0.0.1:' + port + '/webhook', {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ next_action: 'action_greet', tracker: { sender_id: 't', slots: { user_name: 'Ada' } }, domain: {} }),
    });
    const packages = new Set();
    for (const file of Object.keys(require.cache)) {
      const m = /node_modules\\/((?:@[^/]+\\/)?[^/]+)/.exec(file);
      if (m) packages.add(m[1]);
    }
    process.stdout.write(JSON.stringify({ status: res.status, packages: [...packages].sort() }) + '\\n');
    process.exit(0);
  });
});
`;

const LAZY = ['pg', 'amqplib', 'jose', 'yaml', 'rate-limiter-flexible', 'jsforce', '@hubspot/api-client', 'jira.js', '@notionhq/client', 'ioredis', '@opentelemetry/sdk-trace-node', '@opentelemetry/exporter-trace-otlp-http', '@sentry/node', '@sentry/core', '@sentry/node-core', 'nodemailer'];

describe('packages loaded by serve', () => {
  let dataDir: string;

  beforeAll(() => {
    ensureBuilt();
    dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'ab-startup-'));
  });
  afterAll(() => fs.rmSync(dataDir, { recursive: true, force: true }));

  function probe(extra: Record<string, string> = {}): { status: number; packages: string[] } {
    const env = { PATH: process.env.PATH ?? '', HOST: '127.0.0.1', LOG_LEVEL: 'error', DATA_DIR: dataDir, ...extra };
    const out = execFileSync(process.execPath, ['-e', PROBE], { cwd: ROOT, env, encoding: 'utf8', timeout: 30_000 });
    return JSON.parse(out.trim().split('\n').pop()!) as { status: number; packages: string[] };
  }

  it('leaves the optional libraries unloaded on the embedded defaults', () => {
    const { status, packages } = probe();
    expect(status).toBe(200);
    // The probe sees the modules the server did load.
    expect(packages).toEqual(expect.arrayContaining(['express', 'zod']));
    expect(packages.filter((p) => LAZY.includes(p))).toEqual([]);
  });

  it('loads @sentry/node once SENTRY_DSN is set (and only then, as above)', () => {
    // Nothing fails in the probe's call, so nothing is sent to this unreachable DSN.
    const { status, packages } = probe({ SENTRY_DSN: 'http://publickey@127.0.0.1:9/1' });
    expect(status).toBe(200);
    expect(packages).toContain('@sentry/node');
    expect(packages).not.toContain('pg');
  });

  it('loads nodemailer once a mail server is configured', () => {
    // Nothing listens there: building the mailer opens no connection, only a send would.
    const { status, packages } = probe({ SMTP_URL: 'smtp://127.0.0.1:9', SMTP_FROM: 'codes@shop.example' });
    expect(status).toBe(200);
    expect(packages).toContain('nodemailer');
  });

  it('loads jose once identity tokens are configured', () => {
    const { packages } = probe({ IDENTITY_JWT_SECRET: 'a-secret-of-enough-length-for-hs256!!', IDENTITY_JWT_ISSUER: 'https://login.example', IDENTITY_JWT_AUDIENCE: 'actionbridge' });
    expect(packages).toContain('jose');
    expect(packages).not.toContain('pg');
  });
});
