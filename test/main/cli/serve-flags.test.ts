/**
 * The flags of `serve` and `worker` in-process: each one sets its one environment variable (read
 * by the one settings reader), mistakes exit 2 with the command's usage, and `--help` and
 * `--version` answer without starting anything.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { loadConfig } from '../../../src/config';
import { main, type Io } from '../../../src/main/cli/main';
import { serveEnv, workerEnv } from '../../../src/main/cli/serve-args';

async function run(argv: string[], env: NodeJS.ProcessEnv = {}) {
  const out: string[] = [];
  const err: string[] = [];
  const io: Io = { out: (s) => out.push(s), err: (s) => err.push(s) };
  const code = await main(argv, io, env);
  return { code, out: out.join('\n'), err: err.join('\n') };
}

describe('serve flags → variables', () => {
  it.each([
    [['-p', '5056'], { PORT: '5056' }],
    [['--port', '0'], { PORT: '0' }],
    [['--host', '127.0.0.1'], { HOST: '127.0.0.1' }],
    [['--actions', './actions'], { ACTIONS_DIR: './actions' }],
    [['--cors', '*'], { CORS_ORIGINS: '*' }],
    [['--cors', 'https://a.example', 'https://b.example'], { CORS_ORIGINS: 'https://a.example,https://b.example' }],
    [['--cors', 'https://a.example', '--cors', 'https://b.example'], { CORS_ORIGINS: 'https://a.example,https://b.example' }],
    [['--ssl-certificate', 'c.pem'], { SSL_CERTIFICATE: 'c.pem' }],
    [['--ssl-keyfile', 'k.pem'], { SSL_KEYFILE: 'k.pem' }],
    [['--ssl-password', 'pw'], { SSL_PASSWORD: 'pw' }],
    [['--ssl-ca-file', 'ca.pem'], { SSL_CA_FILE: 'ca.pem' }],
    [['--auto-reload'], { AUTO_RELOAD: 'true' }],
    [['-v'], { LOG_LEVEL: 'info' }],
    [['--verbose'], { LOG_LEVEL: 'info' }],
    [['-vv'], { LOG_LEVEL: 'debug' }],
    [['--debug'], { LOG_LEVEL: 'debug' }],
    [['--quiet'], { LOG_LEVEL: 'warn' }],
    [['--quiet', '-vv'], { LOG_LEVEL: 'debug' }],
    [['-vv', '--quiet'], { LOG_LEVEL: 'warn' }],
    [['--log-file', 'server.log'], { LOG_FILE: 'server.log' }],
  ])('%j sets %j', (args, expected) => {
    expect(serveEnv(args, { KEEP: 'me' })).toEqual({ KEEP: 'me', ...expected });
  });

  it('a flag wins over its variable, and the result reads through the one config reader', () => {
    const env = serveEnv(['-p', '6001', '--cors', 'https://a.example/', '--auto-reload', '--quiet'], { PORT: '5055', AUTO_RELOAD: 'false', LOG_LEVEL: 'debug' });
    const config = loadConfig(env);
    expect(config).toMatchObject({ PORT: 6001, CORS_ORIGINS: ['https://a.example'], AUTO_RELOAD: true, LOG_LEVEL: 'warn' });
  });

  it('without flags, the variables alone decide', () => {
    const config = loadConfig(serveEnv([], { PORT: '7000', CORS_ORIGINS: 'https://a.example, *', AUTO_RELOAD: '1', LOG_FILE: 'x.log', SSL_CERTIFICATE: 'c.pem' }));
    expect(config).toMatchObject({ PORT: 7000, CORS_ORIGINS: ['https://a.example', '*'], AUTO_RELOAD: true, LOG_FILE: 'x.log', SSL_CERTIFICATE: 'c.pem' });
  });

  it('worker takes the logging flags only', () => {
    expect(workerEnv(['-vv', '--log-file', 'w.log'], {})).toEqual({ LOG_LEVEL: 'debug', LOG_FILE: 'w.log' });
    expect(() => workerEnv(['--port', '1'], {})).toThrow(/Unknown option '--port'/);
  });
});

describe('serve and worker on the command line', () => {
  it.each([
    [['serve', '--no-such-flag'], "Unknown option '--no-such-flag'"],
    [['serve', '-p'], "Option '-p, --port <value>' argument missing"],
    [['serve', '-p', 'eighty'], "-p/--port: 'eighty' is not a port number"],
    [['serve', '--actions', ''], '--actions needs a value'],
    [['serve', 'stray'], "unexpected argument 'stray'"],
    [['worker', '--cors', '*'], "Unknown option '--cors'"],
  ])('%j exits 2 with the command usage', async (argv, message) => {
    const r = await run(argv, { PORT: '0' });
    expect(r.code).toBe(2);
    expect(r.err).toContain(message);
    expect(r.err).toContain(`Usage: actionbridge ${argv[0]}`);
    expect(r.out).toBe('');
  });

  it('an actions folder that is given but missing is an error naming it, never the demo', async () => {
    const missing = path.join(os.tmpdir(), `ab-no-actions-${process.pid}`);
    const r = await run(['serve', '--actions', missing, '-p', '0', '--quiet'], { PATH: process.env.PATH });
    expect(r.code).toBe(1);
    expect(r.err).toBe(`Actions folder not found: ${missing}`);
  });

  it('a bad variable is a configuration error (exit 1) naming it', async () => {
    const r = await run(['serve'], { CORS_ORIGINS: 'not an origin', PORT: '0' });
    expect(r.code).toBe(1);
    expect(r.err).toContain('CORS_ORIGINS');
  });

  it('--help on serve and worker prints their options and exits 0, even beside a mistake', async () => {
    const serve = await run(['serve', '--no-such-flag', '--help']);
    expect(serve.code).toBe(0);
    expect(serve.out).toContain('Usage: actionbridge serve [options]');
    for (const flag of ['-p, --port', '--actions', '--cors', '--ssl-certificate', '--ssl-keyfile', '--ssl-password', '--ssl-ca-file', '--auto-reload', '-v, --verbose', '-vv, --debug', '--quiet', '--log-file']) {
      expect(serve.out).toContain(flag);
    }
    const worker = await run(['worker', '-h']);
    expect(worker.code).toBe(0);
    expect(worker.out).toContain('Usage: actionbridge worker [options]');
    // After `--`, `--help` is an argument, not a request for help.
    expect((await run(['serve', '--', '--help'])).code).toBe(2);
  });

  it('--version prints the version of package.json', async () => {
    const { version } = JSON.parse(fs.readFileSync(path.resolve(__dirname, '../../../package.json'), 'utf8')) as { version: string };
    const r = await run(['--version']);
    expect(r).toEqual({ code: 0, out: version, err: '' });
  });
});
