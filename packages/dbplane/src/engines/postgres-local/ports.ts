import { createServer } from 'node:net';

function tryListen(host: string, port: number): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen({ port, host, exclusive: true }, () => {
      const address = server.address();
      const chosen = typeof address === 'object' && address !== null ? address.port : port;
      server.close(() => resolve(chosen));
    });
  });
}

/** `preferred` when it can be bound on `host`, else a free port chosen by the kernel. */
export async function freePort(host: string, preferred?: number): Promise<number> {
  if (preferred !== undefined && preferred > 0) {
    try {
      return await tryListen(host, preferred);
    } catch {
      // taken: pick another
    }
  }
  return tryListen(host, 0);
}
