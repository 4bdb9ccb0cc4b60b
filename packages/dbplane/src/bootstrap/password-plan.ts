import { generatePassword } from './passwords.js';
import type { GeneratedPassword, PasswordSource } from './plan-types.js';
import type { PasswordSpec, SpecProblem } from './types.js';

/** What deciding a role's password takes. */
export interface PasswordDecision {
  source: PasswordSource;
  spec: PasswordSpec | undefined;
  /** The role or account (`name@host`) the password is for. */
  role: string;
  exists: boolean;
  /** Whether the server's stored hash is of this password (undefined: cannot tell). */
  matches: (password: string) => boolean | undefined;
  /** Pointer of the `password` field, for problems. */
  path: string;
  problems: SpecProblem[];
  generated: GeneratedPassword[];
}

async function fromSecret(d: PasswordDecision, name: string): Promise<string | undefined> {
  let value: string;
  try {
    value = await d.source.secret(name);
  } catch (err) {
    d.problems.push({
      path: `${d.path}/secret`,
      message: `cannot read the secret: ${(err as Error).message}`,
    });
    return undefined;
  }
  return d.exists && d.matches(value) !== false ? undefined : value;
}

/**
 * The password to set, or undefined when the server has the right one (or
 * cannot tell). A secret's value is set when the stored hash is of another
 * password; a generated one is the kept one (set on creation, or when the
 * server's differs), or a new one when the caller kept none: new ones go to `generated`.
 */
export async function passwordToSet(d: PasswordDecision): Promise<string | undefined> {
  if (d.spec === undefined) return undefined;
  if ('secret' in d.spec) return fromSecret(d, d.spec.secret);
  if (d.exists && !d.source.generated) return undefined;
  // a kept password (or, during an apply, one the caller has just stored) is used for a new role too,
  // so concurrent runs never set different passwords
  const kept = await d.source.generated?.(d.role);
  if (kept !== undefined) return !d.exists || d.matches(kept) === false ? kept : undefined;
  const value = generatePassword(d.spec.length);
  d.generated.push({ role: d.role, password: value });
  return value;
}
