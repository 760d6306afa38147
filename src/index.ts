/** ActionBridge's public API for action authors and embedders. */
export * from './sdk';
export * from './protocol';
export { createActionServer, type ActionServer, type ServerOptions } from './server/app';
export { startServer } from './main/serve';
export { loadConfig, type Config } from './config';
export { createLogger, silentLogger, type Logger } from './observability/logger';
