export * from './chain';
export { appendAudit, verifyAudit, exportAudit } from './store-log';
export { AuditRecorder, type AuditRecorderOptions } from './recorder';
export { auditCallHook, auditGatewayObserver, combineObservers, actionOutcome } from './hooks';
