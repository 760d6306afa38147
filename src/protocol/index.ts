export * from './events';
export * from './request';
export * from './response';
export * from './rasa-version';
export * from './event-support';
export * from './domain-checks';
