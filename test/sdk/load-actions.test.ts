import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { ActionFileError, forgetActionModules, isAction, loadActionsDir } from '../../src/sdk/load-actions';
import { ActionRegistry, DuplicateActionError } from '../../src/sdk/registry';

const dirs: string[] = [];
afterAll(() => {
  for (const dir of dirs) fs.rmSync(dir, { recursive: true, force: true });
});

/** A folder of action files; each file's content is plain CommonJS (no SDK needed). */
function folder(files: Record<string, string>): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'actionbridge-actions-'));
  dirs.push(dir);
  for (const [name, content] of Object.entries(files)) {
    fs.mkdirSync(path.dirname(path.join(dir, name)), { recursive: true });
    fs.writeFileSync(path.join(dir, name), content);
  }
  return dir;
}

/** Source text of an object that satisfies isAction; run returns a slot naming the action. */
const action = (name: string) =>
  `{ name: ${JSON.stringify(name)}, kind: 'action', slotNames: [], run: async () => [{ event: 'slot', timestamp: null, name: 'ran', value: ${JSON.stringify(name)} }] }`;
const mustNotLoad = "throw new Error('this file must not be loaded');\n";

describe('isAction', () => {
  it('needs a name, a kind, slot names and run', () => {
    expect(isAction({ name: 'a', kind: 'action', slotNames: [], run: () => [] })).toBe(true);
    expect(isAction({ name: 'a', kind: 'action', slotNames: [] })).toBe(false);
    expect(isAction({ name: 'a', kind: 'action', run: () => [] })).toBe(false);
    expect(isAction({ name: 'a', slotNames: [], run: () => [] })).toBe(false);
    expect(isAction({ name: 1, kind: 'action', slotNames: [], run: () => [] })).toBe(false);
    expect(isAction(null)).toBe(false);
    expect(isAction('action_a')).toBe(false);
  });
});

