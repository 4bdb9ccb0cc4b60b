/** A Choice rule as a short readable condition: `$.who == "world"`, `a && !(b)`, a JSONata text. */

type Obj = Record<string, unknown>;
const isObj = (v: unknown): v is Obj => typeof v === 'object' && v !== null && !Array.isArray(v);

const OPS: ReadonlyArray<readonly [string, string]> = [
  ['Equals', '=='],
  ['LessThanEquals', '<='],
  ['GreaterThanEquals', '>='],
  ['LessThan', '<'],
  ['GreaterThan', '>'],
  ['Matches', 'matches'],
];
const IS: Readonly<Record<string, string>> = {
  IsPresent: 'is present',
  IsNull: 'is null',
  IsString: 'is string',
  IsNumeric: 'is number',
  IsBoolean: 'is boolean',
  IsTimestamp: 'is timestamp',
};

function comparison(rule: Obj): string | undefined {
  const variable = typeof rule.Variable === 'string' ? rule.Variable : '?';
  for (const [key, value] of Object.entries(rule)) {
    if (key === 'Variable' || key === 'Next' || key === 'Comment' || key === 'Assign' || key === 'Output')
      continue;
    const isOp = IS[key];
    if (isOp !== undefined) return `${variable} ${value === false ? isOp.replace('is ', 'is not ') : isOp}`;
    const path = key.endsWith('Path');
    const base = path ? key.slice(0, -4) : key;
    const op = OPS.find(([suffix]) => base.endsWith(suffix));
    if (op === undefined) continue;
    const shown = path ? String(value) : JSON.stringify(value);
    return `${variable} ${op[1]} ${shown}`;
  }
  return undefined;
}

/** The condition of a Choice rule (JSONPath comparison, And/Or/Not, or JSONata `Condition`). */
export function describeChoice(rule: Obj): string {
  if (typeof rule.Condition === 'string') return rule.Condition;
  if (Array.isArray(rule.And)) return rule.And.map((r) => group(r)).join(' && ');
  if (Array.isArray(rule.Or)) return rule.Or.map((r) => group(r)).join(' || ');
  if (isObj(rule.Not)) return `!${group(rule.Not)}`;
  return comparison(rule) ?? 'condition';
}

function group(rule: unknown): string {
  if (!isObj(rule)) return '?';
  const text = describeChoice(rule);
  return rule.And !== undefined || rule.Or !== undefined ? `(${text})` : text;
}
