import { checkSchema } from './json-schema.js';
import { mysqlSpecSchema, pgSpecSchema } from './spec-schema.js';
import type { BootstrapSpec, SpecProblem } from './types.js';
import { field, Problems } from './validate-common.js';
import { checkMysqlSpec, type MysqlExisting } from './validate-mysql.js';
import { checkPgSpec, type PgExisting } from './validate-postgres.js';

/** What the planner knows of the server when it validates again before planning. */
export interface ValidateOptions {
  /** PostgreSQL major version: privileges it does not have (e.g. MAINTAIN before 17) are problems. */
  pgMajor?: number;
  /** Names the server has: the spec may refer to them without listing them in `external`. */
  existing?: PgExisting & MysqlExisting;
}

/** The answer of `validateSpec`: `spec` is set exactly when `problems` is empty. */
export interface ValidateResult {
  spec?: BootstrapSpec;
  problems: SpecProblem[];
}

const ENGINES = ['postgres', 'mysql', 'mariadb'];

/**
 * Validates a bootstrap spec: its shape (unknown fields are problems), names,
 * references (to roles, databases, schemas the spec does not define) and
 * privileges. Every problem is reported at once, with its JSON pointer.
 * Never throws.
 *
 * @example
 * const { spec, problems } = validateSpec(JSON.parse(body));
 * if (!spec) throw new ValidationError('invalid bootstrap spec', problems);
 */
export function validateSpec(input: unknown, options: ValidateOptions = {}): ValidateResult {
  const p = new Problems();
  const engine = field(input, 'engine');
  if (input === null || typeof input !== 'object' || Array.isArray(input)) {
    p.add('', 'must be an object');
    return { problems: p.list };
  }
  if (typeof engine !== 'string' || !ENGINES.includes(engine)) {
    p.add('/engine', `must be one of ${ENGINES.map((e) => JSON.stringify(e)).join(', ')}`);
    return { problems: p.list };
  }
  const existing = options.existing ?? {};
  if (engine === 'postgres') {
    checkSchema(pgSpecSchema, input, '', p.list);
    p.endOfStructure();
    checkPgSpec(p, input, existing, options.pgMajor);
  } else {
    checkSchema(mysqlSpecSchema, input, '', p.list);
    p.endOfStructure();
    checkMysqlSpec(p, input, existing);
  }
  const problems = dedupe(p.list);
  return problems.length === 0 ? { spec: input as BootstrapSpec, problems } : { problems };
}

function dedupe(list: SpecProblem[]): SpecProblem[] {
  const seen = new Set<string>();
  return list.filter((x) => {
    const k = `${x.path}\u0000${x.message}`;
    if (seen.has(k)) return false;
    seen.add(k);
    return true;
  });
}
