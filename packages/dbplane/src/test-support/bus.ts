import type { TestServer } from './server.js';

/** Polls `f` until it answers something other than undefined, or fails after `ms`. */
export async function eventually<T>(f: () => Promise<T | undefined>, ms = 10_000): Promise<T> {
  const until = Date.now() + ms;
  for (;;) {
    const v = await f();
    if (v !== undefined) return v;
    if (Date.now() > until) throw new Error('condition not met in time');
    await new Promise((r) => setTimeout(r, 50));
  }
}

/** Receives one message of queue `name` (long polling), or undefined. */
export async function receiveOne(server: TestServer, name: string) {
  const res = await server.call('POST', `/v1/queues/${name}/messages/receive`, { max: 1, waitSeconds: 1 });
  return res.body.messages?.[0] as
    | { body: string; attributes: Record<string, string>; receiptHandle: string }
    | undefined;
}
