/**
 * Runs one action call: look the action up, hand it a tracker, dispatcher and domain, and
 * collect what it returns. Protocol decisions (unknown action, missing domain) are raised as
 * errors here and turned into status codes by the server.
 */
import type { Domain, TrackerState } from '../protocol/request';
import type { RasaEvent } from '../protocol/events';
import type { WebhookResponse } from '../protocol/response';
import type { Action, ActionServices } from './action';
import { Dispatcher } from './dispatcher';
import { ActionNotFound } from '../errors';
import type { ActionRegistry } from './registry';
import { Tracker } from './tracker';
import { inSpan, tracingEnabled } from '../observability/tracing';
import { noErrorReporter, type ErrorReporter } from '../observability/error-reporter';

export interface ExecuteInput {
  tracker: TrackerState;
  domain: Domain | null;
  signal?: AbortSignal;
  /** The request that asked for the run, for the bug report should the action crash. */
  requestId?: string;
}

export interface ExecuteResult extends WebhookResponse {
  /** Events the action returned that were dropped (not objects with an `event`). */
  dropped: number;
}

export class Executor {
  constructor(
    readonly registry: ActionRegistry,
    readonly services: ActionServices = {},
    /** Every channel's actions run here: one place sees each action's crash (SENTRY_DSN). */
    private readonly errors: ErrorReporter = noErrorReporter,
  ) {}

  lookup(name: string): Action {
    const action = this.registry.get(name);
    if (!action) throw new ActionNotFound(name);
    return action;
  }

  execute(action: Action, input: ExecuteInput): Promise<ExecuteResult> {
    if (!tracingEnabled()) return this.run(action, input);
    return inSpan(`action ${action.name}`, 'internal', { 'rasa.action': action.name, 'rasa.sender_id': input.tracker.sender_id }, () => this.run(action, input));
  }

  private async run(action: Action, input: ExecuteInput): Promise<ExecuteResult> {
    const dispatcher = new Dispatcher();
    const tracker = new Tracker(input.tracker);
    let returned: unknown;
    try {
      returned = await action.run({ tracker, dispatcher, domain: input.domain, services: this.services, signal: input.signal });
    } catch (err) {
      this.errors.reportBug(err, { action: action.name, requestId: input.requestId });
      throw err;
    }
    const list: unknown[] = Array.isArray(returned) ? returned : [];
    // Like rasa_sdk, drop anything that is not an event object instead of failing the call.
    const events = list.filter(
      (e): e is RasaEvent => typeof e === 'object' && e !== null && typeof (e as { event?: unknown }).event === 'string' && (e as { event: string }).event !== '',
    );
    return { events, responses: dispatcher.messages, dropped: list.length - events.length };
  }
}
