/**
 * The browser robot's settings, read when RPA_PROVIDER=browser: where the flows are (each is
 * loaded and checked now, so a broken flow stops start-up), which Chromium to drive, how many
 * pages at once, and the secrets the flows name (`${secret:NAME}` → NAME or NAME_FILE).
 */
import fs from 'node:fs';
import path from 'node:path';
import type { EnvReader } from '../../config/env';
import { FlowError, parseFlow, type Flow } from './flow';

export interface BrowserRobotConfig {
  flowsDir: string;
  flows: Flow[];
  /** The Chromium (or Chrome) executable; playwright-core brings none. */
  executablePath: string;
  /** Where relative `goto` paths lead in flows that name no baseUrl of their own. */
  baseUrl?: string;
  /** Browser contexts open at once: each is a legacy session, and legacy servers are small. */
  maxContexts: number;
  headless: boolean;
  /** The secrets' values by name; never logged (registered for redaction as they are read). */
  secrets: Record<string, string>;
}

const BECAUSE = 'RPA_PROVIDER=browser';
const DEFAULT_CHROMIUM = ['/usr/bin/chromium', '/usr/bin/chromium-browser', '/usr/bin/google-chrome'];

export function readBrowserRobotConfig(env: EnvReader): BrowserRobotConfig {
  const flowsDir = path.resolve(env.get('RPA_FLOWS_DIR') ?? 'rpa/flows');
  const flows = loadFlows(flowsDir, env.problems);
  const executablePath = env.get('RPA_BROWSER_PATH') ?? env.get('CHROMIUM_PATH') ?? DEFAULT_CHROMIUM.find((p) => fs.existsSync(p)) ?? '';
  if (!executablePath) env.problems.push(`RPA_BROWSER_PATH is required when ${BECAUSE} and no Chromium is at ${DEFAULT_CHROMIUM.join(', ')}`);
  else if (!fs.existsSync(executablePath)) env.problems.push(`RPA_BROWSER_PATH: ${executablePath} does not exist`);
  const baseUrl = env.get('RPA_BASE_URL') ? env.url('RPA_BASE_URL', undefined, BECAUSE) : undefined;
  for (const f of flows) if (!f.baseUrl && !baseUrl && needsBase(f)) env.problems.push(`RPA flow ${f.name} goes to relative paths but has no baseUrl and RPA_BASE_URL is unset`);
  const maxContexts = env.positiveInt('RPA_MAX_CONTEXTS', 2);
  const headless = (env.get('RPA_HEADLESS') ?? 'true').toLowerCase() !== 'false';
  const secrets: Record<string, string> = {};
  for (const f of flows) for (const name of f.secrets) secrets[name] ??= env.require(name, `${BECAUSE} (RPA flow ${f.name} uses \${secret:${name}})`, { secret: true });
  return { flowsDir, flows, executablePath, ...(baseUrl ? { baseUrl } : {}), maxContexts, headless, secrets };
}

/** Every `*.yml` / `*.yaml` flow in `dir`, each checked; problems are added, not thrown, so all are reported at once. */
export function loadFlows(dir: string, problems: string[]): Flow[] {
  let names: string[];
  try {
    names = fs.readdirSync(dir).filter((n) => /\.ya?ml$/.test(n)).sort();
  } catch (err) {
    problems.push(`RPA_FLOWS_DIR: cannot read ${dir} (${(err as NodeJS.ErrnoException).code ?? 'error'})`);
    return [];
  }
  if (names.length === 0) problems.push(`RPA_FLOWS_DIR: no flows (*.yml) in ${dir}`);
  const flows: Flow[] = [];
  for (const file of names) {
    try {
      const flow = parseFlow(file, fs.readFileSync(path.join(dir, file), 'utf8'));
      if (flows.some((f) => f.name === flow.name)) problems.push(`RPA flow ${flow.name} is defined twice (again in ${file})`);
      else flows.push(flow);
    } catch (err) {
      if (!(err instanceof FlowError)) throw err;
      problems.push(err.message);
    }
  }
  return flows;
}

function needsBase(flow: Flow): boolean {
  return [...flow.session, ...flow.findExisting, ...flow.steps].some((s) => 'goto' in s && !/^https?:\/\//.test(s.goto));
}
