import { createServer, type IncomingMessage, type Server } from 'node:http';
import { afterAll, beforeAll } from 'vitest';

export interface RecordedRequest {
  method: string;
  path: string;
  headers: IncomingMessage['headers'];
  body: string;
}

export interface HttpTarget {
  url: string;
  requests: RecordedRequest[];
  /** Sets what `path` answers next: a status and a JSON body, or a function of the request count. */
  respond(
    path: string,
    answer: (n: number, req: RecordedRequest) => { status: number; body?: unknown },
  ): void;
}

/** A real HTTP server on loopback for HTTP tasks and targets to call; records every request. */
export function useHttpTarget(): HttpTarget {
  const requests: RecordedRequest[] = [];
  const answers = new Map<string, (n: number, req: RecordedRequest) => { status: number; body?: unknown }>();
  const target = { url: '', requests } as HttpTarget;
  target.respond = (path, answer) => answers.set(path, answer);
  let server: Server;
  beforeAll(async () => {
    server = createServer((req, res) => {
      let body = '';
      req.on('data', (c: Buffer) => {
        body += c.toString();
      });
      req.on('end', () => {
        const path = (req.url ?? '/').split('?')[0] ?? '/';
        const recorded = { method: req.method ?? '', path, headers: req.headers, body };
        requests.push(recorded);
        const n = requests.filter((r) => r.path === path).length;
        const answer = answers.get(path)?.(n, recorded) ?? { status: 404, body: { error: 'no answer set' } };
        res.writeHead(answer.status, { 'content-type': 'application/json' });
        res.end(JSON.stringify(answer.body ?? {}));
      });
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const address = server.address();
    if (address === null || typeof address === 'string') throw new Error('no address');
    target.url = `http://127.0.0.1:${address.port}`;
  });
  afterAll(async () => {
    server.closeAllConnections();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  });
  return target;
}
