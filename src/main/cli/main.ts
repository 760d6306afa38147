/**
 * The `actionbridge` command:
 *   serve                         start the server (PORT, HOST, ... from the environment)
 *   list                          print the registered actions
 *   call <action> [options]       run one action locally and print its events and responses
 *   check [--domain path]         compare the Rasa domain with the registered actions
 */
import fs from 'node:fs';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { loadConfig } from '../../config';
import type { Domain } from '../../protocol/request';
import { loadActionsDir } from '../../sdk/load-actions';
import { runAction } from '../../sdk/testkit';
import { silentLogger } from '../../observability/logger';
import { redactString } from '../../observability/redact';
import { createServices } from '../services';
import { readSettings } from '../settings';
import { checkDialogflowMapping, checkDomain } from './check';
import type { Io } from './io';
import { asksForHelp } from './help';
import { SERVE_USAGE, ServeUsageError, WORKER_USAGE, serveEnv, workerEnv } from './serve-args';
import { packageVersion } from './version';
import { JOBS_USAGE, JobsUsageError, jobsCommand } from './jobs';
import { AUDIT_USAGE, AuditUsageError, auditCommand } from './audit';
import { DATA_USAGE, DataUsageError, dataCommand } from './data';
import { TYPES_USAGE, TypesUsageError, typesCommand } from './types';
import { INIT_USAGE, InitUsageError, initCommand } from './init';
import { MCP_USAGE, McpUsageError, mcpCommand } from './mcp';
import { readDomain } from '../../protocol/domain-file';

const USAGE = `Usage: actionbridge <command> [options]

Commands:
  serve                      Start the action server: -p/--port, --actions, --cors, --ssl-*, --auto-reload,
                               --workers, -v/-vv/--quiet, --log-file, or their environment variables (serve --help).
  list                       List the registered actions.
  call <action>              Run an action locally, without Rasa, and print its events and responses.
      --slot name=value        A slot value (a string); repeatable.
      --json-slot name=JSON    A slot value given as JSON (numbers, booleans, objects); repeatable.
      --extracted name=value   A value Rasa just extracted (what validation actions check); repeatable.
      --sender id              The conversation id (default: cli-user).
      --text "..."             The latest user message.
      --intent name            The latest message's intent.
      --metadata JSON          Metadata of the latest message (e.g. an identity token).
      --domain path            Domain file or folder (default: ./domain.yml, else ./domain/, else none).
      --rasa-version x.y.z     Fail when the action returns an event that Rasa version rejects (default: the newest).
  check                      Compare the Rasa domain with the registered actions; non-zero exit on a mismatch.
      --domain path            Domain file or folder (default: ./domain.yml, else ./domain/).
      --dialogflow-mapping f   Also check that every intent and tag in this Dialogflow mapping file names a registered action.
  worker                     Deliver outbox jobs (from RabbitMQ when AMQP_URL is set, else by polling the database).
                               With WORKER_PORT set it serves /health, /ready, /metrics and /status there.
${JOBS_USAGE}
${AUDIT_USAGE}
${DATA_USAGE}
${TYPES_USAGE}
${INIT_USAGE}
${MCP_USAGE}

Common option: --actions dir   Folder of actions (default: ACTIONS_DIR, else ./actions, else the built-in actions).
Every command takes --help; actionbridge --version prints the version. Flags and variables: docs/cli.md.
`;

/** The usage `<command> --help` prints, for the commands whose help is answered here. */
const HELP: Record<string, () => string> = {
  serve: () => SERVE_USAGE,
  worker: () => WORKER_USAGE,
  list: () => USAGE,
  call: () => USAGE,
  check: () => USAGE,
  jobs: () => `Usage: actionbridge jobs <subcommand> [options]\n\n${JOBS_USAGE}`,
  audit: () => `Usage: actionbridge audit <subcommand> [options]\n\n${AUDIT_USAGE}`,
  data: () => `Usage: actionbridge data <subcommand> [options]\n\n${DATA_USAGE}`,
  types: () => `Usage: actionbridge types [options]\n\n${TYPES_USAGE}`,
  mcp: () => `Usage: actionbridge mcp [options]\n\n${MCP_USAGE}`,
};

