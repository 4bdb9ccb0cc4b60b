import { randomBytes } from 'node:crypto';
import { access, mkdir, rename, rm } from 'node:fs/promises';
import { join } from 'node:path';
import type { Logger } from '../../log/logger.js';
import type { EngineName } from '../admin/index.js';
import { connectAdmin } from '../admin/index.js';
import type { Launchers, LocalStatus, RunningServer } from './types.js';

interface Entry {
  engine: EngineName;
  server?: RunningServer | undefined;
  status: LocalStatus;
  wanted: boolean;
  busy?: Promise<unknown> | undefined;
}

export interface LocalInstanceManagerDeps {
  /** Local instances live under `<baseDir>/<id>`. */
  baseDir: string;
  launchers: Launchers;
  log: Logger;
  healthEveryMs?: number;
}

/**
 * Runs and supervises the local database servers of this node, by instance
 * id: start (first start initialises), stop, reboot, remove (stop and delete
 * the files), and a health check that restarts a server that died.
 *
 * @example
 * const local = createLocalInstanceManager({ baseDir: '.dbplane/instances', launchers, log });
 * const server = await local.start('i-123', 'postgres');
 */
export function createLocalInstanceManager(deps: LocalInstanceManagerDeps) {
  const entries = new Map<string, Entry>();
  const dirOf = (id: string) => join(deps.baseDir, id);

  const launch = async (id: string, entry: Entry): Promise<RunningServer> => {
    entry.status = { ...entry.status, state: 'starting' };
    try {
      const server = await deps.launchers[entry.engine]({
        dataDir: dirOf(id),
        log: (line) => deps.log.debug({ instance: id }, line),
      });
      entry.server = server;
      entry.status = {
        state: 'running',
        host: server.host,
        port: server.port,
        version: server.version,
        restarts: entry.status.restarts,
      };
      return server;
    } catch (err) {
      entry.status = { ...entry.status, state: 'failed', lastError: (err as Error).message };
      throw err;
    }
  };

  /** Serialises operations on one instance. */
  const exclusive = async <T>(entry: Entry, fn: () => Promise<T>): Promise<T> => {
    while (entry.busy !== undefined) await entry.busy.catch(() => {});
    const run = fn();
    entry.busy = run;
    try {
      return await run;
    } finally {
      entry.busy = undefined;
    }
  };

  const healthy = async (entry: Entry): Promise<boolean> => {
    if (entry.server === undefined) return false;
    try {
      const admin = await connectAdmin(entry.engine, entry.server.adminUrl);
      await admin.close();
      return true;
    } catch {
      return false;
    }
  };

  const check = async () => {
    for (const [id, entry] of entries) {
      if (!entry.wanted || entry.busy !== undefined || entry.status.state === 'starting') continue;
      if (await healthy(entry)) continue;
      deps.log.warn({ instance: id }, 'local instance is down; restarting it');
      entry.status.restarts += 1;
      await exclusive(entry, () => launch(id, entry)).catch((err: unknown) =>
        deps.log.error({ err, instance: id }, 'restart failed'),
      );
    }
  };
  const timer = setInterval(() => void check(), deps.healthEveryMs ?? 5000);
  timer.unref();

  const entryFor = (id: string, engine: EngineName): Entry => {
    let entry = entries.get(id);
    if (entry === undefined) {
      entry = { engine, wanted: false, status: { state: 'stopped', restarts: 0 } };
      entries.set(id, entry);
    }
    return entry;
  };

  return {
    /** Starts (and on first use initialises) the server of instance `id`; idempotent. */
    async start(id: string, engine: EngineName): Promise<RunningServer> {
      const entry = entryFor(id, engine);
      entry.wanted = true;
      return exclusive(entry, async () =>
        entry.server !== undefined && (await healthy(entry)) ? entry.server : launch(id, entry),
      );
    },
    async stop(id: string): Promise<void> {
      const entry = entries.get(id);
      if (entry === undefined) return;
      entry.wanted = false;
      await exclusive(entry, async () => {
        entry.status = { ...entry.status, state: 'stopping' };
        await entry.server?.stop();
        entry.server = undefined;
        entry.status = { state: 'stopped', restarts: entry.status.restarts };
      });
    },
    async reboot(id: string, engine: EngineName): Promise<RunningServer> {
      await this.stop(id);
      return this.start(id, engine);
    },
    /** Stops the server and deletes its files. */
    async remove(id: string): Promise<void> {
      await this.stop(id);
      entries.delete(id);
      await rm(dirOf(id), { recursive: true, force: true });
    },
    /** Where the files of instance `id` live (a physical snapshot copies them). */
    dataDir: dirOf,
    /**
     * Fills the data directory of instance `id` before its first start (a
     * physical restore instead of an initialisation): `fill` writes into a
     * sibling staging directory, renamed into place once complete. A no-op
     * answering false when the directory exists already (a retry).
     */
    async populate(id: string, fill: (dir: string) => Promise<void>): Promise<boolean> {
      const target = dirOf(id);
      if (
        await access(target).then(
          () => true,
          () => false,
        )
      )
        return false;
      const staging = `${target}.populate-${randomBytes(4).toString('hex')}`;
      await mkdir(staging, { recursive: true, mode: 0o700 });
      try {
        await fill(staging);
        await rename(staging, target);
        return true;
      } finally {
        await rm(staging, { recursive: true, force: true });
      }
    },
    status(id: string): LocalStatus {
      return entries.get(id)?.status ?? { state: 'stopped', restarts: 0 };
    },
    /** Runs one health check now (tests; the timer does it every few seconds). */
    check,
    /** On shutdown: stops every server this node runs (they are started again with the node). */
    async stopAll(): Promise<void> {
      clearInterval(timer);
      await Promise.all([...entries.keys()].map((id) => this.stop(id).catch(() => {})));
    },
  };
}
