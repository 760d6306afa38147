/**
 * What every translating channel does with one turn, whatever its wire format: pick the first
 * registered action among the channel's candidates, build its turn, run it within the deadline,
 * and fall back to a sentence when nothing finished (no such action, still running, failed). The
 * channel only translates its request into candidates and a turn, and a finished outcome into
 * its own response.
 */
import type { Logger } from '../../observability/logger';
import type { Action } from '../../sdk/action';
import type { Executor } from '../../sdk/executor';
import { PendingRuns } from './pending-runs';
import { runTurn } from './run-turn';
import type { TurnOutcome } from './turn-outcome';
import type { SyntheticTurn } from './turn-tracker';

export interface Fallbacks {
  /** No registered action for the request (or the action rejected it). */
  unknown: string;
  /** The action outlived the deadline; asking again joins the run. */
  pending: string;
  failed: string;
}

export interface TurnRequest {
  /** The same executor /webhook uses: a channel only translates, actions do the work. */
  executor: Executor;
  logger: Logger;
  pending: PendingRuns;
  /** Action names to try, in order; the first registered one runs. */
  candidates: string[];
  turnFor(action: string): SyntheticTurn;
  /** The channel and the conversation, which with the action's inputs name a pending run. */
  channel: string;
  session: string;
  deadlineMs: number;
  /** A follow-up the channel hands back to the platform instead of running it here. */
  isExternalFollowup(next: string): boolean;
  fallbacks: Fallbacks;
  log: Record<string, unknown>;
  /** Logged when no candidate is registered. */
  noActionWarning: string;
}

export type TurnAnswer =
  | { kind: 'said'; text: string; action: string | null }
  | { kind: 'done'; action: string; turn: SyntheticTurn; outcome: Extract<TurnOutcome, { kind: 'done' }> };

export async function answerTurn(req: TurnRequest): Promise<TurnAnswer> {
  const { executor, logger } = req;
  const name = req.candidates.find((n) => executor.registry.has(n));
  if (!name) {
    logger.warn(req.noActionWarning, req.log);
    return { kind: 'said', text: req.fallbacks.unknown, action: null };
  }
  const turn = req.turnFor(name);
  const action = executor.registry.get(name)!;
  const outcome = await runTurn({
    executor,
    logger,
    action,
    turn,
    pending: req.pending,
    pendingKey: pendingKeyOf(req.channel, req.session, action, turn.tracker.slots ?? {}, turn.tracker.latest_message?.metadata),
    deadlineMs: req.deadlineMs,
    isExternalFollowup: req.isExternalFollowup,
    log: { ...req.log, action: name },
  });
  if (outcome.kind === 'pending') return { kind: 'said', text: req.fallbacks.pending, action: name };
  if (outcome.kind === 'failed') {
    return { kind: 'said', text: outcome.userText ?? (outcome.reason === 'rejected' ? req.fallbacks.unknown : req.fallbacks.failed), action: name };
  }
  return { kind: 'done', action: name, turn, outcome };
}

/**
 * Identifies a run for "ask again": the values of the slots the action reads, and the message's
 * metadata, where the caller's identity token travels. Someone else in the same session (or the
 * same person without their token) asks a different question and must not join the run, nor
 * receive what it found for the first caller.
 */
export function pendingKeyOf(channel: string, session: string, action: Action, slots: Record<string, unknown>, metadata: unknown = null): string {
  const inputs: Record<string, unknown> = Object.fromEntries(action.slotNames.map((s) => [s, slots[s] ?? null]));
  return PendingRuns.key(channel, session, action.name, { slots: inputs, metadata: metadata ?? null });
}
