export { locatePostgresBinaries, type PostgresBinaries } from './binaries.js';
export { type LocalPostgres, type LocalPostgresOptions, startLocalPostgres } from './server.js';
export { runAsUser } from './user.js';
