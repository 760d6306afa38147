/**
 * Robotic process automation: acting in a legacy system that has no API, through its screens
 * (the built-in browser robot) or a robot fleet (UiPath Orchestrator). `RpaSystem` is what a
 * connector implements, `Rpa` what an action is given (every run goes through durable delivery:
 * robots are slow, so the user gets a reference at once and the outcome later).
 *
 * One task is one unit of legacy work with flat string inputs ("file this leave request"): a
 * browser flow of that name, or the UiPath queue / process configured for it. A run is keyed by
 * a `reference` that is stable across retries, so a repeated submit finds the first run instead
 * of doing the work twice.
 */
import type { Handed, HandedStatus } from './durable';
import type { TicketAsker, TicketFiler } from './ticketing';

/** A task's name: lower-case words joined by dots or dashes, e.g. `leave.request`. */
export const RPA_TASK_NAME = /^[a-z][a-z0-9]*(?:[.-][a-z0-9]+)*$/;

/** What a robot is asked to do. */
export interface RpaTask {
  /** Which task (a flow's name; the connector maps it to a UiPath queue or process). */
  name: string;
  /** Its inputs, by field name; strings only, as a screen or a queue item's SpecificContent takes them. */
  input: Record<string, string>;
}

export interface RpaSubmitOptions {
  /**
   * Stable for this request across every retry (the outbox job's reference, `REF-…`): UiPath's
   * queue item `Reference`; what a browser flow looks for on the legacy system's list before
   * submitting again.
   */
  reference: string;
  /** The caller's right to run ended (its job's lease was lost): start no step or request after it aborts. */
  signal?: AbortSignal;
}

/** What a finished run produced. */
export interface RpaResult {
  /** The legacy system's own confirmation (a request number), as the user should be told it. */
  confirmation: string;
  /** Further values the run read off the screens or the robot's output arguments. */
  output?: Record<string, string>;
}

/** What `submit` and `findByReference` answer. */
export type RpaRun =
  /** Finished within the call (the browser robot does the whole flow in one go). */
  | ({ state: 'done' } & RpaResult)
  /** Handed to a robot that works on its own (a UiPath queue item or job): ask `status(runId)` later. */
  | { state: 'running'; runId: string };

/** What `status` answers about a run that was `running`. */
export type RpaRunStatus =
  | { state: 'running' }
  | ({ state: 'done' } & RpaResult)
  /**
   * The robot gave up on it (a UiPath business exception, a failed job). `permanent`: submitting
   * again cannot help (bad input the legacy system refuses); otherwise a new submit may be tried.
   */
  | { state: 'failed'; reason: string; permanent: boolean };

export interface RpaSystem {
  readonly provider: string;
  /**
   * Runs `task` once for `opts.reference`. Throws an AppError: permanent kinds (validation,
   * not_found, …) when trying again cannot help, `upstream_*` when it can.
   */
  submit(task: RpaTask, opts: RpaSubmitOptions): Promise<RpaRun>;
  /** A run `submit` answered `running` for; throws a not_found AppError when there is no such run. */
  status(runId: string, opts?: { signal?: AbortSignal }): Promise<RpaRunStatus>;
  /**
   * The run an earlier submit of this task made with this reference, if any: how a retried job
   * finds what a timed-out attempt did instead of doing it twice. Null: none was ever made.
   */
  findByReference(task: string, reference: string, opts?: { signal?: AbortSignal }): Promise<RpaRun | null>;
  /**
   * How long after a submit `findByReference` may still miss it (its list lags behind its
   * writes); absent or 0: a miss is true at once (the browser robot reads the live screen).
   */
  readonly searchConsistencyMs?: number;
  /** Tasks this system can run (flow names, or those mapped to queues); absent: not known up front. */
  tasks?(): readonly string[];
  /** Frees browsers and connections. */
  close?(): Promise<void>;
}

/** Who asked for a run, as kept with it: the same hashed marks tickets carry (`ticketFiler`). */
export type RpaRequester = TicketFiler;
export type RpaAsker = TicketAsker;

export interface RpaRunOptions {
  requestedBy: RpaRequester;
  /**
   * Told when the run is done, by triggering `notifyIntent` in Rasa with the entities
   * `request_reference` and `confirmation_number` (only when a Rasa trigger is configured).
   */
  conversationId?: string;
  notifyIntent?: string;
}

export interface Rpa {
  readonly provider: string;
  /** Whether `task` can be run here (a flow or queue is configured for it). */
  supports(task: string): boolean;
  /**
   * Runs the task once per `requestKey`: a re-sent call gets the first call's outcome. With an
   * outbox it is always `queued` with a reference at once (robots are slow; a worker runs it);
   * without one it runs now and is `done`.
   */
  run(task: RpaTask, requestKey: string, opts: RpaRunOptions): Promise<Handed<RpaResult>>;
  /** A run handed over earlier, by its reference; null when there is none, or it is not `asker`'s. */
  requestStatus(reference: string, asker: RpaAsker): Promise<HandedStatus<RpaResult> | null>;
}
