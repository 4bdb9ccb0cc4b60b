/**
 * Validation of a Map state's mode-specific fields (ItemProcessor's
 * ProcessorConfig, and the distributed-mode ItemReader, ItemBatcher,
 * ResultWriter, ToleratedFailure*, Label).
 */
import { isObject } from './json.js';
import { isJsonataExpression } from './jsonata-eval.js';

type Add = (path: string, message: string) => void;

const DISTRIBUTED_ONLY = [
  'ItemReader',
  'ItemBatcher',
  'ResultWriter',
  'ToleratedFailureCount',
  'ToleratedFailureCountPath',
  'ToleratedFailurePercentage',
  'ToleratedFailurePercentagePath',
  'Label',
];

const positiveInt = (v: unknown) => typeof v === 'number' && Number.isInteger(v) && v > 0;

function checkBatcher(add: Add, p: string, b: unknown): void {
  if (!isObject(b)) {
    add(p, 'must be an object');
    return;
  }
  for (const k of Object.keys(b)) {
    if (
      ![
        'MaxItemsPerBatch',
        'MaxItemsPerBatchPath',
        'MaxInputBytesPerBatch',
        'MaxInputBytesPerBatchPath',
        'BatchInput',
      ].includes(k)
    ) {
      add(`${p}/${k}`, `field ${k} is not allowed in ItemBatcher`);
    }
  }
  for (const f of ['MaxItemsPerBatch', 'MaxInputBytesPerBatch']) {
    const v = b[f];
    if (v !== undefined && !positiveInt(v) && !isJsonataExpression(v))
      add(`${p}/${f}`, 'must be a positive integer');
    if (v !== undefined && b[`${f}Path`] !== undefined) add(p, `only one of ${f} and ${f}Path is allowed`);
  }
}

function checkReader(add: Add, p: string, r: unknown): void {
  if (!isObject(r)) {
    add(p, 'must be an object');
    return;
  }
  if (typeof r.Resource !== 'string') add(`${p}/Resource`, 'an ItemReader needs a Resource string');
  if (r.ReaderConfig !== undefined && !isObject(r.ReaderConfig))
    add(`${p}/ReaderConfig`, 'must be an object');
}

/** Checks the fields that depend on the Map's processing mode. */
export function checkMapMode(add: Add, p: string, s: Record<string, unknown>): void {
  const proc = s.ItemProcessor;
  const config = isObject(proc) ? proc.ProcessorConfig : undefined;
  if (config !== undefined && !isObject(config))
    add(`${p}/ItemProcessor/ProcessorConfig`, 'must be an object');
  const mode = isObject(config) ? config.Mode : undefined;
  if (mode !== undefined && mode !== 'INLINE' && mode !== 'DISTRIBUTED') {
    add(`${p}/ItemProcessor/ProcessorConfig/Mode`, 'must be INLINE or DISTRIBUTED');
  }
  if (
    mode === 'DISTRIBUTED' &&
    isObject(config) &&
    !['STANDARD', 'EXPRESS'].includes(String(config.ExecutionType))
  ) {
    add(
      `${p}/ItemProcessor/ProcessorConfig/ExecutionType`,
      'a distributed Map needs ExecutionType STANDARD or EXPRESS',
    );
  }
  if (mode !== 'DISTRIBUTED') {
    for (const f of DISTRIBUTED_ONLY)
      if (s[f] !== undefined) add(`${p}/${f}`, `${f} is only allowed in a distributed Map`);
    return;
  }
  if (s.ItemBatcher !== undefined) checkBatcher(add, `${p}/ItemBatcher`, s.ItemBatcher);
  if (s.ItemReader !== undefined) checkReader(add, `${p}/ItemReader`, s.ItemReader);
  if (s.ResultWriter !== undefined && !isObject(s.ResultWriter))
    add(`${p}/ResultWriter`, 'must be an object');
  const label = s.Label;
  if (
    label !== undefined &&
    (typeof label !== 'string' || label.length > 40 || /[\s?*<>{}[\]:;,\\|^~$#%&`"]/.test(label))
  ) {
    add(`${p}/Label`, 'must be a string of at most 40 characters without whitespace or special characters');
  }
}
