/** The `/webhook` 200 body and the error bodies Rasa reads. */
import { z } from 'zod';
import { RasaEventSchema, type RasaEvent } from './events';

/** One dispatcher message; rasa_sdk always emits these eight keys, plus any extra kwargs. */
export interface ResponseEntry {
  text: string | null;
  buttons: Button[];
  elements: unknown[];
  custom: Record<string, unknown>;
  template: string | null;
  response: string | null;
  image: string | null;
  attachment: unknown;
  [extra: string]: unknown;
}

export interface Button {
  title: string;
  payload: string;
  [extra: string]: unknown;
}

export interface WebhookResponse {
  events: RasaEvent[];
  responses: ResponseEntry[];
}

export const ResponseEntrySchema = z.looseObject({
  text: z.string().nullable().optional(),
  buttons: z.array(z.unknown()).nullable().optional(),
  elements: z.array(z.unknown()).nullable().optional(),
  custom: z.record(z.string(), z.unknown()).nullable().optional(),
  template: z.string().nullable().optional(),
  response: z.string().nullable().optional(),
  image: z.string().nullable().optional(),
  attachment: z.union([z.string(), z.record(z.string(), z.unknown())]).nullable().optional(),
});

export const WebhookResponseSchema = z.looseObject({
  events: z.array(RasaEventSchema).optional(),
  responses: z.array(ResponseEntrySchema).optional(),
});

/** 400 (rejection), 404 (unknown action) and 449 (domain needed) all carry the action name. */
export interface ActionErrorBody {
  error: string;
  action_name: string;
}

/** Our own 4xx/5xx body for problems that are not about one action. */
export interface ErrorBody {
  error: string;
  code: string;
  issues?: { path: string; message: string }[];
  request_id?: string;
  action_name?: string;
  /** Why, in one word a client can act on (e.g. `stale_timestamp` for a signed webhook). */
  reason?: string;
}