describe('loadActionsDir', () => {
  it('registers actions exported by name, as default, in arrays, or as the whole module', async () => {
    const dir = folder({
      'named.js': `exports.first = ${action('action_named')};\nexports.helper = () => 1;\nexports.config = { retries: 3 };\n`,
      'array.cjs': `module.exports = { all: [${action('action_list_1')}, [${action('action_list_2')}]] };\n`,
      'default.js': `Object.defineProperty(exports, '__esModule', { value: true });\nexports.default = ${action('action_default')};\n`,
      'twice.js': `const a = ${action('action_twice')};\nmodule.exports = { a, default: a, again: [a] };\n`,
      'whole.js': `module.exports = ${action('action_whole')};\n`,
      'typed.ts': `export const typed = ${action('action_typed')};\n`,
    });
    const registry = loadActionsDir(dir);
    // Files load in name order; within a file, in export order.
    expect(registry.list().map((a) => a.name)).toEqual([
      'action_list_1',
      'action_list_2',
      'action_default',
      'action_named',
      'action_twice',
      'action_typed',
      'action_whole',
    ]);
    const loaded = registry.get('action_default')!;
    await expect(loaded.run({} as never)).resolves.toEqual([{ event: 'slot', timestamp: null, name: 'ran', value: 'action_default' }]);
  });

  it('ignores files without actions, files of other kinds and sub-folders', () => {
    const dir = folder({
      'helpers.js': 'module.exports = { format: (s) => s.trim(), names: ["a"], nothing: null };\n',
      'empty.js': '',
      'only.js': `module.exports = ${action('action_only')};\n`,
      'README.md': mustNotLoad,
      'data.json': '{"name": "action_json", "kind": "action", "slotNames": []}',
      'types.d.ts': mustNotLoad,
      'only.test.ts': mustNotLoad,
      'only.js.map': mustNotLoad,
      'nested/inner.js': mustNotLoad,
    });
    expect(loadActionsDir(dir).list().map((a) => a.name)).toEqual(['action_only']);
  });

  it('adds to a given registry', () => {
    const dir = folder({ 'x.js': `module.exports = ${action('action_x')};\n` });
    const registry = new ActionRegistry();
    expect(loadActionsDir(dir, registry)).toBe(registry);
    expect(registry.has('action_x')).toBe(true);
  });

  it('throws DuplicateActionError naming both files when two files define the same action', () => {
    const dir = folder({
      'alpha.js': `module.exports = ${action('action_same')};\n`,
      'beta.js': `exports.other = ${action('action_same')};\n`,
    });
    let error: unknown;
    try {
      loadActionsDir(dir);
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(DuplicateActionError);
    const message = (error as Error).message;
    expect(message).toContain("'action_same'");
    expect(message).toContain('alpha.js');
    expect(message).toContain('beta.js');
    expect(message.indexOf('alpha.js')).toBeLessThan(message.indexOf('beta.js'));
  });

  it('loads ES modules (.mjs) and TypeScript with type syntax (.cts, .mts) through the loader', async () => {
    const dir = folder({
      'esm.mjs': `export const esm = ${action('action_esm')};\nexport default ${action('action_esm_default')};\n`,
      'typed.cts': `interface Named { name: string }\nconst n: Named = { name: 'action_cts' };\nexport const typed = { ...${action('x')}, name: n.name as string };\n`,
      'module.mts': `type Kind = 'action';\nconst kind: Kind = 'action';\nexport default { ...${action('action_mts')}, kind };\n`,
    });
    expect(loadActionsDir(dir).list().map((a) => a.name).sort()).toEqual(['action_cts', 'action_esm', 'action_esm_default', 'action_mts']);
    const esm = loadActionsDir(dir).get('action_esm')!;
    await expect(esm.run({} as never)).resolves.toEqual([{ event: 'slot', timestamp: null, name: 'ran', value: 'action_esm' }]);
  });

  it('loads a folder given relative to the working folder', () => {
    const dir = folder({ 'rel.js': `module.exports = ${action('action_relative')};\n`, 'rel2.mjs': `export default ${action('action_relative_esm')};\n` });
    const relative = path.relative(process.cwd(), dir);
    expect(path.isAbsolute(relative)).toBe(false);
    expect(loadActionsDir(relative).list().map((a) => a.name)).toEqual(['action_relative', 'action_relative_esm']);
  });

  it('skips test files and declarations of every flavour', () => {
    const dir = folder({
      'a.js': `module.exports = ${action('action_a')};\n`,
      'a.test.js': mustNotLoad,
      'a.spec.ts': mustNotLoad,
      'a.test.mjs': mustNotLoad,
      'a.d.mts': mustNotLoad,
    });
    expect(loadActionsDir(dir).list().map((a) => a.name)).toEqual(['action_a']);
  });

  it('names the file when one has a syntax error', () => {
    const dir = folder({ 'fine.js': `module.exports = ${action('action_fine')};\n`, 'foo.mts': 'const x: number = ;\n' });
    let error: unknown;
    try {
      loadActionsDir(dir);
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(ActionFileError);
    expect((error as ActionFileError).file).toBe(path.relative(process.cwd(), path.join(dir, 'foo.mts')));
    expect((error as Error).message).toMatch(/^Cannot load the action file .*foo\.mts: /);
  });

  it('reads the files again after forgetActionModules', () => {
    const dir = folder({ 'v.mjs': `export default ${action('action_v1')};\n`, 'w.js': `module.exports = ${action('action_w1')};\n` });
    expect(loadActionsDir(dir).list().map((a) => a.name)).toEqual(['action_v1', 'action_w1']);
    fs.writeFileSync(path.join(dir, 'v.mjs'), `export default ${action('action_v2')};\n`);
    // Without forgetting, the cached module answers.
    expect(loadActionsDir(dir).list().map((a) => a.name)).toEqual(['action_v1', 'action_w1']);
    forgetActionModules(dir);
    expect(loadActionsDir(dir).list().map((a) => a.name)).toEqual(['action_v2', 'action_w1']);
  });

  it('throws a clear error for a missing folder', () => {
    const missing = path.join(os.tmpdir(), 'actionbridge-no-such-folder-' + process.pid);
    expect(() => loadActionsDir(missing)).toThrow(`Actions folder not found: ${missing}`);
  });

  it('lets an error in an action file surface', () => {
    const dir = folder({ 'broken.js': "throw new Error('broken action file');\n" });
    expect(() => loadActionsDir(dir)).toThrow(/broken\.js: broken action file/);
  });
});
