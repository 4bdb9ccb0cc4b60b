/**
 * @module @dbplane/events
 *
 * EventBridge-compatible event patterns, a compiled multi-rule matcher, input
 * transformers and schedule expressions. Pure: no I/O, no clock, no `node:*`.
 *
 * @example
 * import { compileRules, validatePattern } from '@dbplane/events';
 * validatePattern({ source: ['aws.ec2'] }); // []
 * compileRules([{ id: 'r1', pattern: { source: ['aws.ec2'] } }]).match({ source: 'aws.ec2' }); // ['r1']
 */
export { compileRules, type Matcher, type RuleInput } from './matcher/compile.js';
export { type PatternOptions, validatePattern } from './pattern/parse.js';
export { InvalidEventPatternError, type Problem } from './problem.js';
export { matchesPattern } from './reference.js';
export {
  InvalidScheduleError,
  parseSchedule,
  type Schedule,
  type ScheduleOptions,
  validateSchedule,
} from './schedule/schedule.js';
export {
  type ConstantInput,
  type PathInput,
  RESERVED as RESERVED_PLACEHOLDERS,
  type TargetInput,
  type TransformContext,
  type TransformerInput,
  type WholeEvent,
} from './transform/options.js';
export {
  InvalidJsonOutputError,
  type TransformResult,
  transformInput,
  tryTransformInput,
} from './transform/transform.js';
export { validateInputTransformer } from './transform/validate.js';
