/**
 * Dialogflow CX (v3) WebhookRequest → action → WebhookResponse.
 *
 * CX holds the session state itself: slot changes go back as `sessionInfo.parameters` (only the
 * changed keys, null to delete), validation results as form parameter states.
 */
import { renderDomainResponses } from '../core/domain-responses';
import { cxCandidates } from './mapping';
import { cxFormStates, effectsOf } from './map-events';
import { toCxMessages, type CxMessage } from './map-responses';
import { CxRequestSchema, issuesOf } from './request-schemas';
import { answerTurn } from '../core/answer-turn';
import { cxFormParameters, cxTurn, sessionIdOf } from './synthetic-tracker';
import { type AdapterDeps, type AdapterResult, badRequest, fallbacksOf, fitsSizeLimit, messageFor } from './shared';
import type { CxParameterState } from './map-events';

export interface CxWebhookResponse {
  fulfillmentResponse?: { messages: CxMessage[]; mergeBehavior: 'APPEND' };
  sessionInfo?: { parameters: Record<string, unknown> };
  pageInfo?: { formInfo: { parameterInfo: CxParameterState[] } };
  targetPage?: string;
  targetFlow?: string;
}

const cxText = (text: string): CxWebhookResponse => ({ fulfillmentResponse: { messages: [{ text: { text: [text] } }], mergeBehavior: 'APPEND' } });

const PAGE = /^projects\/[^/]+\/locations\/[^/]+\/agents\/[^/]+\/flows\/[^/]+\/pages\/[^/]+$/;
const FLOW = /^projects\/[^/]+\/locations\/[^/]+\/agents\/[^/]+\/flows\/[^/]+$/;

export async function handleCx(body: unknown, deps: AdapterDeps, requestId: string): Promise<AdapterResult> {
  const parsed = CxRequestSchema.safeParse(body);
  if (!parsed.success) return badRequest('This is not a Dialogflow CX WebhookRequest.', issuesOf(parsed.error), requestId);
  const req = parsed.data;
  const { mapping, executor, logger } = deps;
  const tag = req.fulfillmentInfo.tag;
  const log = { requestId, edition: 'cx', tag, session: sessionIdOf(req.sessionInfo.session) };

  const answer = await answerTurn({
    executor,
    logger,
    pending: deps.pending,
    candidates: cxCandidates(mapping, tag),
    turnFor: (name) => cxTurn(req, name, deps.domain),
    channel: 'cx',
    session: req.sessionInfo.session,
    deadlineMs: mapping.cx.deadlineMs ?? deps.deadlineMs,
    isExternalFollowup: (next) => Object.prototype.hasOwnProperty.call(mapping.cx.targets, next),
    fallbacks: fallbacksOf(mapping),
    log,
    noActionWarning: 'dialogflow: no action for this fulfillment tag',
  });
  if (answer.kind === 'said') return { status: 200, body: cxText(answer.text), action: answer.action };
  const { action: name, turn, outcome } = answer;

  const res: CxWebhookResponse = {};
  const fx = effectsOf(outcome.events, Object.keys(req.sessionInfo.parameters ?? {}));
  const messages = toCxMessages(renderDomainResponses(outcome.responses, deps.domain, { ...(turn.tracker.slots ?? {}), ...fx.slotChanges }));
  if (messages.unresolved.length > 0) logger.warn('dialogflow: domain responses cannot be rendered here; send text instead', { ...log, responses: messages.unresolved });
  if (messages.messages.length > 0) res.fulfillmentResponse = { messages: messages.messages, mergeBehavior: 'APPEND' };

  if (fx.ignored.length > 0) logger.debug('dialogflow: events without a CX equivalent were dropped', { ...log, events: fx.ignored });
  if (Object.keys(fx.slotChanges).length > 0) res.sessionInfo = { parameters: fx.slotChanges };
  const kind = executor.registry.get(name)?.kind;
  const states = cxFormStates(cxFormParameters(req), fx.slotChanges, kind === 'form_validation' || kind === 'slot_validation');
  if (states.length > 0) res.pageInfo = { formInfo: { parameterInfo: states } };

  if (outcome.followup) {
    const target = mapping.cx.targets[outcome.followup];
    if (target && PAGE.test(target)) res.targetPage = target;
    else if (target && FLOW.test(target)) res.targetFlow = target;
    else logger.warn('dialogflow: follow-up action has no CX target page or flow in the mapping; ignored', { ...log, followup: outcome.followup, target });
  }

  if (!fitsSizeLimit(res)) {
    logger.error('dialogflow: response larger than 64 KiB, replaced by a short message', { ...log, action: name });
    return { status: 200, body: cxText(messageFor(mapping, 'failed')), action: name };
  }
  return { status: 200, body: res, action: name };
}
