import type { Dialect } from './dialect.js';
import { FIRST_NAMES, LAST_NAMES } from './names.js';
import type { ColumnInfo, Rule } from './types.js';

/** Characters of a text hash (128 bits), fewer where the column is shorter. */
export const HASH_TEXT_CHARS = 32;
/** Hex digits of a fake email's local part after `u` (64 bits). */
export const EMAIL_HEX = 16;
/** Positions of a phone number whose digits are replaced one by one; beyond, digits become 0. */
export const PHONE_POSITIONS = 24;
export const DEFAULT_EMAIL_DOMAIN = 'example.com';

/** Bits of an integer hash: positive values of the column's type (bigint: 60 bits). */
export const hashBits = (bits: number) => Math.min(bits - 1, 60);

export const fakeEmailLength = (domain: string) => 1 + EMAIL_HEX + 1 + domain.length;

interface Ctx {
  d: Dialect;
  /** The quoted column. */
  v: string;
  col: ColumnInfo;
  /** The salt as a literal. */
  salt: string;
}

const hex = (c: Ctx) => c.d.sha256Hex(c.salt, c.d.text(c.v));
/** A uniform number in [0, 1) from 8 hex digits of `h` at `from`, or random. */
const unit = (c: Ctx, h: string | null, from: number) =>
  h === null ? c.d.random() : `(${c.d.hexInt(h, from, 8)} / 4294967296.0)`;
/** -1 or 1. */
const sign = (c: Ctx, h: string | null) => `(floor(${unit(c, h, 9)} * 2) * 2 - 1)`;

function hashExpr(c: Ctx): string {
  if (c.col.kind === 'integer') {
    const bits = hashBits(c.col.bits ?? 32);
    const digits = Math.ceil(bits / 4);
    const mask = `${2n ** BigInt(bits) - 1n}`;
    return c.d.integerCast(`(${c.d.hexInt(hex(c), 1, digits)} & ${mask})`, c.col.bits ?? 64);
  }
  if (c.col.kind === 'uuid') return c.d.uuidFromHex(hex(c));
  return c.d.left(hex(c), Math.min(HASH_TEXT_CHARS, c.col.maxLength ?? HASH_TEXT_CHARS));
}

function nameExpr(c: Ctx): string {
  return c.d.once(hex(c), (h) => {
    const first = c.d.pick(FIRST_NAMES, `${c.d.hexInt(h, 1, 8)} % ${FIRST_NAMES.length}`);
    const last = c.d.pick(LAST_NAMES, `${c.d.hexInt(h, 9, 8)} % ${LAST_NAMES.length}`);
    const full = `CASE WHEN ${c.v} IS NULL THEN NULL WHEN ${c.v} LIKE '% %' THEN ${c.d.concat([first, "' '", last])} ELSE ${first} END`;
    return c.col.maxLength === null ? full : c.d.left(full, c.col.maxLength);
  });
}

/** Each digit replaced by one drawn from the value's salted hash (byte i mod 10): punctuation and length kept. */
function phone(c: Ctx): string {
  const n = Math.min(PHONE_POSITIONS, c.col.maxLength ?? PHONE_POSITIONS);
  return c.d.once(c.d.sha256Bytes(c.salt, c.d.text(c.v)), (b) => {
    const parts: string[] = [];
    for (let i = 1; i <= n; i++) {
      const ch = c.d.substr(c.v, i, 1);
      const digit = c.d.substr("'0123456789'", `1 + ${c.d.byteAt(b, (i - 1) % 32)} % 10`, 1);
      parts.push(`CASE WHEN ascii(${ch}) BETWEEN 48 AND 57 THEN ${digit} ELSE ${ch} END`);
    }
    if (c.col.maxLength === null || c.col.maxLength > n) parts.push(c.d.zeroDigits(c.d.substr(c.v, n + 1)));
    return `CASE WHEN ${c.v} IS NULL THEN NULL ELSE ${c.d.concat(parts)} END`;
  });
}

function noise(c: Ctx, r: Extract<Rule, { rule: 'noise' }>): string {
  const offset = (h: string | null) => {
    if (c.col.kind === 'date' || c.col.kind === 'timestamp')
      return c.d.addDays(c.v, `(${sign(c, h)} * (1 + floor(${unit(c, h, 1)} * ${r.days ?? 30})))`);
    const amount = r.amount ?? 1;
    if (c.col.kind === 'integer')
      return `(${c.v} + ${sign(c, h)} * (1 + floor(${unit(c, h, 1)} * ${Math.max(1, Math.floor(amount))})))`;
    return `(${c.v} + ${sign(c, h)} * ${amount} * (0.01 + 0.99 * ${unit(c, h, 1)}))`;
  };
  return r.deterministic === true ? c.d.once(hex(c), offset) : offset(null);
}

function partial(c: Ctx, r: Extract<Rule, { rule: 'partial' }>): string {
  const f = r.keepFirst ?? 0;
  const l = r.keepLast ?? 4;
  const m = c.d.lit(r.maskChar ?? '*');
  const len = c.d.length(c.v);
  return `CASE WHEN ${len} <= ${f + l} THEN ${c.d.repeat(m, len)} ELSE ${c.d.concat([
    c.d.left(c.v, f),
    c.d.repeat(m, `${len} - ${f + l}`),
    c.d.right(c.v, l),
  ])} END`;
}

const constant = (d: Dialect, value: string | number | boolean) =>
  typeof value === 'string'
    ? d.lit(value)
    : typeof value === 'number'
      ? String(value)
      : value
        ? 'TRUE'
        : 'FALSE';

/**
 * The SQL expression that masks `col` by `rule` (the column's value in,
 * the masked value out; NULL stays NULL but for `constant`).
 *
 * @example
 * maskExpression(postgresDialect, emailColumn, { rule: 'fakeEmail' }, "'salt'")
 * // ('u' || left(encode(sha256(...)), 16) || '@example.com')
 */
export function maskExpression(d: Dialect, col: ColumnInfo, rule: Rule, salt: string): string {
  const c: Ctx = { d, v: d.id(col.name), col, salt };
  switch (rule.rule) {
    case 'null':
      return 'NULL';
    case 'constant':
      return constant(d, rule.value);
    case 'hash':
      return hashExpr(c);
    case 'fakeEmail':
      return d.concat(["'u'", d.left(hex(c), EMAIL_HEX), d.lit(`@${rule.domain ?? DEFAULT_EMAIL_DOMAIN}`)]);
    case 'fakeName':
      return nameExpr(c);
    case 'fakePhone':
      return phone(c);
    case 'noise':
      return noise(c, rule);
    case 'partial':
      return partial(c, rule);
  }
}

export { constant as constantLiteral };
