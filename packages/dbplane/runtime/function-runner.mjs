// The process a function runs in (one per warm worker). It loads the
// function's module from its code directory, then answers invocations sent by
// the server over IPC: { id, event, context } -> { id, result } | { id, error }.
// Plain JavaScript on purpose: it runs without a build or a loader.

import { join } from 'node:path';
import { pathToFileURL } from 'node:url';

const [codeDir, handlerSpec] = process.argv.slice(2);
const dot = handlerSpec.lastIndexOf('.');
const file = handlerSpec.slice(0, dot);
const exportName = handlerSpec.slice(dot + 1);

async function loadHandler() {
  for (const ext of ['.mjs', '.js', '.cjs']) {
    try {
      const mod = await import(pathToFileURL(join(codeDir, file + ext)).href);
      const fn = mod[exportName] ?? mod.default?.[exportName];
      if (typeof fn === 'function') return fn;
      throw Object.assign(new Error(`${file}${ext} does not export a function named ${exportName}`), {
        name: 'Runtime.HandlerNotFound',
      });
    } catch (err) {
      if (err && err.code === 'ERR_MODULE_NOT_FOUND' && String(err.message).includes(file + ext)) continue;
      throw err;
    }
  }
  throw Object.assign(new Error(`cannot find module ${file} in the function's code`), {
    name: 'Runtime.ImportModuleError',
  });
}

const handlerPromise = loadHandler();
handlerPromise.catch(() => {});

function errorPayload(err) {
  const e = err instanceof Error ? err : new Error(String(err));
  return {
    errorType: e.name && e.name !== 'Error' ? e.name : 'Error',
    errorMessage: e.message,
    stackTrace: String(e.stack ?? '')
      .split('\n')
      .slice(1)
      .map((l) => l.trim()),
  };
}

// A small client of the dbplane API for the handler (context.dbplane), with the
// invocation's short-lived token: start executions, put events, send messages.
function platformClient(p) {
  if (!p) return undefined;
  const call = async (method, path, body) => {
    const res = await fetch(p.endpoint + path, {
      method,
      headers: { authorization: `Bearer ${p.token}`, 'content-type': 'application/json' },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    const text = await res.text();
    const value = text ? JSON.parse(text) : undefined;
    if (!res.ok)
      throw Object.assign(new Error(value?.error?.message ?? text), {
        name: value?.error?.code ?? 'DbplaneError',
        status: res.status,
      });
    return value;
  };
  const enc = encodeURIComponent;
  return {
    call,
    startExecution: (machine, { name, input } = {}) =>
      call('POST', `/v1/state-machines/${enc(machine)}/executions`, {
        ...(name ? { name } : {}),
        input: input ?? {},
      }),
    putEvents: (entries) => call('POST', '/v1/events', { entries }),
    sendMessage: (queue, body) =>
      call('POST', `/v1/queues/${enc(queue)}/messages`, {
        body: typeof body === 'string' ? body : JSON.stringify(body),
      }),
    getSecretValue: (name) => call('GET', `/v1/secrets/${enc(name)}/value`),
  };
}

process.on('message', async (msg) => {
  const { id, event, context } = msg;
  const deadline = context.deadline;
  const ctx = {
    ...context,
    dbplane: platformClient(context.dbplane),
    getRemainingTimeInMillis: () => Math.max(0, deadline - Date.now()),
    log: (...args) =>
      process.send({ id, log: args.map((a) => (typeof a === 'string' ? a : JSON.stringify(a))).join(' ') }),
  };
  try {
    const handler = await handlerPromise;
    const result = await handler(event, ctx);
    process.send({ id, result: result === undefined ? null : result });
  } catch (err) {
    process.send({ id, error: errorPayload(err) });
  }
});
process.send({ ready: true });
