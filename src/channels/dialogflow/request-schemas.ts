/**
 * The parts of Dialogflow's WebhookRequests the adapter reads. Lenient on purpose: Dialogflow
 * adds undocumented fields, so unknown keys pass through and only what we use is checked.
 */
import { z } from 'zod';

const struct = z.record(z.string(), z.unknown());

/**
 * Session paths in the forms Dialogflow uses; the last segment is the session (sender) id. ES
 * output context names are built under the ES path, so it must be one Dialogflow accepts back.
 */
const ES_SESSION = /^projects\/[^/]+\/(locations\/[^/]+\/)?agent\/(environments\/[^/]+\/users\/[^/]+\/)?sessions\/[^/]+$/;
const CX_SESSION = /^projects\/[^/]+\/locations\/[^/]+\/agents\/[^/]+\/(environments\/[^/]+\/)?sessions\/[^/]+$/;
const sessionPath = (pattern: RegExp, shape: string) => z.string({ error: 'must be a string' }).regex(pattern, `must be a Dialogflow session path: ${shape}`);

export const EsContextSchema = z.looseObject({
  name: z.string(),
  lifespanCount: z.number().int().nullable().optional(),
  parameters: struct.nullable().optional(),
});
export type EsContext = z.infer<typeof EsContextSchema>;

export const EsRequestSchema = z.looseObject({
  responseId: z.string().optional(),
  session: sessionPath(ES_SESSION, 'projects/<project>/agent/[environments/<env>/users/<user>/]sessions/<session id>'),
  queryResult: z.looseObject({
    queryText: z.string().nullable().optional(),
    languageCode: z.string().nullable().optional(),
    action: z.string().nullable().optional(),
    parameters: struct.nullable().optional(),
    allRequiredParamsPresent: z.boolean().nullable().optional(),
    outputContexts: z.array(EsContextSchema).nullable().optional(),
    intent: z
      .looseObject({
        name: z.string().nullable().optional(),
        displayName: z.string().nullable().optional(),
        isFallback: z.boolean().nullable().optional(),
      })
      .nullable()
      .optional(),
    intentDetectionConfidence: z.number().nullable().optional(),
  }),
  originalDetectIntentRequest: z
    .looseObject({
      source: z.string().nullable().optional(),
      version: z.string().nullable().optional(),
      payload: struct.nullable().optional(),
    })
    .nullable()
    .optional(),
});
export type EsRequest = z.infer<typeof EsRequestSchema>;

export const CxParameterInfoSchema = z.looseObject({
  displayName: z.string(),
  required: z.boolean().nullable().optional(),
  state: z.string().nullable().optional(),
  value: z.unknown().optional(),
  justCollected: z.boolean().nullable().optional(),
});
export type CxParameterInfo = z.infer<typeof CxParameterInfoSchema>;

export const CxRequestSchema = z.looseObject({
  detectIntentResponseId: z.string().optional(),
  text: z.string().nullable().optional(),
  triggerIntent: z.string().nullable().optional(),
  transcript: z.string().nullable().optional(),
  triggerEvent: z.string().nullable().optional(),
  dtmfDigits: z.string().nullable().optional(),
  languageCode: z.string().nullable().optional(),
  fulfillmentInfo: z.looseObject({ tag: z.string({ error: 'must be a string' }) }),
  intentInfo: z
    .looseObject({
      lastMatchedIntent: z.string().nullable().optional(),
      displayName: z.string().nullable().optional(),
      confidence: z.number().nullable().optional(),
      parameters: z
        .record(z.string(), z.looseObject({ originalValue: z.unknown().optional(), resolvedValue: z.unknown().optional() }))
        .nullable()
        .optional(),
    })
    .nullable()
    .optional(),
  pageInfo: z
    .looseObject({
      currentPage: z.string().nullable().optional(),
      displayName: z.string().nullable().optional(),
      formInfo: z.looseObject({ parameterInfo: z.array(CxParameterInfoSchema).nullable().optional() }).nullable().optional(),
    })
    .nullable()
    .optional(),
  sessionInfo: z.looseObject({
    session: sessionPath(CX_SESSION, 'projects/<project>/locations/<location>/agents/<agent>/[environments/<env>/]sessions/<session id>'),
    parameters: struct.nullable().optional(),
  }),
  payload: struct.nullable().optional(),
});
export type CxRequest = z.infer<typeof CxRequestSchema>;

/** The problems of a failed parse, as the `issues` list of our 400 body. */
export function issuesOf(error: z.ZodError): { path: string; message: string }[] {
  return error.issues.slice(0, 20).map((i) => ({ path: i.path.map(String).join('.') || '(body)', message: i.message }));
}