/** Parses a command's flags; a mistake is told with that command's usage (exit 2). */
function flagsOr(io: Io, usage: string, parse: () => NodeJS.ProcessEnv): NodeJS.ProcessEnv | null {
  try {
    return parse();
  } catch (err) {
    if (!(err instanceof ServeUsageError) && !(err as { code?: string }).code?.startsWith('ERR_PARSE_ARGS')) throw err;
    io.err(`${(err as Error).message}\n\n${usage}`);
    return null;
  }
}

/**
 * The project's own domain, where Rasa looks for it in the folder it runs in: `domain.yml`, else a
 * split `domain/` folder. Never the package's demo assistant: checked against that, a project would
 * pass or fail for reasons that are not its own.
 */
export function defaultDomainPath(cwd: string = process.cwd()): string | null {
  for (const name of ['domain.yml', 'domain']) {
    const candidate = path.resolve(cwd, name);
    if (fs.existsSync(candidate)) return candidate;
  }
  return null;
}

const stdio: Io = {
  out: (s) => process.stdout.write(s + '\n'),
  err: (s) => process.stderr.write(s + '\n'),
};

function pairs(values: string[] | undefined, json: boolean, into: Record<string, unknown>): void {
  for (const v of values ?? []) {
    const eq = v.indexOf('=');
    if (eq <= 0) throw new UsageError(`expected name=value, got '${v}'`);
    const name = v.slice(0, eq);
    const raw = v.slice(eq + 1);
    if (!json) into[name] = raw;
    else {
      try {
        into[name] = JSON.parse(raw);
      } catch {
        throw new UsageError(`--json-slot ${name}: '${raw}' is not JSON`);
      }
    }
  }
}

class UsageError extends Error {}

export type { Io };

export async function main(argv: string[], io: Io = stdio, env: NodeJS.ProcessEnv = process.env): Promise<number> {
  const [command, ...rest] = argv;
  const help = command !== undefined && Object.hasOwn(HELP, command) && asksForHelp(rest) ? HELP[command]!() : null;
  if (help !== null) {
    io.out(help);
    return 0;
  }
  try {
    switch (command) {
      case '--version':
      case '-V':
        io.out(packageVersion());
        return 0;
      case 'serve': {
        const serveVars = flagsOr(io, SERVE_USAGE, () => serveEnv(rest, env));
        if (!serveVars) return 2;
        // One server, or with WEB_CONCURRENCY > 1 the primary of that many (src/main/cluster.ts).
        const { serve } = await import('../cluster');
        return await serve(serveVars); // -1: keeps running; the exit code is set on shutdown
      }
      case 'list':
        return list(rest, io, env);
      case 'call':
        return await call(rest, io, env);
      case 'check':
        return check(rest, io, env);
      case 'worker': {
        const workerVars = flagsOr(io, WORKER_USAGE, () => workerEnv(rest, env));
        if (!workerVars) return 2;
        const { runWorker } = await import('../worker');
        await runWorker(workerVars);
        return -1; // keeps running; the exit code is set on shutdown
      }
      case 'jobs':
        return await jobsCommand(rest, io, env);
      case 'audit':
        return await auditCommand(rest, io, env);
      case 'data':
        return await dataCommand(rest, io, env);
      case 'types':
        return typesCommand(rest, io, defaultDomainPath);
      case 'init':
        return initCommand(rest, io);
      case 'mcp':
        return await mcpCommand(rest, env);
      case undefined:
      case 'help':
      case '--help':
      case '-h':
        io.out(USAGE);
        return command === undefined ? 2 : 0;
      default:
        io.err(`Unknown command '${command}'.\n\n${USAGE}`);
        return 2;
    }
  } catch (err) {
    if (err instanceof UsageError || err instanceof JobsUsageError || err instanceof AuditUsageError || err instanceof DataUsageError || err instanceof TypesUsageError || err instanceof InitUsageError || err instanceof McpUsageError || (err as { code?: string }).code?.startsWith('ERR_PARSE_ARGS')) {
      io.err(`${(err as Error).message}\n\n${USAGE}`);
      return 2;
    }
    // Start-up errors can quote configuration (a connection string): scrubbed like a log line.
    io.err(redactString((err as Error).message));
    return 1;
  }
}

