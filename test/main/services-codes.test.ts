import { ConfigError } from '../../src/config';
import { createServices } from '../../src/main/services';
import { readSettings } from '../../src/main/settings';
import { captureLogs } from '../support/log-capture';
import { startSmtpSink, type SmtpSink } from '../support/smtp-sink';
import { createPgSchema, databaseUrl, type PgSchema } from '../support/stores';

const subject = { purpose: 'address_change' as const, recordId: 'ORD-83520', conversation: 'conv-1', details: '{}' };

describe('createServices and one-time codes by email', () => {
  let schema: PgSchema;
  let sink: SmtpSink;
  let env: NodeJS.ProcessEnv;
  beforeAll(async () => {
    schema = await createPgSchema();
    sink = await startSmtpSink();
    env = { DATABASE_URL: `${databaseUrl()}?options=${encodeURIComponent(`-c search_path=${schema.name}`)}` };
  });
  afterAll(async () => {
    await sink.close();
    await schema.drop();
  });

  it('leaves codes off without SMTP_URL, and says so once at start', async () => {
    const logs = captureLogs();
    const built = await createServices(readSettings(env), logs.logger);
    try {
      expect(built.services.mailer).toBeUndefined();
      expect(built.services.oneTimeCodes).toBeUndefined();
      expect(logs.lines().filter((l) => /one-time codes are off/.test(String(l.message)))).toHaveLength(1);
    } finally {
      await built.close();
    }
  });

  it('mails through SMTP_URL from SMTP_FROM, with codes in the store under the EMAIL_CODE_* settings, sealed with DATA_ENCRYPTION_KEY', async () => {
    const logs = captureLogs();
    const dataKey = `k1:${Buffer.alloc(32, 7).toString('base64')}`;
    const settings = readSettings({ ...env, SMTP_URL: sink.url, SMTP_FROM: 'codes@shop.example', EMAIL_CODE_MAX_PER_ORDER: '1', EMAIL_CODE_TTL_MS: '120000', DATA_ENCRYPTION_KEY: dataKey });
    const built = await createServices(settings, logs.logger);
    try {
      expect(logs.text()).not.toMatch(/one-time codes are off/);
      const codes = built.services.oneTimeCodes!;
      const issued = await codes.issue(subject);
      if (!issued.ok) throw new Error('not issued');
      expect(issued.expiresAt.getTime() - Date.now()).toBeGreaterThan(110_000);
      expect(issued.expiresAt.getTime() - Date.now()).toBeLessThanOrEqual(120_000);
      const { rows } = await built.store.query<{ details_hash: string }>('SELECT details_hash FROM one_time_codes WHERE record_id = $1', [subject.recordId]);
      expect(rows[0]!.details_hash).toMatch(/^enc:v1:k1:/);
      expect(await codes.issue({ ...subject, conversation: 'conv-2' })).toMatchObject({ ok: false, reason: 'too_many' });
      expect(await codes.verify(subject, issued.code)).toEqual({ ok: true });

      const seen = sink.received.length;
      await built.services.mailer!.send({ to: 'grace@example.com', subject: 'Code', text: 'Hello' });
      expect((await sink.next(seen)).from).toBe('codes@shop.example');
    } finally {
      await built.close();
    }
  });

  it('refuses anything but a positive whole number for the EMAIL_CODE_* settings', () => {
    let problems: string[] = [];
    try {
      readSettings({ EMAIL_CODE_MAX_ATTEMPTS: 'five', EMAIL_CODE_TTL_MS: '0' });
    } catch (err) {
      if (!(err instanceof ConfigError)) throw err;
      problems = err.problems;
    }
    expect(problems.map((p) => p.split(':')[0]).sort()).toEqual(['EMAIL_CODE_MAX_ATTEMPTS', 'EMAIL_CODE_TTL_MS']);
  });
});
