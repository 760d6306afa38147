export * from './chain';
export { appendAudit, verifyAudit, exportAudit, checkpointAudit, senderContext, type AuditStoreOptions, type VerifyOptions, type VerifyResult, type VerifyFailure, type VerifySummary } from './store-log';
export { checkCheckpoints, latestCheckpoint, type Checkpoint } from './checkpoints';
export { AuditKeyring, parseAuditKeys, type AuditKey } from './keys';
export { reencryptAuditSenders } from './reencrypt';
export { AuditRecorder, type AuditRecorderOptions } from './recorder';
export { auditCallHook, auditGatewayObserver, combineObservers, actionOutcome } from './hooks';
