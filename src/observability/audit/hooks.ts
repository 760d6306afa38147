/**
 * Feeds the audit recorder from the two places things happen: the server's per-call hook (action
 * executions) and the gateway's observer (outbound calls). Both hooks only enqueue.
 *
 * Neither hook sees the raw payload (the hot path does not hand the body on), so the hash covers
 * what identifies the call: request id, action and sender for executions; connector, operation
 * and time for outbound calls. The sender (a conversation id, which can be a phone number) is
 * stored, encrypted when DATA_ENCRYPTION_KEY is set; no payload enters the table.
 */
import type { CallRecord, GatewayObserver } from '../events';
import { payloadHash } from './chain';
import type { AuditRecorder } from './recorder';

export function actionOutcome(status: number): string {
  if (status >= 200 && status < 300) return 'success';
  if (status === 401 || status === 403) return 'unauthorized';
  if (status === 429) return 'rate_limited';
  if (status >= 500) return 'error';
  return 'rejected';
}

export function auditCallHook(recorder: AuditRecorder): (call: CallRecord) => void {
  return (call) =>
    recorder.record({
      at: new Date(),
      kind: 'action',
      sender: call.senderId,
      action: call.action,
      outcome: actionOutcome(call.status),
      latencyMs: call.durationMs,
      payloadSha256: payloadHash({ requestId: call.requestId, action: call.action, sender: call.senderId }),
    });
}

export function auditGatewayObserver(recorder: AuditRecorder): GatewayObserver {
  return {
    callFinished(e) {
      const at = new Date();
      recorder.record({
        at,
        kind: 'outbound',
        connector: e.connector,
        operation: e.operation,
        outcome: e.errorKind ? `failure:${e.errorKind}` : 'success',
        latencyMs: e.durationMs,
        payloadSha256: payloadHash({ connector: e.connector, operation: e.operation, at: at.getTime() }),
      });
    },
    retried: () => undefined,
    breakerChanged: () => undefined,
  };
}

/** Several observers behind the gateway's single slot. */
export function combineObservers(...observers: (GatewayObserver | undefined)[]): GatewayObserver | undefined {
  const present = observers.filter((o): o is GatewayObserver => o !== undefined);
  if (present.length <= 1) return present[0];
  return {
    callFinished: (e) => present.forEach((o) => o.callFinished(e)),
    retried: (c) => present.forEach((o) => o.retried(c)),
    breakerChanged: (c, s) => present.forEach((o) => o.breakerChanged(c, s)),
    throttled: (c) => present.forEach((o) => o.throttled?.(c)),
  };
}
