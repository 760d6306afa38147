/**
 * Registers every action exported by the files of an actions folder. A file may export actions
 * under any names (default export, named exports, or arrays of actions); files that export none
 * are ignored, so helpers can live beside actions.
 */
import fs from 'node:fs';
import path from 'node:path';
import type { Action } from './action';
import { ActionRegistry } from './registry';

const LOADABLE = /\.(c?js|ts)$/;
const NOT_LOADABLE = /(\.d\.ts|\.test\.ts|\.map)$/;

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

/** Loads `dir` (not recursively) into `registry`; a duplicate name throws, naming both files. */
export function loadActionsDir(dir: string, registry = new ActionRegistry()): ActionRegistry {
  if (!fs.existsSync(dir)) throw new Error(`Actions folder not found: ${dir}`);
  const files = fs
    .readdirSync(dir)
    .filter((f) => LOADABLE.test(f) && !NOT_LOADABLE.test(f))
    .sort();
  for (const file of files) {
    const full = path.join(dir, file);
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const mod: unknown = require(full);
    for (const action of actionsIn(mod)) registry.register(action, path.relative(process.cwd(), full) || full);
  }
  return registry;
}
