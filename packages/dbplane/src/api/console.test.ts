/**
 * End to end (slow): the built web console in Debian's chromium, driven by
 * playwright-core, against a real server. Screenshots go to
 * test-artifacts/console/. Needs /usr/bin/chromium (apt-get install chromium):
 * without it the file is skipped, except in CI where that is an error.
 */
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, statSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { type Browser, chromium, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { useTestServer } from '../test-support/server.js';

const CHROMIUM = process.env.DBPLANE_CHROMIUM ?? '/usr/bin/chromium';
const CONSOLE = resolve(import.meta.dirname, '../../../console');
const ARTIFACTS = resolve(import.meta.dirname, '../../../../test-artifacts/console');
const ARGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];

function available(): boolean {
  if (existsSync(CHROMIUM)) return true;
  if (process.env.CI) throw new Error(`chromium is required in CI at ${CHROMIUM}`);
  process.stderr.write(`note: no chromium at ${CHROMIUM}; the console e2e test is skipped\n`);
  return false;
}

function newest(path: string): number {
  const s = statSync(path);
  if (!s.isDirectory()) return s.mtimeMs;
  return Math.max(s.mtimeMs, ...readdirSync(path).map((f) => newest(join(path, f))));
}

/** Builds the console when dist/ is missing or older than its sources. */
function ensureBuilt(): void {
  const index = join(CONSOLE, 'dist/index.html');
  const sources = Math.max(newest(join(CONSOLE, 'src')), newest(join(CONSOLE, 'index.html')));
  if (existsSync(index) && statSync(index).mtimeMs >= sources) return;
  execFileSync(process.execPath, [resolve(CONSOLE, '../../node_modules/vite/bin/vite.js'), 'build'], {
    cwd: CONSOLE,
    stdio: 'pipe',
  });
}

const WAITING = {
  StartAt: 'Prepare',
  States: {
    Prepare: {
      Type: 'Pass',
      Parameters: { 'who.$': '$.who', 'nap.$': '$.nap', greeting: 'hello' },
      Next: 'Route',
    },
    Route: {
      Type: 'Choice',
      Choices: [{ Variable: '$.who', StringEquals: 'world', Next: 'Fan' }],
      Default: 'Rejected',
    },
    Rejected: { Type: 'Fail', Error: 'Rejected', Cause: 'not for the world' },
    Fan: {
      Type: 'Parallel',
      Branches: [
        { StartAt: 'Left', States: { Left: { Type: 'Pass', End: true } } },
        { StartAt: 'Right', States: { Right: { Type: 'Pass', End: true } } },
      ],
      Catch: [{ ErrorEquals: ['States.ALL'], Next: 'Rejected' }],
      ResultPath: '$.fan',
      Next: 'Each',
    },
    Each: {
      Type: 'Map',
      ItemsPath: '$.fan',
      ItemProcessor: { StartAt: 'Item', States: { Item: { Type: 'Pass', End: true } } },
      ResultPath: '$.items',
      Next: 'Nap',
    },
    Nap: { Type: 'Wait', SecondsPath: '$.nap', Next: 'Done' },
    Done: { Type: 'Succeed' },
  },
};

