import { constants } from 'node:fs';
import { access, mkdir } from 'node:fs/promises';
import { isAbsolute, join } from 'node:path';
import { ConflictError, NotFoundError, ValidationError } from '../errors/index.js';
import { DEFAULT_ALIAS, type Keyring } from '../kms/keyring.js';
import type { Db, Pool } from '../store/db.js';
import { createS3Store, type S3Location } from './s3-store.js';
import { createDirectoryStore, type SnapshotStore } from './store.js';
import * as sql from './stores-sql.js';

/**
 * Where each region's snapshot store is. The node's own region: its
 * `snapshotStore` setting (a directory by default, or `s3://bucket/prefix?...`).
 * Other regions: told through the API (`PUT /v1/snapshot-stores/{region}`),
 * kept in `snapshot_stores`; an S3 secret key wrapped by this region's key.
 */
export type StoreSettings =
  | { type: 'directory'; path: string }
  | {
      type: 's3';
      bucket: string;
      prefix?: string | undefined;
      endpoint?: string | undefined;
      s3Region?: string | undefined;
      forcePathStyle?: boolean | undefined;
      accessKeyId?: string | undefined;
    };

/** What `GET /v1/snapshot-stores` shows of a store: never a secret. */
export interface StoreView {
  region: string;
  type: 'directory' | 's3';
  location: string;
  local: boolean;
  reachable: boolean;
  reason?: string;
}

const location = (s: StoreSettings) =>
  s.type === 'directory'
    ? s.path
    : `s3://${s.bucket}/${s.prefix ?? ''}${s.endpoint === undefined ? '' : ` at ${s.endpoint}`}`;

/** Parses the `snapshotStore` setting: empty (a directory under the data directory) or an `s3://` URL. */
export function parseStoreSetting(value: string, defaultPath: string): StoreSettings {
  if (value === '') return { type: 'directory', path: defaultPath };
  if (!value.startsWith('s3://')) return { type: 'directory', path: value };
  const u = new URL(value);
  const q = u.searchParams;
  const prefix = u.pathname.replace(/^\//, '');
  return {
    type: 's3',
    bucket: u.hostname,
    ...(prefix === '' ? {} : { prefix }),
    ...(q.get('endpoint') === null ? {} : { endpoint: q.get('endpoint') as string }),
    ...(q.get('region') === null ? {} : { s3Region: q.get('region') as string }),
    ...(q.get('forcePathStyle') === 'true' ? { forcePathStyle: true } : {}),
  };
}

function open(s: StoreSettings, secretAccessKey: string | undefined): SnapshotStore {
  if (s.type === 'directory') return createDirectoryStore(s.path);
  const loc: S3Location = {
    bucket: s.bucket,
    prefix: s.prefix,
    endpoint: s.endpoint,
    region: s.s3Region,
    forcePathStyle: s.forcePathStyle,
    ...(s.accessKeyId !== undefined && secretAccessKey !== undefined
      ? { credentials: { accessKeyId: s.accessKeyId, secretAccessKey } }
      : {}),
  };
  return createS3Store(loc);
}

async function probe(s: StoreSettings, store: SnapshotStore): Promise<string | undefined> {
  try {
    if (s.type === 'directory') {
      await mkdir(s.path, { recursive: true, mode: 0o700 });
      await access(s.path, constants.W_OK);
    } else await store.size('.dbplane-probe');
    return undefined;
  } catch (err) {
    return err instanceof Error ? err.message : String(err);
  }
}

/**
 * The stores of every region this node can reach.
 *
 * @example
 * const stores = createRegionStores({ pool, region: 'local-1', local: { type: 'directory', path }, keyring });
 * const store = await stores.storeFor('eu-2');
 */
export function createRegionStores(deps: {
  pool: Pool;
  region: string;
  local: StoreSettings;
  keyring: Keyring;
}) {
  const localStore = open(deps.local, undefined);
  const cache = new Map<string, { stamp: string; store: SnapshotStore }>();
  const fromRow = (row: sql.StoreRow): SnapshotStore => {
    const stamp = row.updated_at.toISOString();
    const hit = cache.get(row.region);
    if (hit?.stamp === stamp) return hit.store;
    const secret =
      row.secret === null
        ? undefined
        : deps.keyring
            .unwrap({ ...row.secret, blob: Buffer.from(row.secret.blob, 'base64') })
            .toString('utf8');
    const store = open(row.settings as StoreSettings, secret);
    cache.set(row.region, { stamp, store });
    return store;
  };
  const storeFor = async (region: string, db: Db = deps.pool): Promise<SnapshotStore> => {
    if (region === deps.region) return localStore;
    const row = await sql.findStore(db, region);
    if (row === undefined)
      throw new ValidationError(
        [{ path: '/targetRegion', message: `no snapshot store is known for region "${region}"` }],
        `no snapshot store is known for region "${region}"; tell this node with PUT /v1/snapshot-stores/${region}`,
      );
    return fromRow(row);
  };
  return {
    local: localStore,
    region: deps.region,
    storeFor,
    /** Every known region's store, the node's own first, each probed. */
    async list(): Promise<StoreView[]> {
      const rows = await sql.listStores(deps.pool);
      const all = [
        { region: deps.region, settings: deps.local, store: localStore, local: true },
        ...rows.map((r) => ({
          region: r.region,
          settings: r.settings as StoreSettings,
          store: fromRow(r),
          local: false,
        })),
      ];
      return Promise.all(
        all.map(async (s) => {
          const reason = await probe(s.settings, s.store);
          return {
            region: s.region,
            type: s.settings.type,
            location: location(s.settings),
            local: s.local,
            reachable: reason === undefined,
            ...(reason === undefined ? {} : { reason }),
          };
        }),
      );
    },
    /** Tells the node about another region's store (a directory is created if missing). */
    async put(tx: Db, region: string, s: StoreSettings, secretAccessKey?: string): Promise<StoreView> {
      if (region === deps.region)
        throw new ConflictError(
          `region "${region}" is this node's own; its store comes from the snapshotStore setting`,
        );
      if (s.type === 'directory') {
        if (!isAbsolute(s.path))
          throw new ValidationError([{ path: '/path', message: 'must be an absolute path' }]);
        await mkdir(s.path, { recursive: true, mode: 0o700 });
      }
      if (s.type === 's3' && (s.accessKeyId === undefined) !== (secretAccessKey === undefined))
        throw new ValidationError([
          {
            path: s.accessKeyId === undefined ? '/accessKeyId' : '/secretAccessKey',
            message: 'give both keys or neither',
          },
        ]);
      const wrapped =
        secretAccessKey === undefined ? null : deps.keyring.wrap(DEFAULT_ALIAS, Buffer.from(secretAccessKey));
      const secret = wrapped === null ? null : { ...wrapped, blob: wrapped.blob.toString('base64') };
      await sql.putStore(tx, { region, type: s.type, settings: s, secret });
      return { region, type: s.type, location: location(s), local: false, reachable: true };
    },
    async remove(tx: Db, region: string): Promise<StoreView> {
      if (region === deps.region)
        throw new ConflictError(`region "${region}" is this node's own; its store cannot be removed`);
      const row = await sql.deleteStore(tx, region);
      if (row === undefined) throw new NotFoundError('snapshot store', region);
      cache.delete(region);
      const s = row.settings as StoreSettings;
      return { region, type: s.type, location: location(s), local: false, reachable: false };
    },
  };
}

export type RegionStores = ReturnType<typeof createRegionStores>;

/** The default directory of a region's store under a data directory. */
export const defaultStorePath = (dataDir: string, region: string) => join(dataDir, 'snapshots', region);
