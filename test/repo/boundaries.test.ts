/**
 * The folders are the architecture: ESLint's no-restricted-imports holds every folder of src/ to
 * the floors of docs/architecture.md and actions to the SDK and the ports. These cases prove the
 * rules bite (a rule that matched nothing would pass `npm run lint` just the same).
 */
import { execFileSync } from 'node:child_process';
import path from 'node:path';

const ROOT = path.resolve(__dirname, '../..');

/**
 * Lints every case with the project's own ESLint config in one child process (the config is an
 * ES module, which jest's module system cannot load).
 */
function lintAll(cases: [file: string, code: string][]): string[][] {
  const script = `
    const { ESLint } = require('eslint');
    const path = require('node:path');
    const cases = JSON.parse(process.argv[1]);
    (async () => {
      const eslint = new ESLint({ cwd: process.cwd() });
      const out = [];
      for (const [file, code] of cases) {
        const [result] = await eslint.lintText(code, { filePath: path.join(process.cwd(), file) });
        out.push(result.messages.filter((m) => m.ruleId === 'no-restricted-imports').map((m) => m.message));
      }
      process.stdout.write(JSON.stringify(out));
    })();`;
  const code = cases.map(([file, imp]): [string, string] => [file, `${imp}\nexport const used = 1;\n`]);
  return JSON.parse(execFileSync(process.execPath, ['-e', script, JSON.stringify(code)], { cwd: ROOT, encoding: 'utf8' })) as string[][];
}

const FORBIDDEN: [string, string][] = [
    ['actions/x.ts', "import { Outbox } from '../src/delivery/outbox';"],
    ['actions/x.ts', "import { LocalCrm } from '../src/connectors/local/crm';"],
    ['actions/x.ts', "import { verifyOrderAccess } from '../src/identity';"],
    ['actions/x.ts', "import { JsonDepth } from '../src/http/json-depth';"],
    ['actions/x.ts', "import { fileTicket } from './file-ticket';"],
    ['actions/shared/x.ts', "import { Gateway } from '../../src/connectors/kit/gateway';"],
    ['src/connectors/jira/x.ts', "import { Outbox } from '../../delivery/outbox';"],
    ['src/delivery/x.ts', "import { Gateway } from '../connectors/kit/gateway';"],
    ['src/sdk/x.ts', "import { createServices } from '../main/services';"],
    ['src/ports/x.ts', "import { AppError } from '../errors';"],
    ['src/protocol/x.ts', "import type { Crm } from '../ports/crm';"],
    ['src/channels/rasa/x.ts', "import { createActionServer } from '../../server/app';"],
    ['src/errors/x.ts', "import { Store } from '../store';"],
];

const ALLOWED: [string, string][] = [
    ['actions/x.ts', "import { defineAction } from '../src/sdk';"],
    ['actions/x.ts', "import type { Ticketing } from '../src/ports/ticketing';"],
    ['actions/x.ts', "import { leadSlots } from './shared/lead-slots';"],
    ['actions/shared/x.ts', "import { explainFailure } from './replies';"],
    ['src/channels/hooks/x.ts', "import { solutionFromJiraWebhook } from '../../connectors/jira/webhook';"],
    ['src/connectors/jira/x.ts', "import { readJiraConfig } from './config';"],
    ['src/connectors/jira/x.ts', "import { Gateway } from '../kit/gateway';"],
    ['src/main/x.ts', "import { createActionServer } from '../server/app';"],
];

describe('import boundaries', () => {
  let verdicts: string[][];
  beforeAll(() => {
    verdicts = lintAll([...FORBIDDEN, ...ALLOWED]);
  });

  it.each(FORBIDDEN.map((c, i) => [...c, i] as const))('%s may not: %s', (_file, _code, i) => {
    expect(verdicts[i]).toHaveLength(1);
  });

  it.each(ALLOWED.map((c, i) => [...c, FORBIDDEN.length + i] as const))('%s may: %s', (_file, _code, i) => {
    expect(verdicts[i]).toEqual([]);
  });
});

describe('what ships', () => {
  it('holds no test fakes under src/ (they live in test/support/fakes)', () => {
    const tracked = execFileSync('git', ['ls-files', 'src'], { cwd: ROOT, encoding: 'utf8' }).split('\n');
    expect(tracked.filter((f) => /fake/i.test(f))).toEqual([]);
    expect(tracked.length).toBeGreaterThan(50);
  });
});
