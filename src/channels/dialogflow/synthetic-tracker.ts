/**
 * Reads one Dialogflow request as a turn (src/channels/core/turn-tracker.ts builds the Rasa
 * tracker from it), so actions written for Rasa run unchanged: parameters become slots, the query
 * the latest message, the session id the sender, and the caller's payload the message metadata
 * (where the identity token travels).
 */
import type { Domain } from '../../protocol/request';
import { REQUESTED_SLOT, buildTurn, type SyntheticTurn, type TurnInput } from '../core/turn-tracker';
import { slug } from './mapping';
import type { CxParameterInfo, CxRequest, EsRequest } from './request-schemas';

/** `.../sessions/<id>` → `<id>`. */
export type { SyntheticTurn };

export function sessionIdOf(session: string): string {
  return session.slice(session.lastIndexOf('/') + 1);
}

/** Dialogflow sends unfilled parameters as `""` (or `[]` for lists). */
const isUnset = (v: unknown) => v === undefined || v === '' || (Array.isArray(v) && v.length === 0);

/** Context ids Dialogflow reserves for itself; their parameters are not ours. */
const isSystemContext = (id: string) => id === '__system_counters__' || id.endsWith('_id_dialog_context') || id.endsWith('_dialog_params_size');

export const contextIdOf = (name: string) => name.slice(name.lastIndexOf('/contexts/') + '/contexts/'.length);

/**
 * ES slots, later sources winning: other active contexts, then our slot context (which keeps
 * nulls: a slot the action cleared stays cleared), then this turn's parameters.
 */
export function esSlots(req: EsRequest, slotContext: string): Record<string, unknown> {
  const slots: Record<string, unknown> = {};
  const contexts = req.queryResult.outputContexts ?? [];
  const take = (params: Record<string, unknown> | null | undefined, keepNull: boolean) => {
    for (const [k, v] of Object.entries(params ?? {})) {
      if (k.endsWith('.original') || isUnset(v) || (v === null && !keepNull)) continue;
      slots[k] = v;
    }
  };
  for (const c of contexts) {
    const id = contextIdOf(c.name);
    if (id !== slotContext && !isSystemContext(id)) take(c.parameters, false);
  }
  for (const c of contexts) if (contextIdOf(c.name) === slotContext) take(c.parameters, true);
  take(req.queryResult.parameters, false);
  return slots;
}

export function esTurn(req: EsRequest, slotContext: string, base: Domain | null = null): SyntheticTurn {
  const q = req.queryResult;
  const extracted: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(q.parameters ?? {})) if (!isUnset(v) && v !== null && !k.endsWith('.original')) extracted[k] = v;
  const original = req.originalDetectIntentRequest;
  const input: TurnInput = {
    senderId: sessionIdOf(req.session),
    channel: 'dialogflow_es',
    slots: esSlots(req, slotContext),
    text: q.queryText ?? '',
    intent: q.intent?.displayName ?? null,
    confidence: q.intentDetectionConfidence ?? 1,
    extracted,
    metadata: {
      ...(original?.payload ?? {}),
      dialogflow: {
        edition: 'es',
        session: req.session,
        responseId: req.responseId ?? null,
        source: original?.source ?? null,
        languageCode: q.languageCode ?? null,
        intent: q.intent?.displayName ?? null,
        action: q.action ?? null,
      },
    },
    messageId: req.responseId ?? null,
    activeLoop: null,
  };
  return buildTurn(input, base);
}

/** The form a CX page's parameters belong to, in Rasa terms. */
export function cxFormName(req: CxRequest, actionName: string): string {
  if (actionName.startsWith('validate_')) return actionName.slice('validate_'.length);
  return slug(req.pageInfo?.displayName ?? '') || 'form';
}

export function cxFormParameters(req: CxRequest): CxParameterInfo[] {
  return req.pageInfo?.formInfo?.parameterInfo ?? [];
}

function cxExtracted(req: CxRequest, slots: Record<string, unknown>): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  const valueOf = (name: string, fallback: unknown) => (Object.prototype.hasOwnProperty.call(slots, name) ? slots[name] : fallback);
  const form = cxFormParameters(req);
  if (form.length > 0) {
    const collected = form.filter((p) => p.justCollected === true);
    // Without a justCollected mark, re-check everything the form holds (validation is idempotent).
    for (const p of collected.length > 0 ? collected : form.filter((f) => f.state === 'FILLED')) out[p.displayName] = valueOf(p.displayName, p.value);
    return out;
  }
  for (const [name, p] of Object.entries(req.intentInfo?.parameters ?? {})) {
    const v = valueOf(name, p.resolvedValue);
    if (!isUnset(v) && v !== null) out[name] = v;
  }
  return out;
}

export function cxTurn(req: CxRequest, actionName: string, base: Domain | null = null): SyntheticTurn {
  const slots: Record<string, unknown> = { ...(req.sessionInfo.parameters ?? {}) };
  const form = cxFormParameters(req);
  const formName = form.length > 0 ? cxFormName(req, actionName) : null;
  if (formName) {
    const next = form.find((p) => p.required !== false && (p.state === 'EMPTY' || p.state === 'INVALID'));
    slots[REQUESTED_SLOT] = next?.displayName ?? null;
  }
  const input: TurnInput = {
    senderId: sessionIdOf(req.sessionInfo.session),
    channel: 'dialogflow_cx',
    slots,
    text: req.text ?? req.transcript ?? req.dtmfDigits ?? req.triggerEvent ?? req.triggerIntent ?? '',
    intent: req.intentInfo?.displayName ?? null,
    confidence: req.intentInfo?.confidence ?? 1,
    extracted: cxExtracted(req, slots),
    metadata: {
      ...(req.payload ?? {}),
      dialogflow: {
        edition: 'cx',
        session: req.sessionInfo.session,
        detectIntentResponseId: req.detectIntentResponseId ?? null,
        tag: req.fulfillmentInfo.tag,
        page: req.pageInfo?.displayName ?? null,
        languageCode: req.languageCode ?? null,
      },
    },
    messageId: req.detectIntentResponseId ?? null,
    activeLoop: formName,
    // Every form parameter counts: CX also collects optional ones, and validation should see them.
    forms: formName ? { [formName]: { required_slots: form.map((p) => p.displayName) } } : undefined,
  };
  return buildTurn(input, base);
}
