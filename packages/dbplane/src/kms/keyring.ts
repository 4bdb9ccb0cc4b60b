import { createCipheriv, createDecipheriv, randomBytes, randomUUID } from 'node:crypto';
import { chmodSync, existsSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { buildArn } from '../arn.js';
import { ConflictError, NotFoundError } from '../errors/index.js';

/** One key-encryption key; its versions' material never leaves this module. */
interface StoredKey {
  id: string;
  alias: string | null;
  description: string;
  createdAt: string;
  versions: { version: number; material: string; createdAt: string }[];
}
type KeyringFile = Record<string, StoredKey[]>; // by region

/** What callers see of a key: never its material. */
export interface KmsKey {
  keyId: string;
  arn: string;
  alias: string | null;
  description: string;
  currentVersion: number;
  versions: { version: number; createdAt: string }[];
  createdAt: string;
}

/** A data key wrapped by a region key, with which key and version wrapped it. */
export interface WrappedKey {
  keyId: string;
  keyVersion: number;
  blob: Buffer;
}

export const DEFAULT_ALIAS = 'alias/dbplane/default';

/** Keys by id from both lists; a key in both has every version either has (the file's, for one number in both). */
function mergeKeys(onFile: StoredKey[], mine: StoredKey[]): StoredKey[] {
  const merged = new Map(onFile.map((k) => [k.id, k]));
  for (const k of mine) {
    const known = merged.get(k.id);
    if (known === undefined) merged.set(k.id, k);
    else {
      const versions = new Map([...k.versions, ...known.versions].map((v) => [v.version, v])); // the file's win
      merged.set(k.id, { ...known, versions: [...versions.values()].sort((a, b) => a.version - b.version) });
    }
  }
  return [...merged.values()];
}

/**
 * The node's keyring: per-region key-encryption keys in `<dataDir>/keyring.json`
 * (mode 0600) or in a JSON document given by environment (then not persisted).
 *
 * @example
 * const ring = createKeyring({ file: join(dataDir, 'keyring.json'), region: 'local-1' });
 * const wrapped = ring.wrap(DEFAULT_ALIAS, dataKey);
 * const again = ring.unwrap(wrapped);
 */
export function createKeyring(opts: {
  dataDir: string;
  region: string;
  fromEnv?: string | undefined;
}): Keyring {
  const file = join(opts.dataDir, 'keyring.json');
  const read = (): KeyringFile =>
    opts.fromEnv !== undefined && opts.fromEnv !== ''
      ? (JSON.parse(opts.fromEnv) as KeyringFile)
      : existsSync(file)
        ? (JSON.parse(readFileSync(file, 'utf8')) as KeyringFile)
        : {};
  let ring = read();
  /**
   * Writes this keyring's keys into the file as it is now, merged: other
   * regions' keys, and keys or versions of this region that another keyring
   * on the file made since this one read it, are kept (a stale view never
   * writes a key out of existence; versions are only ever added).
   */
  const persist = () => {
    if (opts.fromEnv) return;
    const onFile = read();
    ring = { ...onFile, [opts.region]: mergeKeys(onFile[opts.region] ?? [], keys()) };
    const tmp = `${file}.${process.pid}.tmp`;
    writeFileSync(tmp, JSON.stringify(ring, null, 2), { mode: 0o600 });
    chmodSync(tmp, 0o600);
    renameSync(tmp, file);
  };
  const keys = () => {
    ring[opts.region] ??= [];
    return ring[opts.region] as StoredKey[];
  };
  const newVersion = (version: number) => ({
    version,
    material: randomBytes(32).toString('base64'),
    createdAt: new Date().toISOString(),
  });
  const create = (p: { alias?: string | null; description?: string }): StoredKey => {
    const key: StoredKey = {
      id: randomUUID(),
      alias: p.alias ?? null,
      description: p.description ?? '',
      createdAt: new Date().toISOString(),
      versions: [newVersion(1)],
    };
    keys().push(key);
    persist();
    return key;
  };
  /** Finds a key by id, ARN or alias; the default alias is created on first use. */
  const find = (ref: string): StoredKey => {
    const id = ref.includes(':key/') ? ref.slice(ref.indexOf(':key/') + 5) : ref;
    const alias = ref.includes(':alias/') ? ref.slice(ref.indexOf(':alias/') + 1) : ref;
    const match = (k: StoredKey) => k.id === id || k.alias === alias;
    const key = keys().find(match);
    if (key !== undefined) return key;
    ring = read(); // another process on this data directory may have created it
    const reread = keys().find(match);
    if (reread !== undefined) return reread;
    if (alias === DEFAULT_ALIAS) return create({ alias: DEFAULT_ALIAS, description: 'default key' });
    throw new NotFoundError('kms key', ref);
  };
  const view = (accountId: string, k: StoredKey): KmsKey => ({
    keyId: k.id,
    arn: buildArn({ service: 'kms', region: opts.region, accountId, resource: `key/${k.id}` }),
    alias: k.alias,
    description: k.description,
    currentVersion: k.versions.length,
    versions: k.versions.map((v) => ({ version: v.version, createdAt: v.createdAt })),
    createdAt: k.createdAt,
  });
  const material = (k: StoredKey, version: number) => {
    let v = k.versions.find((x) => x.version === version);
    if (v === undefined) {
      ring = read(); // rotated by another process on this data directory
      v = keys()
        .find((x) => x.id === k.id)
        ?.versions.find((x) => x.version === version);
    }
    if (v === undefined) throw new NotFoundError('kms key version', `${k.id}:${version}`);
    return Buffer.from(v.material, 'base64');
  };
  const self: Keyring = {
    /** Lists the region's keys (creating the default key on first use). */
    list: (accountId: string): KmsKey[] => {
      find(DEFAULT_ALIAS);
      return keys().map((k) => view(accountId, k));
    },
    describe: (accountId: string, ref: string) => view(accountId, find(ref)),
    /** Resolves a reference (id, ARN, alias) to a key id. */
    resolve: (ref: string) => find(ref).id,
    create: (accountId: string, p: { alias?: string | null; description?: string }) => {
      if (p.alias && keys().some((k) => k.alias === p.alias)) {
        throw new ConflictError(`alias "${p.alias}" already exists`);
      }
      return view(accountId, create(p));
    },
    /** New key material; old versions stay for decryption. */
    rotate: (accountId: string, ref: string): KmsKey => {
      if (!opts.fromEnv) ring = read(); // the next version number is the file's, not a stale view's
      const k = find(ref);
      k.versions.push(newVersion(k.versions.length + 1));
      persist();
      return view(accountId, k);
    },
    /** Wraps a data key with the key's current version (AES-256-GCM, AAD = key id and version). */
    wrap: (ref: string, dataKey: Buffer): WrappedKey => {
      const k = find(ref);
      const keyVersion = k.versions.length;
      const iv = randomBytes(12);
      const c = createCipheriv('aes-256-gcm', material(k, keyVersion), iv);
      c.setAAD(Buffer.from(`${k.id}:${keyVersion}`));
      const body = Buffer.concat([c.update(dataKey), c.final()]);
      return { keyId: k.id, keyVersion, blob: Buffer.concat([iv, c.getAuthTag(), body]) };
    },
    unwrap: (w: WrappedKey): Buffer => {
      const k = find(w.keyId);
      const d = createDecipheriv('aes-256-gcm', material(k, w.keyVersion), w.blob.subarray(0, 12));
      d.setAAD(Buffer.from(`${k.id}:${w.keyVersion}`));
      d.setAuthTag(w.blob.subarray(12, 28));
      return Buffer.concat([d.update(w.blob.subarray(28)), d.final()]);
    },
    /** Re-reads the keyring file (another node process may have rotated). */
    reload: () => {
      ring = read();
    },
    /** The region this keyring serves (part of its keys' ARNs). */
    region: opts.region,
    /**
     * The keyring of another region, on the same file (a cross-region copy
     * wraps its data key with the destination region's key).
     */
    forRegion: (region: string): Keyring =>
      region === opts.region ? self : createKeyring({ ...opts, region }),
  };
  return self;
}

/** A keyring of one region (see `createKeyring`). */
export interface Keyring {
  list(accountId: string): KmsKey[];
  describe(accountId: string, ref: string): KmsKey;
  resolve(ref: string): string;
  create(accountId: string, p: { alias?: string | null; description?: string }): KmsKey;
  rotate(accountId: string, ref: string): KmsKey;
  wrap(ref: string, dataKey: Buffer): WrappedKey;
  unwrap(w: WrappedKey): Buffer;
  reload(): void;
  region: string;
  forRegion(region: string): Keyring;
}
