export * from './errors.js';
export { toHttpError } from './http-status.js';
