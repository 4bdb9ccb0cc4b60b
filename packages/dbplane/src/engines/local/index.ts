export { defaultLaunchers } from './launchers.js';
export { createLocalInstanceManager } from './manager.js';
