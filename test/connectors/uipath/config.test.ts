/** UiPath's settings: what is required, the *_FILE secret, and the task → queue/process map. */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { EnvReader } from '../../../src/config/env';
import { loadConnectorsConfig } from '../../../src/connectors/config';
import { Gateway } from '../../../src/connectors/kit/gateway';
import { createSystems } from '../../../src/connectors/registry';
import { UiPathRpa } from '../../../src/connectors/uipath';
import { readUiPathConfig } from '../../../src/connectors/uipath/config';
import { problemsOf } from '../../support/config-problems';
import { memoryStore } from '../../support/connectors';
import { redactString } from '../../../src/observability/redact';

const KEY = '5b9a2d7e-3f3c-4a8e-9d34-0c1f2e3a4b5c';
const BASE = { UIPATH_ORG: 'acme', UIPATH_TENANT: 'DefaultTenant', UIPATH_CLIENT_ID: 'app-id', UIPATH_CLIENT_SECRET: 'app-secret', UIPATH_FOLDER_ID: '42', UIPATH_QUEUE: 'LeaveRequests' };

function read(env: Record<string, string>) {
  const reader = new EnvReader(env);
  return { config: readUiPathConfig(reader), problems: reader.problems };
}

describe('UiPath settings', () => {
  it('default to Automation Cloud and its identity server, the queue for every task, and only the scope it needs', () => {
    const { config, problems } = read(BASE);
    expect(problems).toEqual([]);
    expect(config).toMatchObject({
      url: 'https://cloud.uipath.com',
      identityUrl: 'https://cloud.uipath.com/identity_',
      org: 'acme',
      tenant: 'DefaultTenant',
      folderId: 42,
      scopes: 'OR.Queues',
      defaultTarget: { kind: 'queue', queue: 'LeaveRequests' },
      tasks: {},
    });
  });

  it('name every missing setting, and what is needed when neither a queue nor a process is set', () => {
    const { problems } = read({});
    for (const name of ['UIPATH_ORG', 'UIPATH_TENANT', 'UIPATH_FOLDER_ID', 'UIPATH_CLIENT_ID', 'UIPATH_CLIENT_SECRET']) {
      expect(problems).toContainEqual(expect.stringContaining(`${name} is required when RPA_PROVIDER=uipath`));
    }
    expect(problems).toContainEqual(expect.stringContaining('UIPATH_QUEUE, UIPATH_RELEASE_KEY or UIPATH_TASKS is required'));
  });

  it('refuse malformed values: folder id, logical names, URL, process key, task map', () => {
    const { problems } = read({
      ...BASE,
      UIPATH_FOLDER_ID: 'Shared',
      UIPATH_TENANT: 'my tenant',
      UIPATH_URL: 'ftp://uipath',
      UIPATH_RELEASE_KEY: 'FileLeave',
      UIPATH_TASKS: `leave.request=queue:${'q'.repeat(51)},Bad_Task=queue:X,expense.file=process:nope,garbage`,
    });
    expect(problems).toEqual([
      expect.stringContaining("UIPATH_URL: 'ftp://uipath' is not an http(s) URL"),
      expect.stringContaining("UIPATH_TENANT: 'my tenant' is not a UiPath logical name"),
      expect.stringContaining("UIPATH_FOLDER_ID: 'Shared' is not a positive whole number"),
      expect.stringContaining('UIPATH_TASKS: a queue name has at most 50 characters'),
      expect.stringContaining("UIPATH_TASKS: 'Bad_Task' is not a task name"),
      expect.stringContaining("UIPATH_TASKS: 'nope' (for expense.file) is not a process key"),
      expect.stringContaining("UIPATH_TASKS: 'garbage' is not task=queue:<name> or task=process:<key>"),
      expect.stringContaining("UIPATH_RELEASE_KEY: 'FileLeave' is not a process key"),
    ]);
  });

  it('map tasks to queues and processes, ask for both scopes then, and read the secret from UIPATH_CLIENT_SECRET_FILE (redacted in logs)', () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'uipath-'));
    const file = path.join(dir, 'secret');
    fs.writeFileSync(file, 'file-secret-9f8e7d\n');
    try {
      const { config, problems } = read({ ...BASE, UIPATH_QUEUE: '', UIPATH_CLIENT_SECRET: '', UIPATH_CLIENT_SECRET_FILE: file, UIPATH_TASKS: `leave.request=queue:LeaveRequests, expense.file=process:${KEY}` });
      expect(problems).toEqual([]);
      expect(config.clientSecret).toBe('file-secret-9f8e7d');
      expect(config.defaultTarget).toBeUndefined();
      expect(config.tasks).toEqual({ 'leave.request': { kind: 'queue', queue: 'LeaveRequests' }, 'expense.file': { kind: 'process', releaseKey: KEY } });
      expect(config.scopes).toBe('OR.Queues OR.Jobs');
      expect(redactString('token request with file-secret-9f8e7d')).not.toContain('file-secret-9f8e7d');
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });

  it('take an on-premises identity server and explicit scopes as given', () => {
    const { config } = read({ ...BASE, UIPATH_URL: 'https://orchestrator.corp.example/', UIPATH_IDENTITY_URL: 'https://orchestrator.corp.example/identity', UIPATH_SCOPES: 'OR.Queues.Write OR.Queues.Read' });
    expect(config.url).toBe('https://orchestrator.corp.example');
    expect(config.identityUrl).toBe('https://orchestrator.corp.example/identity');
    expect(config.scopes).toBe('OR.Queues.Write OR.Queues.Read');
  });

  it('are read by the one connectors reader when RPA_PROVIDER=uipath, which builds the UiPath adapter', () => {
    expect(problemsOf({ RPA_PROVIDER: 'uipath' })).toContainEqual(expect.stringContaining('UIPATH_CLIENT_ID is required when RPA_PROVIDER=uipath'));
    const systems = createSystems(loadConnectorsConfig({ RPA_PROVIDER: 'uipath', ...BASE }), { store: memoryStore(), gateway: new Gateway() });
    expect(systems.rpa).toBeInstanceOf(UiPathRpa);
    expect(systems.rpa?.provider).toBe('uipath');
  });
});
