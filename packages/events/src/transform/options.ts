/**
 * What a target receives, as EventBridge's Target has it: the whole event
 * (nothing set), a constant `input`, the part at `inputPath`, or an input
 * transformer (`inputPathsMap` + `inputTemplate`). The three are exclusive.
 */

/** The whole matched event. */
export interface WholeEvent {
  readonly input?: never;
  readonly inputPath?: never;
  readonly inputTemplate?: never;
  readonly inputPathsMap?: never;
}

/** A constant JSON text (Target.Input). */
export interface ConstantInput {
  readonly input: string;
  readonly inputPath?: never;
  readonly inputTemplate?: never;
  readonly inputPathsMap?: never;
}

/** The part of the event at a JSON path (Target.InputPath). */
export interface PathInput {
  readonly inputPath: string;
  readonly input?: never;
  readonly inputTemplate?: never;
  readonly inputPathsMap?: never;
}

/** An input transformer (Target.InputTransformer). */
export interface TransformerInput {
  readonly inputTemplate: string;
  readonly inputPathsMap?: Readonly<Record<string, string>>;
  readonly input?: never;
  readonly inputPath?: never;
}

/** One of the four forms. */
export type TargetInput = WholeEvent | ConstantInput | PathInput | TransformerInput;

/** Values of the reserved placeholders. */
export interface TransformContext {
  readonly ruleArn: string;
  readonly ruleName: string;
  /** When EventBridge received the event; a Date is written as ISO 8601. */
  readonly ingestionTime: string | Date;
}

/** Reserved placeholder names, which cannot be keys of InputPathsMap. */
export const RESERVED = {
  ruleArn: 'aws.events.rule-arn',
  ruleName: 'aws.events.rule-name',
  ingestionTime: 'aws.events.event.ingestion-time',
  event: 'aws.events.event',
  eventJson: 'aws.events.event.json',
} as const;

/** Limits EventBridge applies to an input transformer. */
export const LIMITS = {
  maxKeys: 100,
  maxKeyLength: 256,
  maxTemplateLength: 8192,
  maxInputLength: 8192,
} as const;
