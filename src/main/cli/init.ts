/**
 * `actionbridge init [dir]`: the start of an adopter's own actions, beside their Rasa project:
 * a typed example action, its jest test through the exported test kit, a tsconfig that checks
 * both, and the endpoints.yml lines that point Rasa at the server. Existing files are never
 * overwritten without --force, and nothing is written when one would be.
 */
import fs from 'node:fs';
import path from 'node:path';
import { parseArgs } from 'node:util';
import type { Io } from './io';

export const INIT_USAGE = `  init [dir]                 Scaffold actions/ (a typed example action and its jest test), tsconfig.json,
                             jest.config.cjs and endpoints.yml (when absent) in dir (default: .).
      --force                  Overwrite files that already exist.`;

export class InitUsageError extends Error {}

export const ENDPOINTS_SNIPPET = `action_endpoint:
  url: "http://localhost:5055/webhook"
`;

/** What an adopter's project needs to type-check and test actions; the versions this package is built and tested with. */
export const DEV_INSTALL = 'npm install --save-dev typescript@^5 jest@^29 ts-jest@^29 @types/jest@^29 @types/node@^20';

const EXAMPLE_ACTION = `import { z } from 'zod';
import { defineAction } from 'actionbridge';

/** Greets the user by name when Rasa has filled the \`user_name\` slot. */
export const greet = defineAction({
  name: 'action_greet',
  // Slots the action reads, parsed before run(): a value of the wrong type never reaches it.
  slots: z.object({
    user_name: z.string().trim().min(1).optional(),
  }),
  run({ slots, dispatcher }) {
    dispatcher.utterMessage({ text: slots.user_name ? \`Hello, \${slots.user_name}!\` : 'Hello!' });
  },
});
`;

const EXAMPLE_TEST = `import { runAction } from 'actionbridge/testkit';
import { greet } from './greet';

describe('action_greet', () => {
  it('greets the user by name', async () => {
    const out = await runAction(greet, { slots: { user_name: 'Ada' } });
    expect(out.texts).toEqual(['Hello, Ada!']);
  });

  it('greets without a name', async () => {
    const out = await runAction(greet, {});
    expect(out.texts).toEqual(['Hello!']);
  });
});
`;

const TSCONFIG = `${JSON.stringify(
  {
    compilerOptions: {
      target: 'ES2022',
      module: 'node16',
      moduleResolution: 'node16',
      strict: true,
      esModuleInterop: true,
      // ts-jest compiles file by file under node16 modules; `npx tsc` checks the whole folder.
      isolatedModules: true,
      skipLibCheck: false,
      noEmit: true,
      types: ['node', 'jest'],
    },
    // domain.d.ts: what `actionbridge types` writes by default (slot and response names checked).
    include: ['actions', 'domain.d.ts'],
  },
  null,
  2,
)}\n`;

// .cjs: a project whose package.json says "type": "module" still reads it.
const JEST_CONFIG = `/** Runs the actions' tests (actions/*.test.ts) through ts-jest, which also type-checks them. */
module.exports = {
  testEnvironment: 'node',
  roots: ['<rootDir>/actions'],
  transform: { '^.+\\\\.ts$': 'ts-jest' },
};
`;

interface Scaffold {
  file: string;
  text: string;
  /** Left alone when it exists, even with --force: it is the Rasa project's own file. */
  keepExisting?: boolean;
}

const SCAFFOLD: Scaffold[] = [
  { file: 'actions/greet.ts', text: EXAMPLE_ACTION },
  { file: 'actions/greet.test.ts', text: EXAMPLE_TEST },
  { file: 'tsconfig.json', text: TSCONFIG },
  { file: 'jest.config.cjs', text: JEST_CONFIG },
  { file: 'endpoints.yml', text: ENDPOINTS_SNIPPET, keepExisting: true },
];

export function initCommand(args: string[], io: Io, cwd: string = process.cwd()): number {
  const { values, positionals } = parseArgs({ args, allowPositionals: true, options: { force: { type: 'boolean' }, help: { type: 'boolean', short: 'h' } } });
  if (values.help) {
    io.out(`Usage: actionbridge init [dir] [--force]\n\n${INIT_USAGE}`);
    return 0;
  }
  if (positionals.length > 1) throw new InitUsageError(`init takes one folder, got ${positionals.length}`);
  const root = path.resolve(cwd, positionals[0] ?? '.');
  if (fs.existsSync(root) && !fs.statSync(root).isDirectory()) throw new InitUsageError(`init: ${root} is not a folder`);

  const exists = (s: Scaffold) => fs.existsSync(path.join(root, s.file));
  const clashes = SCAFFOLD.filter((s) => !s.keepExisting && exists(s));
  if (clashes.length > 0 && !values.force) {
    io.err(`init: not overwriting ${clashes.map((s) => s.file).join(', ')} in ${root} (pass --force to replace them). Nothing was written.`);
    return 1;
  }
  const written: string[] = [];
  const kept: string[] = [];
  for (const s of SCAFFOLD) {
    if (s.keepExisting && exists(s)) {
      kept.push(s.file);
      continue;
    }
    const target = path.join(root, s.file);
    fs.mkdirSync(path.dirname(target), { recursive: true });
    fs.writeFileSync(target, s.text);
    written.push(s.file);
  }

  io.out(`Wrote ${written.join(', ')} in ${root}.`);
  if (kept.includes('endpoints.yml')) io.out(`\nendpoints.yml exists and was left alone; Rasa reaches the action server with:\n\n${ENDPOINTS_SNIPPET}`);
  io.out(
    [
      '',
      'Next:',
      `  ${DEV_INSTALL}`,
      '  npx tsc                                        # type-check the actions and their tests',
      '  npx jest                                       # the example test, through actionbridge/testkit',
      '  npx actionbridge serve --actions ./actions     # the action server on http://localhost:5055/webhook',
    ].join('\n'),
  );
  return 0;
}
