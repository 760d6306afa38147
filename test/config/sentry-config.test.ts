/** SENTRY_DSN: optional, and a value that is not a DSN stops start-up without being repeated. */
import { ConfigError, loadConfig } from '../../src/config';

describe('SENTRY_DSN', () => {
  it('is unset by default and kept as given when it is a DSN', () => {
    expect(loadConfig({}).SENTRY_DSN).toBeUndefined();
    expect(loadConfig({ SENTRY_DSN: 'https://abc123@o1.ingest.sentry.io/42' }).SENTRY_DSN).toBe('https://abc123@o1.ingest.sentry.io/42');
  });

  it.each(['not a url', 'https://o1.ingest.sentry.io/42', 'https://abc123@o1.ingest.sentry.io/', 'ftp://abc123@host/1'])('refuses %s', (value) => {
    let err: unknown;
    try {
      loadConfig({ SENTRY_DSN: value });
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(ConfigError);
    const problems = (err as ConfigError).problems;
    expect(problems).toHaveLength(1);
    expect(problems[0]).toMatch(/^SENTRY_DSN: /);
    expect(problems[0]).not.toContain(value);
  });
});
