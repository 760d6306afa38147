/**
 * How a finished call is answered over gRPC: the status code and the JSON in its details, chosen
 * as rasa_sdk's gRPC server chooses them, because that is what Rasa Pro's gRPC executor reads:
 *
 * - unknown action → NOT_FOUND, `{action_name, message, resource_type: "ACTION"}`
 * - no domain and no known digest → NOT_FOUND, `{..., resource_type: "DOMAIN"}`: Rasa resends
 *   the call with its domain (the 449 of /webhook)
 * - the action rejects the call → INTERNAL, `{action_name, message}`
 * - anything else Rasa fails the action on; we still pick the code that says why, with the same
 *   JSON body /webhook would send (bad input is INVALID_ARGUMENT, never INTERNAL).
 */
import { ActionExecutionRejection, ActionNotFound, AppError, DomainNotFound, type ErrorKind } from '../../errors';

/** The standard gRPC status codes this channel answers with (grpc/status.h). */
export const GrpcCode = {
  OK: 0,
  INVALID_ARGUMENT: 3,
  NOT_FOUND: 5,
  PERMISSION_DENIED: 7,
  RESOURCE_EXHAUSTED: 8,
  ABORTED: 10,
  UNIMPLEMENTED: 12,
  INTERNAL: 13,
  UNAVAILABLE: 14,
  UNAUTHENTICATED: 16,
} as const;
export type GrpcCode = (typeof GrpcCode)[keyof typeof GrpcCode];

const codeOfKind: Record<ErrorKind, GrpcCode> = {
  validation: GrpcCode.INVALID_ARGUMENT,
  unsupported: GrpcCode.INVALID_ARGUMENT,
  too_large: GrpcCode.RESOURCE_EXHAUSTED,
  auth: GrpcCode.UNAUTHENTICATED,
  forbidden: GrpcCode.PERMISSION_DENIED,
  not_found: GrpcCode.NOT_FOUND,
  conflict: GrpcCode.ABORTED,
  rate_limited: GrpcCode.RESOURCE_EXHAUSTED,
  upstream_unavailable: GrpcCode.UNAVAILABLE,
  method_not_allowed: GrpcCode.UNIMPLEMENTED,
};

export interface GrpcFailure {
  code: GrpcCode;
  /** JSON, as Rasa Pro parses it. */
  details: string;
  /** Seconds to wait (sent as `retry-after` trailing metadata). */
  retryAfterSeconds?: number;
}

/** The failure a call that did not succeed is answered with; `httpBody` is what /webhook would have sent. */
export function grpcFailureOf(error: unknown, httpBody: unknown): GrpcFailure {
  if (error instanceof ActionNotFound) {
    return { code: GrpcCode.NOT_FOUND, details: JSON.stringify({ action_name: error.actionName, message: error.message, resource_type: 'ACTION' }) };
  }
  if (error instanceof DomainNotFound) {
    return { code: GrpcCode.NOT_FOUND, details: JSON.stringify({ action_name: error.actionName, message: error.message, resource_type: 'DOMAIN' }) };
  }
  if (error instanceof ActionExecutionRejection) {
    return { code: GrpcCode.INTERNAL, details: JSON.stringify({ action_name: error.actionName, message: error.message }) };
  }
  if (error instanceof AppError) {
    return { code: codeOfKind[error.kind], details: JSON.stringify(httpBody), retryAfterSeconds: error.retryAfterSeconds };
  }
  // A crash: the body names the action and the request id only, never the error's text.
  return { code: GrpcCode.INTERNAL, details: JSON.stringify(httpBody) };
}
