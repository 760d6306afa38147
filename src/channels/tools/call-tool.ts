/**
 * One tool call, whatever the transport (MCP, `POST /tools/{action}`): check the arguments
 * against the tool's schema, count the call against the conversation's limit, build a one-turn
 * tracker (src/channels/core/turn-tracker.ts) whose slots are the arguments and whose message
 * metadata carries the identity token, run it through the executor /webhook uses
 * (src/channels/core/run-turn.ts), and hand back what the action said and set. Every call is
 * reported once (metrics, audit).
 */
import { randomUUID } from 'node:crypto';
import { ActionExecutionRejection, AppError } from '../../errors';
import { toHttpError } from '../../errors/http';
import { throttled } from '../../http/rate-limit';
import type { CallRecord } from '../../observability/events';
import type { Logger } from '../../observability/logger';
import type { RasaEvent } from '../../protocol/events';
import type { Domain } from '../../protocol/request';
import type { ResponseEntry } from '../../protocol/response';
import type { RateLimiter } from '../../ratelimit';
import type { Executor } from '../../sdk/executor';
import { pendingKeyOf } from '../core/answer-turn';
import { renderDomainResponses } from '../core/domain-responses';
import type { PendingRuns } from '../core/pending-runs';
import { runTurn } from '../core/run-turn';
import { buildTurn } from '../core/turn-tracker';
import { IDENTITY_ARGUMENT, type Tool } from './catalogue';

/** The metadata key identity tokens travel under when no verifier says otherwise (IDENTITY_METADATA_KEY's default). */
const DEFAULT_METADATA_KEY = 'identity_token';
const MAX_TOKEN_LENGTH = 8192;

export interface ToolCallDeps {
  /** The same executor /webhook uses: a tool channel only translates, actions do the work. */
  executor: Executor;
  logger: Logger;
  /** Runs that outlived the deadline; calling again with the same arguments joins them. */
  pending: PendingRuns;
  /** How long a call waits for its action before answering "pending". */
  deadlineMs: number;
  /** Calls per conversation (RATE_LIMIT_SENDER_PER_MINUTE); absent = unlimited. */
  senderLimiter?: RateLimiter;
  /** A Rasa domain whose responses render `utter_…` messages; null = text messages only. */
  domain: Domain | null;
  /** Called after every call (metrics, audit), as /webhook's hook is. */
  onCall?(call: CallRecord): void;
}

export interface ToolCaller {
  /** `mcp` or `tools` (the OpenAPI route): the tracker's input channel. */
  channel: string;
  /** The conversation the call belongs to (rate limits, who filed a ticket). */
  senderId: string;
  requestId: string;
}

/** A message the action uttered, without the empty fields a Rasa response entry carries. */
export type ToolMessage = Record<string, unknown>;

export interface ToolOutput {
  /** `pending`: the action outlived the deadline and goes on; the same call again picks up its result. */
  status: 'done' | 'pending';
  messages: ToolMessage[];
  /** The slots the action set (null = cleared), last value winning. */
  slots: Record<string, unknown>;
  events: RasaEvent[];
}

/** An action that crashed: the caller gets a 500 (or an MCP error result) naming the request, never the error. */
export class ToolCrashed extends Error {
  constructor(readonly actionName: string) {
    super(`The tool '${actionName}' failed.`);
    this.name = 'ToolCrashed';
  }
}

const CONVERSATION_ID = /^[\w.:@-]{1,128}$/;

/** The caller's conversation id when it is sane, else a new one (each call its own conversation). */
export function conversationIdOf(given: unknown, channel: string): string {
  if (typeof given === 'string' && CONVERSATION_ID.test(given)) return given;
  return `${channel}-${randomUUID()}`;
}

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

const PENDING_TEXT = 'This is taking a little longer. Call the tool again with the same arguments in a moment to get the result.';

/** Runs one call; throws AppError (bad arguments, rate limited, the action's own error kind), ActionExecutionRejection or ToolCrashed. */
export async function callTool(tool: Tool, args: unknown, caller: ToolCaller, deps: ToolCallDeps): Promise<ToolOutput> {
  const started = performance.now();
  let status = 200;
  try {
    const output = await run(tool, args, caller, deps);
    if (output.status === 'pending') status = 202;
    return output;
  } catch (err) {
    status = err instanceof ToolCrashed ? 500 : toHttpError(err, { requestId: caller.requestId }).status;
    throw err;
  } finally {
    deps.onCall?.({ requestId: caller.requestId, action: tool.name, senderId: caller.senderId, status, durationMs: performance.now() - started });
  }
}

