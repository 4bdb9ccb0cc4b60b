import type { ServerResponse } from 'node:http';

/** An abort signal that fires when the client goes away before its answer is sent (ends long polls early). */
export function abortOnDisconnect(response: ServerResponse): AbortController {
  const controller = new AbortController();
  response.on('close', () => {
    if (!response.writableFinished) controller.abort();
  });
  return controller;
}
