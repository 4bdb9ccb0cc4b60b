import { createHash, randomBytes } from 'node:crypto';
import { unlessNotFound } from '../errors/index.js';
import { instanceNotReady } from '../instances/access.js';
import type { CredentialStore, Instance } from '../instances/types.js';
import { urlFromCredentials } from '../instances/urls.js';
import type { SecretsService } from '../secrets/service.js';
import { type Db, type Pool, withTransaction } from '../store/db.js';
import {
  type ApplyResult,
  applyBootstrap,
  type BootstrapPlan,
  type BootstrapSpec,
  type EngineKind,
  type GeneratedPassword,
  type PasswordSource,
  planBootstrap,
} from './index.js';
import * as sql from './sql.js';

type Ref = Readonly<{ accountId: string; instance: string }>;

/** What running a spec against its instance takes: other domains through their service interfaces. */
export interface RunnerDeps {
  pool: Pool;
  instances: { describe(ref: Readonly<{ accountId: string; name: string }>): Promise<Instance> };
  credentials: CredentialStore;
  secrets: Pick<SecretsService, 'getValue'>;
}

/** Characters a secret name may hold; any other is written `=XX` (hex), and `=` itself too. */
const SECRET_CHAR = /[A-Za-z0-9/_+.@-]/;
const escapeName = (s: string) =>
  [...Buffer.from(s, 'utf8')]
    .map((b) => {
      const c = String.fromCharCode(b);
      return b < 128 && SECRET_CHAR.test(c) ? c : `=${b.toString(16).padStart(2, '0')}`;
    })
    .join('');

/**
 * The secret holding a generated password: `dbplane/bootstrap/<instance>/<role>`
 * (a MySQL account as `name@host`), characters a secret name cannot hold escaped,
 * cut with a hash past 256 characters.
 *
 * @example
 * generatedSecretName('pg-main', 'app_rw') // 'dbplane/bootstrap/pg-main/app_rw'
 */
export function generatedSecretName(instance: string, role: string): string {
  const name = `dbplane/bootstrap/${escapeName(instance)}/${escapeName(role)}`;
  if (name.length <= 256) return name;
  // secret names hold 256 characters: a long escaped role keeps its start and a hash of the whole
  const hash = createHash('sha256').update(role).digest('hex').slice(0, 16);
  return `${name.slice(0, 256 - 17)}-${hash}`;
}

/** A secret's password: the `password` field of a JSON object (RDS style), else the whole string. */
function passwordOf(secretString: string | undefined): string {
  const text = secretString ?? '';
  try {
    const v = JSON.parse(text) as unknown;
    if (v !== null && typeof v === 'object' && typeof (v as { password?: unknown }).password === 'string')
      return (v as { password: string }).password;
  } catch {
    // not JSON: the string is the password
  }
  return text;
}

/** The core's engine: PostgreSQL, or the MySQL flavour the spec names. */
const engineOf = (instance: Instance, spec: BootstrapSpec): EngineKind =>
  instance.engine === 'postgres' ? 'postgres' : spec.engine === 'mariadb' ? 'mariadb' : 'mysql';

/** Plans and applies stored specs against their instances, keeping generated passwords in the secrets store. */
export function createBootstrapRunner(deps: RunnerDeps) {
  const credentialsOf = (instance: Instance, role: string, password: string) => {
    const at = instance.engine === 'mysql' ? role.lastIndexOf('@') : -1;
    return {
      engine: instance.engine,
      host: instance.endpoint?.host ?? '',
      port: instance.endpoint?.port ?? 0,
      username: at < 0 ? role : role.slice(0, at),
      password,
    };
  };

  /**
   * The generated password of `role`, made and stored first when there is
   * none: concurrent runs serialize on the secret's name (an advisory lock),
   * so they all set the same password and the secret always holds it.
   */
  const claimGenerated = async (
    ref: Ref,
    instance: Instance,
    role: string,
    read: (n: string) => Promise<string>,
  ) => {
    const name = generatedSecretName(ref.instance, role);
    await withTransaction(deps.pool, async (tx) => {
      await tx.query('SELECT pg_advisory_xact_lock(hashtext($1))', [`${ref.accountId}/${name}`]);
      if ((await read(name).catch(unlessNotFound)) !== undefined) return;
      const value = credentialsOf(instance, role, randomBytes(24).toString('base64url'));
      await deps.credentials.put(tx, { accountId: ref.accountId, name, value });
    });
    return read(name);
  };

  /** `claim`: an apply, which stores a new generated password before setting it; a plan only reads. */
  const target = async (ref: Ref, spec: BootstrapSpec, claim = false) => {
    const instance = await deps.instances.describe({ accountId: ref.accountId, name: ref.instance });
    if (instance.status !== 'available' || instance.adminSecretArn === null)
      throw instanceNotReady(instance.name, instance.status);
    const admin = await deps.credentials.get({ accountId: ref.accountId, arn: instance.adminSecretArn });
    const read = async (name: string) =>
      passwordOf((await deps.secrets.getValue({ accountId: ref.accountId, name })).secretString);
    const passwords: PasswordSource = {
      secret: read,
      generated: async (role) => {
        const known = await read(generatedSecretName(ref.instance, role)).catch(unlessNotFound);
        if (known !== undefined || !claim) return known;
        return claimGenerated(ref, instance, role, read);
      },
    };
    return {
      instance,
      url: urlFromCredentials(admin),
      engine: engineOf(instance, spec),
      spec,
      passwords,
      scope: instance.arn,
    };
  };

  const storeGenerated = async (tx: Db, ref: Ref, instance: Instance, list: GeneratedPassword[]) => {
    for (const g of list)
      await deps.credentials.put(tx, {
        accountId: ref.accountId,
        name: generatedSecretName(ref.instance, g.role),
        value: credentialsOf(instance, g.role, g.password),
      });
  };

  return {
    /** The instance and spec row; the spec row is undefined when the instance has none. */
    async load(ref: Ref) {
      const row = await sql.findSpec(deps.pool, ref);
      const instance = await deps.instances.describe({ accountId: ref.accountId, name: ref.instance });
      return { row, instance };
    },

    /** What an apply would change now (passwords as '***'). */
    async plan(ref: Ref, spec: BootstrapSpec): Promise<BootstrapPlan> {
      return planBootstrap(await target(ref, spec));
    },

    /** Applies the spec; generated passwords are in the secrets store before this answers. */
    async apply(ref: Ref, spec: BootstrapSpec): Promise<Omit<ApplyResult, 'passwords'>> {
      const t = await target(ref, spec, true);
      const applied = await applyBootstrap(t);
      if (applied.passwords.length > 0)
        await withTransaction(deps.pool, (tx) => storeGenerated(tx, ref, t.instance, applied.passwords));
      return { changes: applied.changes, problems: applied.problems };
    },
  };
}

export type BootstrapRunner = ReturnType<typeof createBootstrapRunner>;
