/**
 * `--auto-reload`: watches an actions folder (helpers in sub-folders included) and, once the
 * edits have settled, loads the whole folder afresh into a new registry and swaps it into the
 * live one. A load that fails (a syntax error, a throwing file, a duplicate name) changes
 * nothing: the old actions go on serving and `onError` hears what went wrong, naming the file.
 */
import fs from 'node:fs';
import path from 'node:path';
import { forgetActionModules, loadActionsDir } from './load-actions';
import type { ActionRegistry } from './registry';

export interface ActionsWatcher {
  close(): void;
}

export interface WatchOptions {
  onReloaded(names: string[]): void;
  onError(err: unknown): void;
  /** How long the folder must be quiet before a reload: an editor's save is several events. */
  quietMs?: number;
}

export function watchActions(dir: string, live: ActionRegistry, opts: WatchOptions): ActionsWatcher {
  const root = path.resolve(dir);
  const quietMs = opts.quietMs ?? 100;
  let timer: NodeJS.Timeout | null = null;

  const reload = () => {
    timer = null;
    forgetActionModules(root);
    try {
      const fresh = loadActionsDir(root);
      live.replaceWith(fresh);
      opts.onReloaded(fresh.list().map((a) => a.name));
    } catch (err) {
      opts.onError(err);
    }
  };

  const watcher = fs.watch(root, { recursive: true }, (_event, file) => {
    // Installing packages into the folder is not an edit of an action.
    if (file && String(file).split(path.sep).includes('node_modules')) return;
    if (timer) clearTimeout(timer);
    timer = setTimeout(reload, quietMs);
  });
  watcher.on('error', (err) => opts.onError(err));

  return {
    close() {
      if (timer) clearTimeout(timer);
      timer = null;
      watcher.close();
    },
  };
}
