import type { Dialect } from './dialect.js';
import { FIRST_NAMES, LAST_NAMES } from './names.js';
import type { ColumnInfo, Rule } from './types.js';

/** Characters of a text hash (128 bits), fewer where the column is shorter. */
export const HASH_TEXT_CHARS = 32;
/** Hex digits of a fake email's local part after `u` (64 bits). */
export const EMAIL_HEX = 16;
/** Positions of a phone number whose digits are replaced one by one; beyond, digits become 0. */
export const PHONE_POSITIONS = 40;
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
/** A uniform number in [0, 1) from 8 hex digits at `from`, or random. */
const unit = (c: Ctx, from: number, deterministic: boolean) =>
  deterministic ? `(${c.d.hexInt(hex(c), from, 8)} / 4294967296.0)` : c.d.random();
/** -1 or 1. */
const sign = (c: Ctx, deterministic: boolean) => `(floor(${unit(c, 9, deterministic)} * 2) * 2 - 1)`;

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
  const h = hex(c);
  const first = c.d.pick(FIRST_NAMES, `${c.d.hexInt(h, 1, 8)} % ${FIRST_NAMES.length}`);
  const last = c.d.pick(LAST_NAMES, `${c.d.hexInt(h, 9, 8)} % ${LAST_NAMES.length}`);
  const full = `CASE WHEN ${c.v} IS NULL THEN NULL WHEN ${c.v} LIKE '% %' THEN ${c.d.concat([first, "' '", last])} ELSE ${first} END`;
  return c.col.maxLength === null ? full : c.d.left(full, c.col.maxLength);
}

/** Each digit replaced by a digit of the hash, punctuation and length kept. */
function phoneExpr(c: Ctx, digits: string): string {
  const n = Math.min(PHONE_POSITIONS, c.col.maxLength ?? PHONE_POSITIONS);
  const parts: string[] = [];
  for (let i = 1; i <= n; i++) {
    const ch = c.d.substr(c.v, i, 1);
    parts.push(`CASE WHEN ascii(${ch}) BETWEEN 48 AND 57 THEN ${c.d.substr(digits, i, 1)} ELSE ${ch} END`);
  }
  if (c.col.maxLength === null || c.col.maxLength > n) parts.push(c.d.zeroDigits(c.d.substr(c.v, n + 1)));
  return `CASE WHEN ${c.v} IS NULL THEN NULL ELSE ${c.d.concat(parts)} END`;
}

function phone(c: Ctx): string {
  const digits = (h: string) => c.d.translate(h, 'abcdef', '012345');
  // PostgreSQL computes the hash once per row in a subquery; MariaDB has no lateral scalar subquery
  if (c.d.engine === 'postgres')
    return `(SELECT ${phoneExpr(c, 's.d')} FROM (SELECT ${digits(hex(c))} AS d) s)`;
  return phoneExpr(c, digits(hex(c)));
}

function noise(c: Ctx, r: Extract<Rule, { rule: 'noise' }>): string {
  const det = r.deterministic ?? false;
  if (c.col.kind === 'date' || c.col.kind === 'timestamp') {
    const days = `(${sign(c, det)} * (1 + floor(${unit(c, 1, det)} * ${r.days ?? 30})))`;
    return c.d.addDays(c.v, days);
  }
  const amount = r.amount ?? 1;
  if (c.col.kind === 'integer') {
    const a = Math.max(1, Math.floor(amount));
    return `(${c.v} + ${sign(c, det)} * (1 + floor(${unit(c, 1, det)} * ${a})))`;
  }
  return `(${c.v} + ${sign(c, det)} * ${amount} * (0.01 + 0.99 * ${unit(c, 1, det)}))`;
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
