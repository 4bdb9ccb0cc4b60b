/**
 * @module
 * dbplane's server as a library: start a node, or build the HTTP API over a
 * pool for embedding and tests.
 */
export { buildServer } from './api/server.js';
export { type Config, ConfigError, loadConfig } from './config/index.js';
export { DbplaneError, ErrorCode, type Problem } from './errors/index.js';
export { createLogger } from './log/logger.js';
export { type DbplaneNode, startNode } from './node/node.js';
export { migrate } from './store/migrate.js';
