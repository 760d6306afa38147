import { readSettings } from '../../src/main/settings';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { ConfigError, loadConfig } from '../../src/config';

/** The ConfigError thrown for `env`, or a failure when none is thrown. */
function configErrorOf(env: NodeJS.ProcessEnv): ConfigError {
  try {
    loadConfig(env);
  } catch (err) {
    expect(err).toBeInstanceOf(ConfigError);
    return err as ConfigError;
  }
  throw new Error('loadConfig accepted an invalid environment');
}

describe('loadConfig', () => {
  it('defaults: port 5055 on 0.0.0.0 (as rasa_sdk), 20 MiB bodies, info logs, the built-in actions', () => {
    const c = loadConfig({});
    expect(c.PORT).toBe(5055);
    expect(c.HOST).toBe('0.0.0.0');
    expect(c.BODY_LIMIT).toBe(20 * 1024 * 1024);
    expect(c.LOG_LEVEL).toBe('info');
    expect(c.SHUTDOWN_TIMEOUT_MS).toBe(30_000);
    expect(c.ACTION_SERVER_TOKEN).toBeUndefined();
    expect(path.basename(c.ACTIONS_DIR)).toBe('actions');
  });

  it('reads only its own variables and ignores empty ones', () => {
    const c = loadConfig({ PORT: '', HOST: '', UNRELATED: 'x', LOG_LEVEL: 'debug' });
    expect(c.PORT).toBe(5055);
    expect(c.HOST).toBe('0.0.0.0');
    expect(c.LOG_LEVEL).toBe('debug');
    expect(c).not.toHaveProperty('UNRELATED');
  });

  it('parses numbers from strings', () => {
    const c = loadConfig({ PORT: '8080', SHUTDOWN_TIMEOUT_MS: '1500', HOST: '127.0.0.1' });
    expect(c).toMatchObject({ PORT: 8080, SHUTDOWN_TIMEOUT_MS: 1500, HOST: '127.0.0.1' });
  });

  it('accepts PORT=0 (any free port)', () => {
    expect(loadConfig({ PORT: '0' }).PORT).toBe(0);
  });

  it.each([
    ['512kb', 512 * 1024],
    ['512KB', 512 * 1024],
    ['20mb', 20 * 1024 * 1024],
    ['1.5mb', Math.floor(1.5 * 1024 * 1024)],
    ['1gb', 1024 ** 3],
    ['1048576', 1048576],
    ['2048b', 2048],
    ['64 kb', 64 * 1024],
  ])('BODY_LIMIT=%s → %d bytes', (raw, bytes) => {
    expect(loadConfig({ BODY_LIMIT: raw }).BODY_LIMIT).toBe(bytes);
  });

  it.each(['huge', '-1mb', '10tb', 'mb', '1e6', '0', '100b'])('rejects BODY_LIMIT=%s', (raw) => {
    expect(configErrorOf({ BODY_LIMIT: raw }).problems).toEqual([expect.stringMatching(/^BODY_LIMIT: /)]);
  });

  it.each(['abc', '70000', '-1', '80.5'])('rejects PORT=%s', (raw) => {
    expect(configErrorOf({ PORT: raw }).problems).toEqual([expect.stringMatching(/^PORT: /)]);
  });

  it('names every bad variable in one error', () => {
    const err = configErrorOf({ PORT: 'abc', LOG_LEVEL: 'loud', BODY_LIMIT: 'huge', HOST: '127.0.0.1' });
    const named = err.problems.map((p) => p.split(':')[0]).sort();
    expect(named).toEqual(['BODY_LIMIT', 'LOG_LEVEL', 'PORT']);
    for (const name of named) expect(err.message).toContain(`${name}: `);
    expect(err.message).toMatch(/^Invalid configuration:/);
    expect(err.message).not.toContain('HOST');
  });

  it('rejects a non-positive shutdown timeout', () => {
    expect(configErrorOf({ SHUTDOWN_TIMEOUT_MS: '0' }).problems).toEqual([expect.stringMatching(/^SHUTDOWN_TIMEOUT_MS: /)]);
  });
});

describe('<NAME>_FILE (container secrets)', () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'ab-config-'));
  afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

  it('reads a variable from the file named by <NAME>_FILE, without the trailing newline', () => {
    const file = path.join(dir, 'token');
    fs.writeFileSync(file, 's3cret-token-value\n');
    expect(loadConfig({ ACTION_SERVER_TOKEN_FILE: file }).ACTION_SERVER_TOKEN).toEqual(['s3cret-token-value']);
  });

  it('the variable itself wins over its _FILE', () => {
    const file = path.join(dir, 'port');
    fs.writeFileSync(file, '7000');
    expect(loadConfig({ PORT: '6000', PORT_FILE: file }).PORT).toBe(6000);
  });

  it('follows the same rule as the connectors and delivery: surrounding whitespace is not part of the value', () => {
    const token = path.join(dir, 'padded-token');
    fs.writeFileSync(token, '  padded-token-value \r\n');
    const hubspot = path.join(dir, 'hubspot-token');
    fs.writeFileSync(hubspot, '  pat-na1-0123 \r\n');
    const amqp = path.join(dir, 'amqp-url');
    fs.writeFileSync(amqp, ' amqp://guest:guest@127.0.0.1:5672 \n');
    const settings = readSettings({ ACTION_SERVER_TOKEN_FILE: token, CRM_PROVIDER: 'hubspot', HUBSPOT_ACCESS_TOKEN_FILE: hubspot, AMQP_URL_FILE: amqp });
    expect(settings.app.ACTION_SERVER_TOKEN).toEqual(['padded-token-value']);
    expect(settings.connectors.crm).toMatchObject({ provider: 'hubspot', settings: { accessToken: 'pat-na1-0123' } });
    expect(settings.delivery.amqp?.url).toBe('amqp://guest:guest@127.0.0.1:5672');
  });

  it('reports the problems of every reader together', () => {
    let err: unknown;
    try {
      readSettings({ PORT: 'abc', CRM_PROVIDER: 'salesforce', AMQP_URL: 'http://nope' });
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(ConfigError);
    const problems = (err as ConfigError).problems.join('\n');
    expect(problems).toMatch(/^PORT: /m);
    expect(problems).toMatch(/^SALESFORCE_ACCESS_TOKEN .* required when CRM_PROVIDER=salesforce$/m);
    expect(problems).toMatch(/^AMQP_URL: must start with amqp:\/\//m);
  });

  it('an unreadable file is reported with the other problems', () => {
    const err = configErrorOf({ ACTION_SERVER_TOKEN_FILE: path.join(dir, 'missing'), PORT: 'abc' });
    expect(err.problems).toEqual([expect.stringMatching(/^ACTION_SERVER_TOKEN_FILE: cannot read .*missing \(ENOENT\)$/), expect.stringMatching(/^PORT: /)]);
  });
});
