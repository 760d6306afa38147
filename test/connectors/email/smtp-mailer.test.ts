import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { loadConnectorsConfig } from '../../../src/connectors/config';
import { ConnectorError } from '../../../src/connectors/kit/connector-error';
import { Gateway } from '../../../src/connectors/kit/gateway';
import { createSystems } from '../../../src/connectors/registry';
import { redactString } from '../../../src/observability/redact';
import type { Mailer } from '../../../src/ports/mailer';
import { memoryStore } from '../../support/connectors';
import { captureLogs } from '../../support/log-capture';
import { startSmtpSink, type SmtpSink } from '../../support/smtp-sink';
import { problemsOf } from '../../support/config-problems';

const FROM = 'Shop <codes@shop.example>';
const message = { to: 'grace@example.com', subject: 'Your code', text: 'Type this code into the chat to confirm: 123456' };


async function failureOf(p: Promise<unknown>): Promise<ConnectorError> {
  const err = await p.then(
    () => undefined,
    (e: unknown) => e,
  );
  if (!(err instanceof ConnectorError)) throw new Error(`expected a ConnectorError, got ${String(err)}`);
  return err;
}

/** The mailer as the composition root builds it, from the environment. */
function mailerFrom(env: Record<string, string>, gateway?: Gateway): Mailer {
  const systems = createSystems(loadConnectorsConfig(env), { store: memoryStore(), ...(gateway ? { gateway } : {}) });
  if (!systems.mailer) throw new Error('no mailer built');
  return systems.mailer;
}

describe('SMTP settings', () => {
  it('builds no mailer without SMTP_URL', () => {
    expect(createSystems(loadConnectorsConfig({}), { store: memoryStore() }).mailer).toBeUndefined();
  });

  it('needs SMTP_FROM, an smtp(s) URL and a sender address, and never repeats the password', () => {
    expect(problemsOf({ SMTP_URL: 'smtp://mail.example:587' })).toEqual(['SMTP_FROM is required when SMTP_URL is set (or set SMTP_FROM_FILE to a file holding it)']);
    expect(problemsOf({ SMTP_URL: 'https://u:hunter2-pass@mail.example', SMTP_FROM: 'a@b.example' })).toEqual(["SMTP_URL: 'https://[secret]@mail.example' is not an smtp:// or smtps:// URL"]);
    expect(problemsOf({ SMTP_URL: 'smtp://mail.example', SMTP_FROM: 'codes at shop' })).toEqual([`SMTP_FROM: 'codes at shop' is not an email address such as codes@shop.example or "Shop <codes@shop.example>"`]);
    expect(problemsOf({ SMTP_URL: 'smtps://mail.example', SMTP_FROM: FROM })).toEqual([]);
  });

  it('reads SMTP_URL from SMTP_URL_FILE and keeps its password out of logs', () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'ab-smtp-'));
    const file = path.join(dir, 'smtp-url');
    fs.writeFileSync(file, 'smtp://codes:s3cret%2Ffrom-file@mail.example:587\n');
    try {
      const c = loadConnectorsConfig({ SMTP_URL_FILE: file, SMTP_FROM: FROM });
      expect(c.mail).toEqual({ url: 'smtp://codes:s3cret%2Ffrom-file@mail.example:587', from: FROM });
      expect(redactString('login with s3cret/from-file failed')).toBe('login with [secret] failed');
      expect(redactString('login with s3cret%2Ffrom-file failed')).toBe('login with [secret] failed');
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });

  it("gives the email connector its policy, under the environment's overrides", () => {
    const sink = 'smtp://127.0.0.1:2525';
    const built = createSystems(loadConnectorsConfig({ SMTP_URL: sink, SMTP_FROM: FROM }), { store: memoryStore() });
    expect(built.gateway.policyOf('email')).toMatchObject({ maxAttempts: 2, deadlineMs: 20_000 });
    const overridden = createSystems(loadConnectorsConfig({ SMTP_URL: sink, SMTP_FROM: FROM, SMTP_MAX_ATTEMPTS: '1', SMTP_TIMEOUT_MS: '3000' }), { store: memoryStore() });
    expect(overridden.gateway.policyOf('email')).toMatchObject({ maxAttempts: 1, attemptTimeoutMs: 3000 });
  });
});

describe('SmtpMailer against a real SMTP server', () => {
  let sink: SmtpSink;
  afterEach(() => sink?.close());

  it('sends a plain-text mail from SMTP_FROM, logging in with the credentials in SMTP_URL', async () => {
    sink = await startSmtpSink({ auth: { user: 'codes', pass: 'p@ss word' } });
    await mailerFrom({ SMTP_URL: sink.url, SMTP_FROM: FROM }).send(message);
    expect(sink.received).toHaveLength(1);
    const [mail] = sink.received;
    expect(mail).toMatchObject({ from: 'codes@shop.example', to: ['grace@example.com'], subject: 'Your code' });
    expect(mail!.headers['content-type']).toMatch(/^text\/plain/);
    expect(mail!.text).toBe(message.text);
  });

  it('fails with auth on wrong credentials, once, and logs neither the password nor the recipient', async () => {
    sink = await startSmtpSink({ auth: { user: 'codes', pass: 'right-pass' } });
    const logs = captureLogs('debug');
    const gateway = new Gateway({ logger: logs.logger });
    const url = sink.url.replace('right-pass', 'wrong-pass-4711');
    const err = await failureOf(mailerFrom({ SMTP_URL: url, SMTP_FROM: FROM }, gateway).send(message));
    expect(err).toMatchObject({ kind: 'auth', connector: 'email', status: 535, retry: 'never' });
    expect(sink.received).toEqual([]);
    expect(logs.text()).toContain('connector call failed');
    expect(logs.text()).not.toContain('wrong-pass-4711');
    expect(logs.text()).not.toContain('grace@example.com');
  });

  it('takes a refused recipient as final, without the server quoting the address back', async () => {
    sink = await startSmtpSink({ refuseRecipients: 550 });
    const retries: unknown[] = [];
    const err = await failureOf(mailerFrom({ SMTP_URL: sink.url, SMTP_FROM: FROM }, new Gateway({ onRetry: (e) => retries.push(e) })).send(message));
    expect(err).toMatchObject({ kind: 'validation', status: 550, retry: 'never' });
    expect(err.message).not.toContain('grace');
    expect(retries).toEqual([]);
  });

  it('tries a deferred message once more, then says the mail server is unavailable', async () => {
    sink = await startSmtpSink({ refuseRecipients: 451 });
    const retries: unknown[] = [];
    const gateway = new Gateway({ onRetry: (e) => retries.push(e), defaults: { initialDelayMs: 1, maxDelayMs: 1 } });
    const err = await failureOf(mailerFrom({ SMTP_URL: sink.url, SMTP_FROM: FROM }, gateway).send(message));
    expect(err).toMatchObject({ kind: 'upstream_unavailable', status: 451, retry: 'safe' });
    expect(retries).toHaveLength(1);
  });

  it('says the mail server is unavailable when nothing listens', async () => {
    const port = await new Promise<number>((resolve) => {
      const s = net.createServer().listen(0, '127.0.0.1', () => {
        const p = (s.address() as net.AddressInfo).port;
        s.close(() => resolve(p));
      });
    });
    const gateway = new Gateway({ defaults: { initialDelayMs: 1, maxDelayMs: 1 } });
    const err = await failureOf(mailerFrom({ SMTP_URL: `smtp://127.0.0.1:${port}`, SMTP_FROM: FROM }, gateway).send(message));
    expect(err).toMatchObject({ kind: 'upstream_unavailable', connector: 'email' });
  });
});
