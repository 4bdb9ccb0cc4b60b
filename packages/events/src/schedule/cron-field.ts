/** One cron field (`, - * /` and names) into the set of values it allows. */

/** Bounds and names of a field. */
export interface FieldSpec {
  readonly name: string;
  readonly min: number;
  readonly max: number;
  readonly names?: readonly string[];
}

/** Thrown while parsing; the schedule parser turns it into a message. */
export class CronFieldError extends Error {}

function value(text: string, spec: FieldSpec): number {
  const named = spec.names?.indexOf(text.toUpperCase()) ?? -1;
  const n = named >= 0 ? named + spec.min : /^\d+$/.test(text) ? Number(text) : Number.NaN;
  if (!(n >= spec.min && n <= spec.max)) throw new CronFieldError(`invalid ${spec.name} value "${text}"`);
  return n;
}

function step(text: string | undefined, spec: FieldSpec): number {
  if (text === undefined) return 1;
  if (!/^\d+$/.test(text) || Number(text) < 1)
    throw new CronFieldError(`invalid ${spec.name} increment "${text}"`);
  return Number(text);
}

function part(text: string, spec: FieldSpec, out: Set<number>): void {
  const [range = '', inc, extra] = text.split('/');
  if (extra !== undefined) throw new CronFieldError(`invalid ${spec.name} "${text}"`);
  const by = step(inc, spec);
  let lo: number;
  let hi: number;
  if (range === '*') [lo, hi] = [spec.min, spec.max];
  else if (range.includes('-')) {
    const [a = '', b = ''] = range.split('-');
    [lo, hi] = [value(a, spec), value(b, spec)];
    if (lo > hi) throw new CronFieldError(`invalid ${spec.name} range "${range}"`);
  } else {
    lo = value(range, spec);
    hi = inc === undefined ? lo : spec.max;
  }
  for (let v = lo; v <= hi; v += by) out.add(v);
}

/** Parses `0,15,30-45/5`-style text into the allowed values. */
export function parseField(text: string, spec: FieldSpec): Set<number> {
  const out = new Set<number>();
  if (text === '') throw new CronFieldError(`empty ${spec.name} field`);
  for (const item of text.split(',')) part(item, spec, out);
  return out;
}
