/**
 * The flags of `actionbridge serve` (and the logging flags of `worker`), named as `rasa run
 * actions` names them. Each flag is one environment variable: the flags are turned into those
 * variables and the one settings reader reads them, so a flag and its variable cannot differ.
 * A flag wins over its variable (and over `<NAME>_FILE`).
 */
import { parseArgs } from 'node:util';

export class ServeUsageError extends Error {}

export const SERVE_USAGE = `Usage: actionbridge serve [options]

Start the action server. Every option is also an environment variable (docs/cli.md).

Options:
  -p, --port <n>              Port to listen on (PORT, default 5055; 0 = any free port).
      --host <address>        Address to listen on (HOST, default 0.0.0.0).
      --actions <dir>         Folder of action files: .ts, .mts, .cts, .js, .mjs, .cjs (ACTIONS_DIR;
                              default ./actions when there is one, else the built-in demo actions).
      --cors <origin...>      Allow browser calls from these origins, or * for any; repeatable
                              (CORS_ORIGINS, comma-separated).
      --ssl-certificate <f>   PEM certificate: serve HTTPS (SSL_CERTIFICATE).
      --ssl-keyfile <f>       PEM private key (SSL_KEYFILE; default: in the certificate's file).
      --ssl-password <p>      Passphrase of the key (SSL_PASSWORD; SSL_PASSWORD_FILE keeps it off the command line).
      --ssl-ca-file <f>       CA certificate: clients must present a certificate it signed (SSL_CA_FILE).
      --auto-reload           Reload the actions when a file in the folder changes (AUTO_RELOAD=true).
      --grpc                  Also serve Rasa Pro's gRPC action protocol (GRPC=true), on GRPC_PORT.
      --grpc-port <n>         Port of the gRPC server (GRPC_PORT, default 5056; setting it turns gRPC on).
      --workers <n>           Server processes sharing the port, e.g. one per core (WEB_CONCURRENCY,
                              default 1); more than one needs DATABASE_URL.
${logUsage()}
  -h, --help                  Print this help.`;

export const WORKER_USAGE = `Usage: actionbridge worker [options]

Deliver outbox jobs (from RabbitMQ when AMQP_URL is set, else by polling the database).
With WORKER_PORT set it serves /health, /ready, /metrics and /status there.

Options:
${logUsage()}
  -h, --help                  Print this help.`;

function logUsage(): string {
  return `  -v, --verbose               Log at info level (LOG_LEVEL=info, the default).
  -vv, --debug                Log at debug level (LOG_LEVEL=debug).
      --quiet                 Log warnings and errors only (LOG_LEVEL=warn).
      --log-file <f>          Also append the log lines to this file (LOG_FILE).`;
}

const LOG_OPTIONS = {
  verbose: { type: 'boolean', short: 'v', multiple: true },
  debug: { type: 'boolean' },
  quiet: { type: 'boolean' },
  'log-file': { type: 'string' },
} as const;

const SERVE_OPTIONS = {
  port: { type: 'string', short: 'p' },
  host: { type: 'string' },
  actions: { type: 'string' },
  cors: { type: 'string', multiple: true },
  'ssl-certificate': { type: 'string' },
  'ssl-keyfile': { type: 'string' },
  'ssl-password': { type: 'string' },
  'ssl-ca-file': { type: 'string' },
  'auto-reload': { type: 'boolean' },
  workers: { type: 'string' },
  grpc: { type: 'boolean' },
  'grpc-port': { type: 'string' },
  ...LOG_OPTIONS,
} as const;

/** The variable each string flag sets. */
const VARIABLE: Record<string, string> = {
  port: 'PORT',
  host: 'HOST',
  actions: 'ACTIONS_DIR',
  'ssl-certificate': 'SSL_CERTIFICATE',
  'ssl-keyfile': 'SSL_KEYFILE',
  'ssl-password': 'SSL_PASSWORD',
  'ssl-ca-file': 'SSL_CA_FILE',
  'log-file': 'LOG_FILE',
  workers: 'WEB_CONCURRENCY',
  'grpc-port': 'GRPC_PORT',
};

