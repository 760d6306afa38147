/**
 * The 400 for a body JSON.parse refused, the same on every inbound JSON route. V8's message
 * quotes part of the body (which may carry a token, an email, a password): say only where
 * parsing stopped.
 */
import { AppError } from '../errors';

export function malformedJson(err: unknown): AppError {
  const at = /position (\d+)/.exec(err instanceof Error ? err.message : '')?.[1];
  return new AppError('validation', at ? `Malformed JSON body (parsing stopped at byte ${at}).` : 'Malformed JSON body.');
}
