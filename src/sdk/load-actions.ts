/**
 * Registers every action exported by the files of an actions folder. A file may export actions
 * under any names (default export, named exports, or arrays of actions); files that export none
 * are ignored, so helpers can live beside actions.
 *
 * `.js` and `.cjs` files are plain Node modules. `.ts`, `.mts`, `.cts` and `.mjs` files are
 * compiled on the fly by tsx (Node 20 strips no types, and its `require` of ES modules is not
 * there on every 20.x), so a user's folder runs without a build step. tsx is loaded only when
 * such a file is present.
 */
import fs from 'node:fs';
import nodeModule from 'node:module';
import path from 'node:path';
import type { Action } from './action';
import { ActionRegistry } from './registry';

const LOADABLE = /\.(c?js|mjs|[cm]?ts)$/;
const NOT_LOADABLE = /(\.d\.[cm]?ts|\.test\.[cm]?[jt]s|\.spec\.[cm]?[jt]s|\.map)$/;
const NEEDS_LOADER = /\.(mjs|[cm]?ts)$/;

/** A file of the actions folder that could not be loaded; the message starts with the file. */
export class ActionFileError extends Error {
  constructor(
    readonly file: string,
    override readonly cause: unknown,
  ) {
    super(`Cannot load the action file ${file}: ${cause instanceof Error ? cause.message : String(cause)}`);
    this.name = 'ActionFileError';
  }
}

export function isAction(value: unknown): value is Action {
  if (typeof value !== 'object' || value === null) return false;
  const v = value as Partial<Action>;
  return typeof v.name === 'string' && typeof v.run === 'function' && typeof v.kind === 'string' && Array.isArray(v.slotNames);
}

function actionsIn(moduleExports: unknown): Action[] {
  const found: Action[] = [];
  const visit = (v: unknown) => {
    if (isAction(v)) found.push(v);
    else if (Array.isArray(v)) v.forEach(visit);
  };
  if (isAction(moduleExports)) return [moduleExports];
  if (typeof moduleExports === 'object' && moduleExports !== null) {
    for (const value of Object.values(moduleExports)) visit(value);
  }
  // The same object exported twice (e.g. named and default) is one action.
  return [...new Set(found)];
}

interface TsxApi {
  register(): () => void;
}

/**
 * Node's own require and module cache, the ones tsx hooks into. A test runner with a module
 * sandbox (jest) hands out its own `node:module`; process.getBuiltinModule (Node >= 20.16) is
 * Node's even there.
 */
const realModule = (process.getBuiltinModule?.('node:module') as typeof nodeModule | undefined) ?? nodeModule;
const nodeRequire = realModule.createRequire(__filename);
let tsxRegistered = false;

/**
 * Loads a file through tsx's hooks on Node's own require. They are registered for the whole
 * process, not in a tsx namespace: a namespace gives every module it loads a cache key of its
 * own, so an action's `import ... from 'actionbridge'` would get a second copy of the package,
 * whose errors (a rejection, an AppError) the server's copy would not recognise.
 */
function tsxRequire(file: string): unknown {
  if (!tsxRegistered) {
    (nodeRequire('tsx/cjs/api') as TsxApi).register();
    tsxRegistered = true;
  }
  return nodeRequire(file);
}

/**
 * When this very file runs as TypeScript (jest, ts-node, tsx), the runtime already compiles `.ts`
 * files and keeps one copy of every module: the actions share the SDK with the server.
 */
const RUNTIME_COMPILES_TS = __filename.endsWith('.ts');

/* eslint-disable @typescript-eslint/no-require-imports -- a folder chosen at run time is loaded */
function requireActionFile(file: string): unknown {
  if (file.endsWith('.ts') && RUNTIME_COMPILES_TS) return require(file);
  if (NEEDS_LOADER.test(file)) return tsxRequire(file);
  try {
    return require(file);
  } catch (err) {
    // An ES module in a `"type": "module"` package: refused before any of it ran, so tsx may load it.
    if ((err as NodeJS.ErrnoException).code === 'ERR_REQUIRE_ESM') return tsxRequire(file);
    throw err;
  }
}
/* eslint-enable @typescript-eslint/no-require-imports */

/**
 * Forgets the modules loaded from `dir`, so the next load reads the files again. Modules of a
 * node_modules folder inside it stay.
 */
export function forgetActionModules(dir: string): void {
  const root = path.resolve(dir) + path.sep;
  for (const cache of new Set([require.cache, nodeRequire.cache])) {
    for (const key of Object.keys(cache)) {
      if (key.startsWith(root) && !key.includes(`${path.sep}node_modules${path.sep}`)) delete cache[key];
    }
  }
}

/** The files `loadActionsDir` would load, in load order. */
export function actionFiles(dir: string): string[] {
  const full = path.resolve(dir);
  if (!fs.existsSync(full)) throw new Error(`Actions folder not found: ${full}`);
  if (!fs.statSync(full).isDirectory()) throw new Error(`Actions folder is not a folder: ${full}`);
  return fs
    .readdirSync(full)
    .filter((f) => LOADABLE.test(f) && !NOT_LOADABLE.test(f))
    .sort()
    .map((f) => path.join(full, f));
}

/**
 * Loads `dir` (not recursively; relative to the working folder) into `registry`. A file that
 * fails to load throws ActionFileError naming it; a duplicate name throws, naming both files.
 */
export function loadActionsDir(dir: string, registry = new ActionRegistry()): ActionRegistry {
  for (const full of actionFiles(dir)) {
    const shown = path.relative(process.cwd(), full) || full;
    let mod: unknown;
    try {
      mod = requireActionFile(full);
    } catch (err) {
      throw new ActionFileError(shown, err);
    }
    for (const action of actionsIn(mod)) registry.register(action, shown);
  }
  return registry;
}
