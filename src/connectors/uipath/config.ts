/**
 * UiPath Orchestrator settings, read when RPA_PROVIDER=uipath: where Automation Cloud (or an
 * Automation Suite) is, the organization and tenant, the external application's client
 * credentials, the folder the queue and process live in, and what to run there: a queue (a
 * performer process takes its items) or a process started as a job.
 */
import type { EnvReader } from '../../config/env';
import { RPA_TASK_NAME } from '../../ports/rpa';

/** Where a task goes: items of a queue (a performer process takes them), or a process started as a job. */
export type UiPathTarget = { kind: 'queue'; queue: string } | { kind: 'process'; releaseKey: string };

export interface UiPathConfig {
  /** Automation Cloud, e.g. https://cloud.uipath.com (no trailing slash). */
  url: string;
  /** The identity server; by default `<url>/identity_` as in Automation Cloud. */
  identityUrl: string;
  org: string;
  tenant: string;
  clientId: string;
  clientSecret: string;
  /** Space-separated scopes asked for; the external application must have been granted them. */
  scopes: string;
  /** The folder's id (OrganizationUnitId), sent as X-UIPATH-OrganizationUnitId. */
  folderId: number;
  /** Where a task not named in `tasks` goes (UIPATH_QUEUE, else UIPATH_RELEASE_KEY); absent: only the named tasks run. */
  defaultTarget?: UiPathTarget;
  /** Per task (UIPATH_TASKS, e.g. `leave.request=queue:LeaveRequests,expense.file=process:<key>`). */
  tasks: Record<string, UiPathTarget>;
}

const GUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
/** UiPath's logical names: letters, digits, `-` and `_`. */
const LOGICAL_NAME = /^[A-Za-z0-9][A-Za-z0-9_-]{0,99}$/;

export function readUiPathConfig(env: EnvReader): UiPathConfig {
  const because = 'RPA_PROVIDER=uipath';
  const url = env.url('UIPATH_URL', 'https://cloud.uipath.com', because);
  const org = env.require('UIPATH_ORG', because);
  const tenant = env.require('UIPATH_TENANT', because);
  for (const [name, value] of [
    ['UIPATH_ORG', org],
    ['UIPATH_TENANT', tenant],
  ] as const) {
    if (value && !LOGICAL_NAME.test(value)) env.problems.push(`${name}: '${value}' is not a UiPath logical name (letters, digits, - and _)`);
  }
  const folderRaw = env.require('UIPATH_FOLDER_ID', because);
  const folderId = folderRaw ? env.positiveInt('UIPATH_FOLDER_ID', 0) : 0;
  const queue = env.get('UIPATH_QUEUE');
  const releaseKey = env.get('UIPATH_RELEASE_KEY');
  const tasks = readTasks(env, env.get('UIPATH_TASKS'));
  if (!queue && !releaseKey && Object.keys(tasks).length === 0) {
    env.problems.push(`UIPATH_QUEUE, UIPATH_RELEASE_KEY or UIPATH_TASKS is required when ${because} (a queue to add items to, or a process to start)`);
  }
  if (queue) checkQueue(env, 'UIPATH_QUEUE', queue);
  if (releaseKey && !GUID.test(releaseKey)) env.problems.push(`UIPATH_RELEASE_KEY: '${releaseKey}' is not a process key (a GUID)`);
  const defaultTarget: UiPathTarget | undefined = queue ? { kind: 'queue', queue } : releaseKey ? { kind: 'process', releaseKey } : undefined;
  const targets = [defaultTarget, ...Object.values(tasks)];
  return {
    url,
    // Checked only when set: a bad UIPATH_URL is reported once, not again as its identity server.
    identityUrl: env.get('UIPATH_IDENTITY_URL') ? env.url('UIPATH_IDENTITY_URL', undefined, because) : `${url}/identity_`,
    org,
    tenant,
    clientId: env.require('UIPATH_CLIENT_ID', because),
    clientSecret: env.require('UIPATH_CLIENT_SECRET', because, { secret: true }),
    // Only what the targets need: an external application is granted scopes one by one.
    scopes:
      env.get('UIPATH_SCOPES') ??
      [targets.some((t) => t?.kind === 'queue') ? 'OR.Queues' : '', targets.some((t) => t?.kind === 'process') ? 'OR.Jobs' : ''].filter(Boolean).join(' '),
    folderId,
    ...(defaultTarget ? { defaultTarget } : {}),
    tasks,
  };
}

function checkQueue(env: EnvReader, name: string, queue: string): void {
  if (queue.length > 50) env.problems.push(`${name}: a queue name has at most 50 characters ('${queue.slice(0, 60)}')`);
}

/** `task=queue:Name` or `task=process:<key>`, comma-separated. */
function readTasks(env: EnvReader, raw: string | undefined): Record<string, UiPathTarget> {
  const tasks: Record<string, UiPathTarget> = {};
  if (!raw) return tasks;
  for (const entry of raw.split(',').map((e) => e.trim()).filter(Boolean)) {
    const m = /^([^=\s]+)\s*=\s*(queue|process):(.+)$/.exec(entry);
    if (!m) {
      env.problems.push(`UIPATH_TASKS: '${entry}' is not task=queue:<name> or task=process:<key>`);
      continue;
    }
    const [, task, kind, target] = m as unknown as [string, string, 'queue' | 'process', string];
    if (!RPA_TASK_NAME.test(task)) env.problems.push(`UIPATH_TASKS: '${task}' is not a task name (lower-case words joined by . or -)`);
    else if (kind === 'queue') {
      checkQueue(env, 'UIPATH_TASKS', target.trim());
      tasks[task] = { kind, queue: target.trim() };
    } else if (!GUID.test(target.trim())) env.problems.push(`UIPATH_TASKS: '${target.trim()}' (for ${task}) is not a process key (a GUID)`);
    else tasks[task] = { kind, releaseKey: target.trim() };
  }
  return tasks;
}
