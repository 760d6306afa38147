export * from './events';
export * from './request';
export * from './response';