function registryFrom(actionsDir: string | undefined, env: NodeJS.ProcessEnv) {
  return loadActionsDir(actionsDir ?? loadConfig(env).ACTIONS_DIR);
}

function list(args: string[], io: Io, env: NodeJS.ProcessEnv): number {
  const { values } = parseArgs({ args, options: { actions: { type: 'string' }, json: { type: 'boolean' } } });
  const registry = registryFrom(values.actions, env);
  if (values.json) io.out(JSON.stringify(registry.list().map((a) => ({ name: a.name, kind: a.kind, slots: a.slotNames }))));
  else for (const a of registry.list()) io.out(`${a.name}  (${a.kind}${a.slotNames.length ? `; slots: ${a.slotNames.join(', ')}` : ''})`);
  return 0;
}

async function call(args: string[], io: Io, env: NodeJS.ProcessEnv): Promise<number> {
  const { values, positionals } = parseArgs({
    args,
    allowPositionals: true,
    options: {
      actions: { type: 'string' },
      slot: { type: 'string', multiple: true },
      'json-slot': { type: 'string', multiple: true },
      extracted: { type: 'string', multiple: true },
      sender: { type: 'string' },
      text: { type: 'string' },
      intent: { type: 'string' },
      metadata: { type: 'string' },
      domain: { type: 'string' },
      'rasa-version': { type: 'string' },
    },
  });
  const name = positionals[0];
  if (!name) throw new UsageError('call needs an action name');
  const registry = registryFrom(values.actions, env);
  const action = registry.get(name);
  if (!action) {
    io.err(`No registered action found for name '${name}'. Registered: ${registry.list().map((a) => a.name).join(', ') || '(none)'}`);
    return 1;
  }
  const slots: Record<string, unknown> = {};
  pairs(values.slot, false, slots);
  pairs(values['json-slot'], true, slots);
  const extracted: Record<string, unknown> = {};
  pairs(values.extracted, false, extracted);
  let metadata: Record<string, unknown> | undefined;
  if (values.metadata) {
    try {
      metadata = JSON.parse(values.metadata) as Record<string, unknown>;
    } catch {
      throw new UsageError('--metadata must be a JSON object');
    }
    if (typeof metadata !== 'object' || metadata === null || Array.isArray(metadata)) throw new UsageError('--metadata must be a JSON object');
  }
  const domainPath = values.domain ?? defaultDomainPath();
  const domain: Domain | null = domainPath ? readDomain(domainPath) : null;
  // The same ports the server gives actions (the company database included), closed afterwards.
  const built = await createServices(readSettings(env), silentLogger());
  const out = await runAction(action, {
    senderId: values.sender ?? 'cli-user',
    slots,
    extracted,
    text: values.text,
    intent: values.intent,
    metadata,
    domain,
    services: built.services,
    rasaVersion: values['rasa-version'],
  }).finally(() => built.close());
  io.out(JSON.stringify({ events: out.events, responses: out.responses }, null, 2));
  return 0;
}

function check(args: string[], io: Io, env: NodeJS.ProcessEnv): number {
  const { values } = parseArgs({ args, options: { actions: { type: 'string' }, domain: { type: 'string' }, 'dialogflow-mapping': { type: 'string' } } });
  const domainPath = values.domain ?? defaultDomainPath();
  if (!domainPath) {
    io.err(`No domain found: no domain.yml or domain/ in ${process.cwd()}; pass --domain path/to/domain.yml`);
    return 2;
  }
  const registry = registryFrom(values.actions, env);
  const report = checkDomain(readDomain(domainPath), registry);
  if (values['dialogflow-mapping']) report.problems.push(...checkDialogflowMapping(values['dialogflow-mapping'], registry));
  if (report.problems.length === 0) {
    io.out(`check passed: ${report.checked.actions} actions and ${report.checked.slots} slot reads match ${path.relative(process.cwd(), domainPath) || domainPath}`);
    return 0;
  }
  io.err(`check failed: ${report.problems.length} problem(s) in ${domainPath}`);
  for (const p of report.problems) io.err(`  - ${p}`);
  return 1;
}