describe.skipIf(!available())('web console (e2e, chromium)', () => {
  const server = useTestServer();
  let browser: Browser;
  let page: Page;
  const pageErrors: string[] = [];
  const shot = (name: string) => page.screenshot({ path: join(ARTIFACTS, `${name}.png`), fullPage: true });

  beforeAll(async () => {
    ensureBuilt();
    mkdirSync(ARTIFACTS, { recursive: true });
    browser = await chromium.launch({ executablePath: CHROMIUM, args: ARGS });
    page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
    page.on('pageerror', (err) => pageErrors.push(err.message));
    // failed requests (the bad key's 401) are expected and shown in place; anything else is a bug
    page.on('console', (m) => {
      if (m.type() === 'error' && !m.text().startsWith('Failed to load resource')) pageErrors.push(m.text());
    });
    page.setDefaultTimeout(15_000);
  });
  afterAll(async () => {
    await browser?.close();
  });

  it('serves the console at / and on client routes, without shadowing the API', async () => {
    for (const p of ['/', '/state-machines/x/executions/y']) {
      const res = await fetch(`${server.url}${p}`);
      expect(res.headers.get('content-type')).toContain('text/html');
      expect(await res.text()).toContain('<div id="root">');
    }
    expect((await server.call('GET', '/v1/no-such-route')).body.error.code).toBe('ResourceNotFound');
    expect((await server.call('GET', '/healthz', undefined, null)).body).toEqual({ status: 'ok' });
  });

  it('refuses a bad key in place, then signs in with a key kept in sessionStorage', async () => {
    await page.goto(server.url);
    await page.getByLabel('API key').fill('dbp_nope_nope');
    await page.getByRole('button', { name: 'Sign in' }).click();
    await expect.poll(() => page.getByRole('alert').textContent()).toContain('Sign-in failed');
    await shot('sign-in');
    await page.getByLabel('API key').fill(server.adminKey);
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.getByRole('heading', { name: 'State machines' }).waitFor();
    expect(await page.evaluate(() => sessionStorage.getItem('dbplane.apiKey'))).toBe(server.adminKey);
    expect(page.url()).not.toContain(server.adminKey);
  });

  it('lists a state machine and draws its graph beside the definition', async () => {
    const created = await server.call('POST', '/v1/state-machines', { name: 'greeter', definition: WAITING });
    expect(created.status).toBe(201);
    await page.getByRole('button', { name: 'Refresh' }).click();
    await page.getByRole('link', { name: 'greeter' }).click();
    const graph = page.getByRole('figure', { name: /State machine graph, 10 states/ });
    await graph.waitFor();
    for (const state of [
      'Prepare',
      'Route',
      'Fan',
      'Left',
      'Right',
      'Each',
      'Item',
      'Nap',
      'Done',
      'Rejected',
    ]) {
      expect(await graph.locator(`[data-state="${state}"]`).count(), state).toBe(1);
    }
    expect(await graph.locator('.edge-choice').textContent()).toContain('$.who == "world"');
    expect(await graph.locator('.edge-catch').textContent()).toContain('Catch: States.ALL');
    expect(await page.getByLabel('Definition').textContent()).toContain('"StartAt"');
    await shot('state-machine');
  });

  it("opens an execution and reads a state's input and output", async () => {
    const started = await server.call('POST', '/v1/state-machines/greeter/executions', {
      name: 'quick',
      input: { who: 'world', nap: 0 },
    });
    expect(started.status).toBe(201);
    await page.goto(`${server.url}/state-machines/greeter`);
    await page.getByRole('link', { name: 'quick' }).click();
    await expect.poll(() => page.getByTestId('execution-status').textContent()).toBe('SUCCEEDED');
    await page.getByRole('button', { name: /^Prepare,/ }).click();
    const input = JSON.parse((await page.getByLabel('Input of Prepare').textContent()) ?? '');
    const output = JSON.parse((await page.getByLabel('Output of Prepare').textContent()) ?? '');
    expect(input).toEqual({ who: 'world', nap: 0 });
    expect(output).toEqual({ who: 'world', nap: 0, greeting: 'hello' });
    expect(await page.locator('[data-state="Done"].st-succeeded').count()).toBe(1);
    expect(await page.getByRole('table', { name: 'Execution history' }).textContent()).toContain(
      'ExecutionSucceeded',
    );
    await shot('execution');
  });

  it('stops a running execution', async () => {
    await page.goto(`${server.url}/state-machines/greeter`);
    await page.getByText('Start an execution').click();
    await page.getByLabel('Name (optional)').fill('sleepy');
    await page.getByLabel('Input (JSON)').fill('{"who":"world","nap":600}');
    await page.getByRole('button', { name: 'Start', exact: true }).click();
    await expect.poll(() => page.locator('[data-state="Nap"].st-running').count()).toBe(1);
    expect(await page.getByTestId('execution-status').textContent()).toBe('RUNNING');
    await shot('execution-running');
    await page.getByRole('button', { name: 'Stop', exact: true }).click();
    await page.getByLabel('Cause').fill('stopped from the console');
    await page.getByRole('button', { name: 'Confirm stop' }).click();
    await expect.poll(() => page.getByTestId('execution-status').textContent()).toBe('ABORTED');
    const described = await server.call('GET', '/v1/state-machines/greeter/executions/sleepy');
    expect(described.body.status).toBe('ABORTED');
    await page.getByRole('button', { name: 'Redrive' }).waitFor();
    await shot('execution-stopped');
  });

  it('filters executions by status and name', async () => {
    await page.goto(`${server.url}/state-machines/greeter`);
    await page.getByLabel('Status').selectOption('ABORTED');
    await page.getByRole('link', { name: 'sleepy' }).waitFor();
    expect(await page.getByRole('link', { name: 'quick' }).count()).toBe(0);
    await page.getByLabel('Status').selectOption('');
    await page.getByLabel('Search by name').fill('qui');
    await page.getByRole('link', { name: 'quick' }).waitFor();
    expect(await page.getByRole('link', { name: 'sleepy' }).count()).toBe(0);
  });

  it('creates a database through the form, sees it become available and opens its provisioning run', async () => {
    await page.getByRole('link', { name: 'Databases' }).click();
    await page.getByLabel('Name', { exact: true }).fill('Orders-Dev');
    await page.getByRole('button', { name: 'Create', exact: true }).click();
    await expect.poll(() => page.locator('#db-name-hint').textContent()).toContain('lowercase letters');
    await page.getByLabel('Name', { exact: true }).fill('orders_dev');
    await page.getByLabel('TTL (optional)').fill('1h');
    await page.getByRole('button', { name: 'Create', exact: true }).click();
    await page.getByRole('status').filter({ hasText: 'orders_dev is creating' }).waitFor();
    const row = page.locator('tr[data-database="orders_dev"]');
    await expect.poll(() => row.textContent(), { timeout: 60_000, interval: 500 }).toContain('available');
    expect(await row.textContent()).toMatch(/\d+m \d+s|\d+h \d+m/);
    await shot('databases');
    await row.getByRole('link', { name: 'execution' }).click();
    await expect.poll(() => page.getByTestId('execution-status').textContent()).toBe('SUCCEEDED');
    await page.locator('.graph .state[role="button"]').first().click();
    expect(await page.getByLabel(/^Input of /).textContent()).not.toBe('—');
    expect(await page.getByLabel(/^Output of /).textContent()).not.toBe('—');
    await shot('provisioning-execution');
  });

  it('tests an event against every rule and shows what each target receives', async () => {
    const q = await server.call('POST', '/v1/queues', { name: 'db-events' });
    expect(q.status).toBe(201);
    const pattern = { source: ['dbplane.databases'], 'detail-type': ['Database Created'] };
    expect(
      (await server.call('POST', '/v1/rules', { name: 'on-db-created', eventPattern: pattern })).status,
    ).toBe(201);
    const other = { name: 'on-snapshot', eventPattern: { source: ['dbplane.snapshots'] } };
    expect((await server.call('POST', '/v1/rules', other)).status).toBe(201);
    const targets = {
      targets: [
        {
          id: 'to-queue',
          arn: q.body.arn,
          inputTransformer: { inputPathsMap: { db: '$.detail.name' }, inputTemplate: '{"database": <db>}' },
        },
      ],
    };
    expect((await server.call('PUT', '/v1/rules/on-db-created/targets', targets)).status).toBeLessThan(300);
    await page.getByRole('link', { name: 'Rules' }).click();
    await page.getByRole('heading', { name: 'on-db-created' }).waitFor();
    await page.getByRole('button', { name: 'Test against every rule' }).click();
    const matched = page.locator('li[data-rule="on-db-created"]');
    await expect.poll(() => matched.textContent()).toContain('matches');
    expect(await page.locator('li[data-rule="on-snapshot"]').textContent()).toContain('does not match');
    expect(JSON.parse((await page.getByLabel('Input for target to-queue').textContent()) ?? '')).toEqual({
      database: 'orders',
    });
    await shot('rules');
  });

  it('shows queue messages and the audit log, with no page errors', async () => {
    await server.call('POST', '/v1/queues/db-events/messages', { body: '{"hello":"queue"}' });
    await page.getByRole('link', { name: 'Queues' }).click();
    await page.getByRole('button', { name: 'Show messages' }).click();
    await expect
      .poll(() =>
        page
          .getByLabel(/^Body of /)
          .first()
          .textContent(),
      )
      .toContain('"hello"');
    await shot('queues');
    await page.getByRole('link', { name: 'Audit log' }).click();
    await page.getByLabel('Action').fill('StopExecution');
    await page.getByRole('button', { name: 'Apply' }).click();
    await expect
      .poll(() => page.getByRole('table', { name: 'Audit records' }).textContent())
      .toContain('states:StopExecution');
    await shot('audit');
    expect(pageErrors).toEqual([]);
  });
});
