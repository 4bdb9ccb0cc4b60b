const SECRET_KEY = /pass(word|phrase)?|secret|token|credential|private.?key|api.?key|authorization|^key$/i;
export const REDACTED = '*** redacted ***';

/**
 * A deep copy of `value` with the values of secret-looking keys replaced, so
 * that audit records and logs never hold a password or a key in clear text.
 *
 * @example
 * redactSecrets({ name: 'ci', password: 'x' }) // { name: 'ci', password: '*** redacted ***' }
 */
export function redactSecrets(value: unknown, depth = 0): unknown {
  if (depth > 32) return REDACTED;
  if (Array.isArray(value)) return value.map((v) => redactSecrets(v, depth + 1));
  if (value === null || typeof value !== 'object') return value;
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(value)) {
    out[k] = SECRET_KEY.test(k) && !/(Arn|Id|Name|Count)$/.test(k) ? REDACTED : redactSecrets(v, depth + 1);
  }
  return out;
}
