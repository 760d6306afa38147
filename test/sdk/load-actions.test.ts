import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { isAction, loadActionsDir } from '../../src/sdk/load-actions';
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

  it('throws a clear error for a missing folder', () => {
    const missing = path.join(os.tmpdir(), 'actionbridge-no-such-folder-' + process.pid);
    expect(() => loadActionsDir(missing)).toThrow(`Actions folder not found: ${missing}`);
  });

  it('lets an error in an action file surface', () => {
    const dir = folder({ 'broken.js': "throw new Error('broken action file');\n" });
    expect(() => loadActionsDir(dir)).toThrow('broken action file');
  });
});
