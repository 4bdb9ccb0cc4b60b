export { locateMariadbBinaries } from './binaries.js';
export { startLocalMariadb } from './process.js';
