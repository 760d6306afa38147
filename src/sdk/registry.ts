/** The set of actions this server runs, by name, in registration order (what `/actions` lists). */
import type { Action } from './action';

export class DuplicateActionError extends Error {
  constructor(name: string, first: string, second: string) {
    super(`Action '${name}' is defined twice: in ${first} and in ${second}. Action names must be unique.`);
    this.name = 'DuplicateActionError';
  }
}

export class ActionRegistry {
  private actions = new Map<string, { action: Action; source: string }>();

  /** `source` names where the action came from, for the duplicate-name message. */
  register(action: Action, source = 'code'): this {
    const existing = this.actions.get(action.name);
    if (existing) throw new DuplicateActionError(action.name, existing.source, source);
    this.actions.set(action.name, { action, source });
    return this;
  }

  get(name: string): Action | undefined {
    return this.actions.get(name)?.action;
  }

  has(name: string): boolean {
    return this.actions.has(name);
  }

  list(): Action[] {
    return [...this.actions.values()].map((e) => e.action);
  }

  /**
   * Takes over the actions of `loaded` in one step (auto-reload): a call sees either the old set
   * or the new one, never a mix.
   */
  replaceWith(loaded: ActionRegistry): void {
    this.actions = new Map(loaded.actions);
  }

  get size(): number {
    return this.actions.size;
  }
}
