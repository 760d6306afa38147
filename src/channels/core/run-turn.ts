/**
 * Runs one Dialogflow turn through the shared Executor, inside Dialogflow's deadline.
 *
 * - A FollowupAction naming another of our actions runs it right here (as Rasa would run it
 *   next) and merges its output; one mapped to a Dialogflow event/page, or unknown to us, is
 *   handed back for the edition to express.
 * - If the budget runs out first the turn is answered "pending" and the action keeps running;
 *   asking again (same session, action and inputs) picks up that run instead of starting another. Failures become a sentence for the user, never an error page:
 *   Dialogflow would hide our error body anyway.
 */
import type { Logger } from '../../observability/logger';
import type { RasaEvent } from '../../protocol/events';
import type { Domain, TrackerState } from '../../protocol/request';
import type { ResponseEntry } from '../../protocol/response';
import type { Action } from '../../sdk/action';
import { ActionExecutionRejection, AppError, userMessage } from '../../errors';
import type { Executor } from '../../sdk/executor';
import type { PendingRuns } from './pending-runs';
import type { TurnOutcome } from './turn-outcome';
import type { SyntheticTurn } from './turn-tracker';

/** Follow-up chains longer than this are cut: an action that keeps naming itself would never answer. */
const MAX_HOPS = 5;

export type { TurnOutcome };

export interface RunTurnInput {
  executor: Executor;
  logger: Logger;
  action: Action;
  turn: SyntheticTurn;
  deadlineMs: number;
  /** Follow-ups Dialogflow itself should perform (mapped to an event or a page). */
  isExternalFollowup(name: string): boolean;
  log: Record<string, unknown>;
  /** Runs that missed an earlier deadline; `pendingKey` identifies this turn's run among them. */
  pending: PendingRuns;
  pendingKey: string;
}

function advance(state: TrackerState, ran: string, events: RasaEvent[]): TrackerState {
  const slots = { ...(state.slots ?? {}) };
  for (const e of events) {
    if (e.event === 'slot') slots[e.name] = e.value ?? null;
    else if (e.event === 'reset_slots' || e.event === 'restart') for (const k of Object.keys(slots)) slots[k] = null;
  }
  return {
    ...state,
    slots,
    events: [...(state.events ?? []), { event: 'action', name: ran, timestamp: null }, ...events],
    latest_action_name: ran,
  };
}

async function runChain(input: RunTurnInput): Promise<TurnOutcome> {
  const events: RasaEvent[] = [];
  const responses: ResponseEntry[] = [];
  const ran: string[] = [];
  let tracker = input.turn.tracker;
  let action = input.action;
  const domain: Domain = input.turn.domain;
  for (;;) {
    const result = await input.executor.execute(action, { tracker, domain, requestId: typeof input.log.requestId === 'string' ? input.log.requestId : undefined });
    ran.push(action.name);
    responses.push(...result.responses);
    let next: string | null = null;
    for (const e of result.events) {
      // Rasa keeps only the last FollowupAction of a turn.
      if (e.event === 'followup') next = e.name;
      else events.push(e);
    }
    if (!next) return { kind: 'done', events, responses, followup: null, ran };
    const target = input.executor.registry.get(next);
    if (!target || input.isExternalFollowup(next)) return { kind: 'done', events, responses, followup: next, ran };
    if (ran.length >= MAX_HOPS) {
      input.logger.warn('dialogflow: follow-up chain cut', { ...input.log, ran, next });
      return { kind: 'done', events, responses, followup: null, ran };
    }
    tracker = advance(tracker, action.name, result.events);
    action = target;
  }
}

function failureOf(err: unknown, input: RunTurnInput): TurnOutcome {
  if (err instanceof ActionExecutionRejection) {
    input.logger.info('dialogflow: action rejected execution', { ...input.log, message: err.message });
    return { kind: 'failed', reason: 'rejected', userText: null };
  }
  if (err instanceof AppError) {
    input.logger.warn('dialogflow: action failed', { ...input.log, kind: err.kind, error: err.message });
    return { kind: 'failed', reason: 'error', userText: userMessage(err.kind), errorKind: err.kind };
  }
  input.logger.error('dialogflow: action crashed', { ...input.log, error: err });
  return { kind: 'failed', reason: 'error', userText: null };
}

export async function runTurn(input: RunTurnInput): Promise<TurnOutcome> {
  const earlier = input.pending.get(input.pendingKey);
  if (earlier) input.logger.info('dialogflow: joining the run started on an earlier turn', input.log);
  const work = earlier ?? runChain(input).catch((err: unknown) => failureOf(err, input));
  let timer: NodeJS.Timeout | undefined;
  const deadline = new Promise<'deadline'>((resolve) => {
    timer = setTimeout(() => resolve('deadline'), input.deadlineMs);
  });
  const winner = await Promise.race([work, deadline]);
  clearTimeout(timer);
  if (winner !== 'deadline') {
    if (earlier) input.pending.delete(input.pendingKey);
    return winner;
  }
  if (earlier) return { kind: 'pending' };
  input.pending.add(input.pendingKey, work);
  const started = Date.now();
  input.logger.warn('dialogflow: deadline reached, answering "pending"; the action keeps running', { ...input.log, deadlineMs: input.deadlineMs });
  void work.then((late) => {
    input.logger.info('dialogflow: action finished after the deadline', { ...input.log, outcome: late.kind, lateByMs: Date.now() - started });
  });
  return { kind: 'pending' };
}
