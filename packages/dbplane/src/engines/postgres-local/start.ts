import type { PostgresBinaries } from './binaries.js';
import { PostgresLocalCode, PostgresLocalError } from './errors.js';
import { isAlive } from './pidfile.js';
import { freePort } from './ports.js';
import { type Credentials, logSize, logTail, spawnPostmaster, stopPostmaster, waitReady } from './process.js';
import type { RunAs } from './user.js';

/** The remembered port when free, else a free one; a typed error when `host` cannot be listened on. */
export async function choosePort(host: string, previous: number | undefined): Promise<number> {
  try {
    return await freePort(host, previous);
  } catch (err) {
    const message = `cannot listen on ${host}: ${(err as Error).message}`;
    throw new PostgresLocalError(PostgresLocalCode.StartFailed, message, { cause: err });
  }
}

const BUSY = /shared memory block is still in use|lock file .* already exists/;
const PORT_TAKEN = /could not bind .*Address already in use/;

export interface Attempt {
  binaries: PostgresBinaries;
  dataDir: string;
  creds: (port: number) => Credentials;
  user: RunAs | undefined;
  timeoutMs: number;
  log: (line: string) => void;
}

/**
 * Starts the postmaster, retrying for a few seconds when a postmaster killed a
 * moment ago still has backends holding shared memory, and on a new free port
 * when another program took the chosen one first (only when `fixedPort` is false).
 */
export async function startWithRetry(
  a: Attempt,
  firstPort: number,
  fixedPort: boolean,
): Promise<{ pid: number; port: number }> {
  let port = firstPort;
  for (let attempt = 1; ; attempt++) {
    const offset = await logSize(a.dataDir);
    const pid = await spawnPostmaster({
      dataDir: a.dataDir,
      binaries: a.binaries,
      host: a.creds(port).host,
      port,
      user: a.user,
    });
    try {
      await waitReady(a.creds(port), pid, a.dataDir, a.timeoutMs, offset);
      return { pid, port };
    } catch (err) {
      const exited = !isAlive(pid);
      if (!exited) await stopPostmaster(pid).catch(() => undefined);
      const tail = await logTail(a.dataDir, offset);
      const portTaken = !fixedPort && PORT_TAKEN.test(tail);
      // a server that exits without a word (seen once on a loaded machine right after a SIGKILL) gets a few more tries
      const silent = exited && tail.trim() === '' && attempt < 5;
      if (attempt >= 20 || !(portTaken || silent || BUSY.test(tail))) throw err;
      if (portTaken) port = await choosePort(a.creds(port).host, undefined);
      a.log(
        `postgres-local: retrying the start of ${a.dataDir} (${portTaken ? `port taken, now ${port}` : silent ? 'it exited without a message' : 'previous server still exiting'})`,
      );
      await new Promise((r) => setTimeout(r, portTaken ? 0 : 500));
    }
  }
}