type Options = typeof SERVE_OPTIONS | typeof LOG_OPTIONS;

/**
 * `-v`, `-vv`/`--debug` and `--quiet` set one level, the last one given winning (as argparse's
 * store_const). `-vv` arrives as two `-v` at the same position of the command line.
 */
function logLevel(tokens: { kind: string; name?: string; index: number }[]): string | undefined {
  let level: string | undefined;
  for (let i = 0; i < tokens.length; i++) {
    const t = tokens[i]!;
    if (t.kind !== 'option') continue;
    if (t.name === 'quiet') level = 'warn';
    else if (t.name === 'debug') level = 'debug';
    else if (t.name === 'verbose') {
      const next = tokens[i + 1];
      if (next?.kind === 'option' && next.name === 'verbose' && next.index === t.index) {
        level = 'debug';
        i++;
      } else level = 'info';
    }
  }
  return level;
}

function toEnv(args: string[], options: Options, env: NodeJS.ProcessEnv): NodeJS.ProcessEnv {
  const { values, tokens } = parseArgs({ args, options, allowPositionals: true, strict: true, tokens: true });
  const out: NodeJS.ProcessEnv = { ...env };
  const cors: string[] = [];
  // rasa_sdk takes `--cors a b` (several origins after one flag): a bare word right after --cors
  // (or after such a word) is one more origin; anywhere else it is a mistake.
  let afterCors = false;
  for (const t of tokens) {
    if (t.kind === 'option') {
      afterCors = (t.name as string) === 'cors';
      if (afterCors) cors.push(t.value ?? '');
      continue;
    }
    if (t.kind === 'positional' && afterCors) cors.push(t.value);
    else if (t.kind === 'positional') throw new ServeUsageError(`unexpected argument '${t.value.slice(0, 100)}'`);
    else afterCors = false;
  }
  for (const [flag, variable] of Object.entries(VARIABLE)) {
    const value = (values as Record<string, unknown>)[flag];
    if (value === undefined) continue;
    // An empty value would read as unset, and `--actions ""` would quietly serve the demo.
    if (typeof value !== 'string' || value.trim() === '') throw new ServeUsageError(`--${flag} needs a value`);
    out[variable] = value;
  }
  const port = (values as { port?: string }).port;
  if (port !== undefined && !/^\d{1,5}$/.test(port)) throw new ServeUsageError(`-p/--port: '${port.slice(0, 20)}' is not a port number`);
  const workers = (values as { workers?: string }).workers;
  if (workers !== undefined && !/^[1-9]\d{0,2}$/.test(workers)) throw new ServeUsageError(`--workers: '${workers.slice(0, 20)}' is not a number of processes (1 or more)`);
  if (cors.length > 0) {
    if (cors.some((o) => o.trim() === '')) throw new ServeUsageError('--cors needs an origin, or * for any');
    out.CORS_ORIGINS = cors.join(',');
  }
  if ((values as { 'auto-reload'?: boolean })['auto-reload']) out.AUTO_RELOAD = 'true';
  const grpcPort = (values as { 'grpc-port'?: string })['grpc-port'];
  if (grpcPort !== undefined && !/^\d{1,5}$/.test(grpcPort)) throw new ServeUsageError(`--grpc-port: '${grpcPort.slice(0, 20)}' is not a port number`);
  if ((values as { grpc?: boolean }).grpc) out.GRPC = 'true';
  const level = logLevel(tokens);
  if (level) out.LOG_LEVEL = level;
  return out;
}

/** The environment `serve` runs with: `env` with the variables its flags set. */
export function serveEnv(args: string[], env: NodeJS.ProcessEnv): NodeJS.ProcessEnv {
  return toEnv(args, SERVE_OPTIONS, env);
}

/** The environment `worker` runs with: `env` with the variables its logging flags set. */
export function workerEnv(args: string[], env: NodeJS.ProcessEnv): NodeJS.ProcessEnv {
  return toEnv(args, LOG_OPTIONS, env);
}