async function run(tool: Tool, args: unknown, caller: ToolCaller, deps: ToolCallDeps): Promise<ToolOutput> {
  const { slots, token } = checkArguments(tool, args ?? {});
  if (deps.senderLimiter) {
    const decision = await deps.senderLimiter.consume(caller.senderId).catch(() => null);
    // A failing limiter lets the call through, as on /webhook: a limiter must not become an outage.
    if (decision && !decision.allowed) throw throttled('sender', decision);
  }
  const metadataKey = deps.executor.services.identity?.metadataKey ?? DEFAULT_METADATA_KEY;
  const metadata: Record<string, unknown> = { tool: { channel: caller.channel, name: tool.name } };
  if (token !== undefined) metadata[metadataKey] = token;
  const turn = buildTurn(
    {
      senderId: caller.senderId,
      channel: caller.channel,
      slots,
      text: '',
      intent: null,
      confidence: 1,
      // The arguments were given in this very call, as entities extracted from a message are.
      extracted: slots,
      metadata,
      messageId: caller.requestId,
      activeLoop: null,
    },
    deps.domain,
  );
  const log = { requestId: caller.requestId, channel: caller.channel, action: tool.name };
  const outcome = await runTurn({
    executor: deps.executor,
    logger: deps.logger,
    action: tool.action,
    turn,
    deadlineMs: deps.deadlineMs,
    isExternalFollowup: () => false,
    log,
    pending: deps.pending,
    pendingKey: pendingKeyOf(caller.channel, caller.senderId, tool.action, slots, metadata),
  });
  if (outcome.kind === 'pending') return { status: 'pending', messages: [{ text: PENDING_TEXT }], slots: {}, events: [] };
  if (outcome.kind === 'failed') {
    if (outcome.reason === 'rejected') throw new ActionExecutionRejection(tool.name, `The tool '${tool.name}' declined to run with these arguments.`);
    if (outcome.errorKind) throw new AppError(outcome.errorKind, outcome.userText ?? `The tool '${tool.name}' failed.`);
    throw new ToolCrashed(tool.name);
  }
  const set = slotsSet(outcome.events);
  const rendered = renderDomainResponses(outcome.responses, deps.domain, { ...slots, ...set });
  return { status: 'done', messages: rendered.map(compact), slots: set, events: outcome.events };
}

/**
 * The slot values and the identity token, or a validation error naming every wrong argument:
 * an LLM corrects its call from the issues. Nulls count as absent (an agent's way of leaving
 * an optional argument out, and Rasa's way of an unset slot).
 */
function checkArguments(tool: Tool, args: unknown): { slots: Record<string, unknown>; token: string | undefined } {
  if (!isObject(args)) throw new AppError('validation', `The arguments of '${tool.name}' must be a JSON object.`);
  const known = new Set(tool.action.slotNames);
  const issues: { path: string; message: string }[] = [];
  const slots: Record<string, unknown> = {};
  let token: string | undefined;
  for (const [name, value] of Object.entries(args)) {
    if (value === null) continue;
    if (name === IDENTITY_ARGUMENT && tool.identity !== 'none') {
      if (typeof value !== 'string' || value.length > MAX_TOKEN_LENGTH) issues.push({ path: name, message: `must be a string of at most ${MAX_TOKEN_LENGTH} characters` });
      else if (value !== '') token = value;
    } else if (known.has(name)) slots[name] = value;
    else issues.push({ path: name.slice(0, 100), message: 'is not an argument of this tool' });
  }
  if (tool.identity === 'required' && token === undefined) issues.push({ path: IDENTITY_ARGUMENT, message: 'is required: this tool acts for a signed-in caller' });
  const schema = tool.action.slotSchema;
  if (schema) {
    const parsed = schema.safeParse(slots);
    if (!parsed.success) for (const issue of parsed.error.issues.slice(0, 20)) issues.push({ path: issue.path.map(String).join('.') || '(arguments)', message: issue.message });
  }
  if (issues.length > 0) throw new AppError('validation', `Invalid arguments for '${tool.name}': ${issues.map((i) => `${i.path} ${i.message}`).join('; ')}.`, { issues });
  return { slots, token };
}

function slotsSet(events: RasaEvent[]): Record<string, unknown> {
  const set: Record<string, unknown> = {};
  for (const e of events) if (e.event === 'slot') set[e.name] = e.value ?? null;
  return set;
}

/** A response entry without its null, empty-list and empty-object fields. */
function compact(entry: ResponseEntry): ToolMessage {
  const out: ToolMessage = {};
  for (const [k, v] of Object.entries(entry)) {
    if (v === null || v === undefined) continue;
    if (Array.isArray(v) && v.length === 0) continue;
    if (isObject(v) && Object.keys(v).length === 0) continue;
    out[k] = v;
  }
  return out;
}
