/**
 * Dialogflow ES (v2) WebhookRequest → action → WebhookResponse.
 *
 * Slots persist between turns in one output context (`<session>/contexts/<slotContext>`) that
 * carries the full slot map with an explicit lifespan; Dialogflow sends it back on the next turn.
 */
import { renderDomainResponses } from '../core/domain-responses';
import { esCandidates } from './mapping';
import { effectsOf, esSlotContextParameters } from './map-events';
import { toEsMessages, type EsMessage } from './map-responses';
import { EsRequestSchema, issuesOf } from './request-schemas';
import { answerTurn } from '../core/answer-turn';
import { esTurn, sessionIdOf } from './synthetic-tracker';
import { type AdapterDeps, type AdapterResult, badRequest, fallbacksOf, fitsSizeLimit, messageFor } from './shared';

export interface EsContextOut {
  name: string;
  lifespanCount: number;
  parameters: Record<string, unknown>;
}

export interface EsWebhookResponse {
  fulfillmentText?: string;
  fulfillmentMessages?: EsMessage[];
  outputContexts?: EsContextOut[];
  followupEventInput?: { name: string; languageCode: string; parameters?: Record<string, unknown> };
}

const esText = (text: string): EsWebhookResponse => ({ fulfillmentText: text, fulfillmentMessages: [{ text: { text: [text] } }] });

export async function handleEs(body: unknown, deps: AdapterDeps, requestId: string): Promise<AdapterResult> {
  const parsed = EsRequestSchema.safeParse(body);
  if (!parsed.success) return badRequest('This is not a Dialogflow ES WebhookRequest.', issuesOf(parsed.error), requestId);
  const req = parsed.data;
  const { mapping, executor, logger } = deps;
  const intent = req.queryResult.intent?.displayName ?? null;
  const log = { requestId, edition: 'es', intent, session: sessionIdOf(req.session) };

  const answer = await answerTurn({
    executor,
    logger,
    pending: deps.pending,
    candidates: esCandidates(mapping, intent, req.queryResult.action ?? null),
    turnFor: () => esTurn(req, mapping.es.slotContext, deps.domain),
    channel: 'es',
    session: req.session,
    deadlineMs: mapping.es.deadlineMs ?? deps.deadlineMs,
    isExternalFollowup: (next) => Object.prototype.hasOwnProperty.call(mapping.es.followupEvents, next),
    fallbacks: fallbacksOf(mapping),
    log,
    noActionWarning: 'dialogflow: no action for this intent',
  });
  if (answer.kind === 'said') return { status: 200, body: esText(answer.text), action: answer.action };
  const { action: name, turn, outcome } = answer;

  const res: EsWebhookResponse = {};
  const current = turn.tracker.slots ?? {};
  const fx = effectsOf(outcome.events, Object.keys(current));
  const messages = toEsMessages(renderDomainResponses(outcome.responses, deps.domain, { ...current, ...fx.slotChanges }), mapping.es.platforms);
  if (messages.unresolved.length > 0) logger.warn('dialogflow: domain responses cannot be rendered here; send text instead', { ...log, responses: messages.unresolved });
  // fulfillmentText is all some older integrations read, so it carries every text, not only the first.
  if (messages.texts.length > 0) res.fulfillmentText = messages.texts.join('\n');
  if (messages.messages.length > 0) res.fulfillmentMessages = messages.messages;

  if (fx.ignored.length > 0) logger.debug('dialogflow: events without an ES equivalent were dropped', { ...log, events: fx.ignored });
  const parameters = esSlotContextParameters(current, fx.slotChanges);
  if (Object.keys(parameters).length > 0) {
    res.outputContexts = [{ name: `${req.session}/contexts/${mapping.es.slotContext}`, lifespanCount: mapping.es.contextLifespan, parameters }];
  }

  if (outcome.followup) {
    const event = mapping.es.followupEvents[outcome.followup] ?? outcome.followup;
    const set = Object.fromEntries(Object.entries(fx.slotChanges).filter(([, v]) => v !== null));
    res.followupEventInput = { name: event, languageCode: req.queryResult.languageCode || 'en', ...(Object.keys(set).length > 0 ? { parameters: set } : {}) };
    if (res.fulfillmentMessages) logger.warn('dialogflow: a follow-up event makes Dialogflow drop this turn\'s messages', { ...log, event });
  }

  if (!fitsSizeLimit(res)) {
    logger.error('dialogflow: response larger than 64 KiB, replaced by a short message', { ...log, action: name });
    return { status: 200, body: esText(messageFor(mapping, 'failed')), action: name };
  }
  return { status: 200, body: res, action: name };
}
