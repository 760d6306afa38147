/**
 * Finding 15 of the security audit (#13): `OTEL_EXPORTER_OTLP_ENDPOINT=http://user:pass@…` and a
 * bad `WORKFLOW_WEBHOOK_URL` were printed with their passwords. The user-info part of every URL
 * is now scrubbed wherever it is written (log lines, configuration problems, the CLI's errors),
 * whatever the variable's name.
 */
import { main, type Io } from '../../src/main/cli/main';
import { redactString } from '../../src/observability/redact';
import { replaceUrlUserinfo } from '../../src/observability/redact-scan';
import { captureLogs } from '../support/log-capture';

describe('credentials inside URLs', () => {
  it.each([
    ['http://otel:tracepw@127.0.0.1:4318/v1/traces', 'http://[secret]@127.0.0.1:4318/v1/traces'],
    ['amqps://guest:s3cr3t!@rabbit.internal/vhost', 'amqps://[secret]@rabbit.internal/vhost'],
    ['redis://:onlypassword@cache:6379', 'redis://[secret]@cache:6379'],
    ['see ftp://bob:hunter2@files.example and https://ann:pw@x.example/a?b=c', 'see ftp://[secret]@files.example and https://[secret]@x.example/a?b=c'],
    ['https://example.com/path?next=https://other.example', 'https://example.com/path?next=https://other.example'],
    ['no url here: a://@b', 'no url here: a://@b'],
  ])('%s', (input, expected) => {
    expect(replaceUrlUserinfo(input, '[secret]')).toBe(expected);
    expect(redactString(input)).not.toMatch(/tracepw|s3cr3t|onlypassword|hunter2|ann:pw/);
  });

  it('never reach a log line, under any key', () => {
    const logs = captureLogs();
    logs.logger.info('tracing: spans exported over OTLP/HTTP', { tracesUrl: 'http://otel:tracepw@127.0.0.1:4318/v1/traces', endpoint: 'https://a:b-secret@otel.example' });
    expect(logs.text()).toContain('127.0.0.1:4318');
    expect(logs.text()).not.toMatch(/tracepw|b-secret/);
  });

  it('never reach the message a bad configuration stops start-up with', async () => {
    const err: string[] = [];
    const io: Io = { out: () => undefined, err: (s) => err.push(s) };
    const code = await main(['call', 'action_greet'], io, { WORKFLOW_WEBHOOK_URL: 'ftp://bob:hunter2@hooks.example', WORKFLOW_WEBHOOK_SECRET: 'secret-0123456789', DATA_DIR: '/nonexistent-never-opened' });
    expect(code).toBe(1);
    expect(err.join('\n')).toContain('WORKFLOW_WEBHOOK_URL');
    expect(err.join('\n')).not.toContain('hunter2');
  });
});
