/**
 * `actionbridge init`: scaffolds an adopter's actions folder, never overwriting their files
 * unless told to. (That the scaffold type-checks and its test passes against the installed
 * package is shown by test/adopter/tarball.test.ts.)
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { main, type Io } from '../../../src/main/cli/main';
import { ENDPOINTS_SNIPPET } from '../../../src/main/cli/init';

function capture(): Io & { stdout: string[]; stderr: string[] } {
  const stdout: string[] = [];
  const stderr: string[] = [];
  return { stdout, stderr, out: (s) => stdout.push(s), err: (s) => stderr.push(s) };
}

const SCAFFOLD = ['actions/greet.ts', 'actions/greet.test.ts', 'tsconfig.json', 'jest.config.cjs', 'endpoints.yml'];

describe('actionbridge init', () => {
  let dir: string;
  beforeEach(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'ab-init-'));
  });
  afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

  it('writes a typed action, its test through actionbridge/testkit, tsconfig, jest config and endpoints.yml', async () => {
    const io = capture();
    expect(await main(['init', dir], io)).toBe(0);
    for (const f of SCAFFOLD) expect(fs.existsSync(path.join(dir, f))).toBe(true);
    const action = fs.readFileSync(path.join(dir, 'actions/greet.ts'), 'utf8');
    expect(action).toContain("from 'actionbridge'");
    expect(action).toMatch(/slots: z\.object\(/);
    expect(fs.readFileSync(path.join(dir, 'actions/greet.test.ts'), 'utf8')).toContain("from 'actionbridge/testkit'");
    const tsconfig = JSON.parse(fs.readFileSync(path.join(dir, 'tsconfig.json'), 'utf8')) as { compilerOptions: { strict: boolean; skipLibCheck: boolean } };
    expect(tsconfig.compilerOptions).toMatchObject({ strict: true, skipLibCheck: false });
    expect(fs.readFileSync(path.join(dir, 'endpoints.yml'), 'utf8')).toBe(ENDPOINTS_SNIPPET);
    expect(ENDPOINTS_SNIPPET).toContain('url: "http://localhost:5055/webhook"');
    expect(io.stdout.join('\n')).toContain('npx actionbridge serve --actions ./actions');
  });

  it('scaffolds the current folder when no folder is given', async () => {
    const cwd = process.cwd();
    process.chdir(dir);
    try {
      expect(await main(['init'], capture())).toBe(0);
    } finally {
      process.chdir(cwd);
    }
    expect(fs.existsSync(path.join(dir, 'actions/greet.ts'))).toBe(true);
  });

  it('refuses to overwrite an existing file, names it, and writes nothing at all', async () => {
    fs.mkdirSync(path.join(dir, 'actions'));
    fs.writeFileSync(path.join(dir, 'actions/greet.ts'), '// mine\n');
    const io = capture();
    expect(await main(['init', dir], io)).toBe(1);
    expect(io.stderr.join('\n')).toMatch(/not overwriting actions\/greet\.ts .*--force/);
    expect(fs.readFileSync(path.join(dir, 'actions/greet.ts'), 'utf8')).toBe('// mine\n');
    expect(fs.existsSync(path.join(dir, 'tsconfig.json'))).toBe(false);
    expect(fs.existsSync(path.join(dir, 'actions/greet.test.ts'))).toBe(false);
  });

  it('overwrites with --force', async () => {
    fs.mkdirSync(path.join(dir, 'actions'));
    fs.writeFileSync(path.join(dir, 'tsconfig.json'), '{}\n');
    expect(await main(['init', dir, '--force'], capture())).toBe(0);
    expect(fs.readFileSync(path.join(dir, 'tsconfig.json'), 'utf8')).toContain('"strict": true');
  });

  it("leaves the Rasa project's own endpoints.yml alone, even with --force, and prints the lines to add", async () => {
    const mine = 'tracker_store:\n  type: InMemoryTrackerStore\n';
    fs.writeFileSync(path.join(dir, 'endpoints.yml'), mine);
    for (const args of [['init', dir], ['init', dir, '--force']]) {
      const io = capture();
      expect(await main(args, io)).toBe(0);
      expect(io.stdout.join('\n')).toContain(ENDPOINTS_SNIPPET);
    }
    expect(fs.readFileSync(path.join(dir, 'endpoints.yml'), 'utf8')).toBe(mine);
  });

  it('refuses two folders and an unknown flag with the usage (exit 2), and prints its help', async () => {
    const two = capture();
    expect(await main(['init', dir, dir], two)).toBe(2);
    expect(two.stderr.join('\n')).toContain('Usage: actionbridge');
    const flag = capture();
    expect(await main(['init', dir, '--frce'], flag)).toBe(2);
    expect(fs.readdirSync(dir)).toEqual([]);
    const help = capture();
    expect(await main(['init', '--help'], help)).toBe(0);
    expect(help.stdout.join('\n')).toContain('--force');
  });
});
