import { LineCounter, parseDocument } from 'yaml';
import type { ValidateOptions, ValidateResult } from './validate.js';
import { validateSpec } from './validate.js';

/**
 * Parses a spec written in YAML or JSON (JSON is YAML) and validates it.
 * A syntax error is a problem at the document root, with its line and column.
 * Never throws.
 *
 * @example
 * const { spec, problems } = parseSpecText(readFileSync('spec.yaml', 'utf8'));
 */
export function parseSpecText(text: string, options: ValidateOptions = {}): ValidateResult {
  const lineCounter = new LineCounter();
  const doc = parseDocument(text, { lineCounter, uniqueKeys: true, prettyErrors: false });
  if (doc.errors.length > 0) {
    return {
      problems: doc.errors.map((e) => {
        const pos = lineCounter.linePos(e.pos[0]);
        return { path: '', message: `line ${pos.line}, column ${pos.col}: ${e.message.split('\n')[0]}` };
      }),
    };
  }
  let value: unknown;
  try {
    value = doc.toJS({ maxAliasCount: 100 });
  } catch (err) {
    return { problems: [{ path: '', message: `cannot read the document: ${(err as Error).message}` }] };
  }
  return validateSpec(value, options);
}
