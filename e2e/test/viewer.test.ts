import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import type { Browser, Page } from 'playwright-core';
import { PrefactorHttpClient } from '@agentspan/client';
import { createAccount, openSqliteStore } from '@agentspan/server';
import { spawnAgentspan, startServe, type ServeProcess } from '../../packages/cli/test/agentspan-process.js';
import { CHROMIUM_PATH, launchChromium } from './chromium.js';

const SCHEMA = {
  external_identifier: 'viewer-schema',
  span_type_schemas: [
    { name: 'agent:run', title: 'Agent run', params_schema: { type: 'object' }, template: '{{goal}}' },
    { name: 'llm:call', title: 'LLM call', params_schema: { type: 'object' }, template: '{{model}}: {{prompt}}' },
    { name: 'tool:call', title: 'Tool call', params_schema: { type: 'object' }, template: '{{tool}}' },
  ],
};

describe(
  'the web viewer in Chromium against agentspan serve',
  { skip: CHROMIUM_PATH ? false : 'Chromium is not installed (apt-get install -y chromium)' },
  () => {
    let dir: string;
    let serve: ServeProcess;
    let browser: Browser;
    let client: PrefactorHttpClient;
    let token: string;
    let otherInstanceId: string;
    let instanceId: string;
    const ids: Record<string, string> = {};

    before(async () => {
      dir = await mkdtemp(join(tmpdir(), 'agentspan-viewer-'));
      // A second account, made in the store before the server starts: its instance must stay out of sight.
      const store = await openSqliteStore({ dataDir: dir });
      const first = await createAccount(store, { name: 'first' });
      const second = await createAccount(store, { name: 'second' });
      await store.close();
      serve = await startServe(['--data-dir', dir]);
      token = first.token;
      const other = new PrefactorHttpClient({ apiUrl: serve.url, apiToken: second.token });
      otherInstanceId = (await other.agentInstances.register({ agent_version: { name: 'other' }, agent_schema_version: SCHEMA })).id;
      await other.close();

      client = new PrefactorHttpClient({ apiUrl: serve.url, apiToken: token });
      const instance = await client.agentInstances.register({ agent_version: { name: 'research-agent' }, agent_schema_version: SCHEMA });
      instanceId = instance.id;
      await client.agentInstances.start(instanceId);
      const span = (schema_name: string, payload: Record<string, unknown>, parent?: string) =>
        client.agentSpans.create({
          agent_instance_id: instanceId,
          schema_name,
          status: 'active',
          payload,
          ...(parent ? { parent_span_id: parent } : {}),
        });
      ids.root = (await span('agent:run', { goal: 'compare vector databases' })).id;
      ids.plan = (await span('llm:call', { model: 'gpt-test', prompt: 'make a plan' }, ids.root)).id;
      await client.agentSpans.finish(ids.plan, { status: 'complete', result_payload: { completion: 'search, then read' } });
      ids.search = (await span('tool:call', { tool: 'web_search' }, ids.root)).id;
      ids.fetch = (await span('tool:call', { tool: 'fetch_page' }, ids.search)).id;
      await client.agentSpans.finish(ids.fetch, { status: 'failed', result_payload: { error: 'timeout after 10 s' } });
      await client.agentSpans.finish(ids.search, { status: 'complete' });
      const done = await client.agentInstances.register({ agent_version: { name: 'research-agent' }, agent_schema_version: SCHEMA });
      await client.agentInstances.start(done.id);
      await client.agentInstances.finish(done.id, { status: 'complete' });
      browser = await launchChromium();
    });

    after(async () => {
      await browser?.close();
      await client?.close();
      serve?.child.kill('SIGTERM');
      await serve?.exited;
      if (dir) await rm(dir, { recursive: true, force: true });
    });

    const signedIn = async (): Promise<Page> => {
      const page = await browser.newPage();
      await page.goto(serve.url);
      await page.getByLabel('API token').fill(token);
      await page.getByRole('button', { name: 'Sign in' }).click();
      // Signing in opens the home, the dashboard; the instance list is a link away.
      await page.getByRole('heading', { name: 'Dashboard', level: 1 }).waitFor();
      await page.getByRole('navigation', { name: 'Sections' }).getByRole('link', { name: 'Instances' }).click();
      await page.getByRole('heading', { name: 'Agent instances' }).waitFor();
      return page;
    };

    it('refuses a wrong token with a message, and keeps the session out of script reach', async () => {
      const page = await browser.newPage();
      await page.goto(serve.url);
      await page.getByLabel('API token').fill('as_not-a-token');
      await page.getByRole('button', { name: 'Sign in' }).click();
      await page.getByRole('alert').waitFor();
      assert.match(await page.getByRole('alert').innerText(), /that token is not valid here/);
      await page.getByLabel('API token').fill(token);
      await page.getByRole('button', { name: 'Sign in' }).click();
      await page.getByRole('heading', { name: 'Dashboard', level: 1 }).waitFor();
      assert.equal(await page.evaluate(() => document.cookie), '');
      assert.equal(await page.evaluate(() => localStorage.length + sessionStorage.length), 0);
      const [cookie] = await page.context().cookies();
      assert.deepEqual([cookie?.name, cookie?.httpOnly, cookie?.sameSite], ['agentspan_session', true, 'Strict']);
      assert.ok(!page.url().includes(token));
      // The cookie alone does not let a request change anything: it needs the session's CSRF token.
      const forged = await page.evaluate(
        async (id) =>
          (
            await fetch(`/api/v1/agent_instance/${id}/terminate`, {
              method: 'POST',
              headers: { 'content-type': 'application/json' },
              body: '{"reason":"x"}',
            })
          ).status,
        instanceId,
      );
      assert.equal(forged, 403);
      await page.close();
    });

    it('lists instances newest first and opens one: tree, waterfall and statuses', async () => {
      const page = await signedIn();
      const rows = page.locator('table.instances tbody tr');
      await rows.first().waitFor();
      assert.equal(await rows.count(), 2);
      // Newest first: the instance started last is on top; the one under test was started before it.
      assert.equal(await rows.nth(1).getAttribute('data-id'), instanceId);
      assert.match(await rows.nth(1).innerText(), /research-agent\s+◐ active/);
      await page.getByRole('link', { name: instanceId }).click();
      await page.getByRole('tree', { name: 'Spans' }).waitFor();
      const items = page.getByRole('treeitem');
      assert.equal(await items.count(), 4);
      const levels = await items.evaluateAll((nodes) =>
        nodes.map((n) => [
          n.textContent?.includes('Agent run')
            ? 'run'
            : n.textContent?.includes('LLM')
              ? 'plan'
              : n.textContent?.includes('fetch_page')
                ? 'fetch'
                : 'search',
          n.getAttribute('aria-level'),
          n.getAttribute('aria-expanded'),
        ]),
      );
      assert.deepEqual(levels, [
        ['run', '1', 'true'],
        ['plan', '2', null],
        ['search', '2', 'true'],
        ['fetch', '3', null],
      ]);
      assert.match(await page.locator(`[data-id="${ids.fetch}"]`).innerText(), /failed/);
      assert.match(await page.locator(`[data-id="${ids.root}"]`).innerText(), /active/);
      assert.equal(await page.locator('.waterfall .bar').count(), 4);
      assert.equal(await page.getByTestId('instance-status').innerText(), '◐ active');
      await page.close();
    });

    it('shows a selected span with its payloads, by click, by keyboard and by deep link', async () => {
      const page = await signedIn();
      const listings: Array<Promise<string>> = [];
      const reads: string[] = [];
      page.on('response', (response) => {
        const { pathname, search } = new URL(response.url());
        if (pathname === '/api/v1/agent_spans') listings.push(response.text());
        else if (pathname.startsWith('/api/v1/agent_spans/')) reads.push(pathname + search);
      });
      await page.goto(`${serve.url}/instances/${instanceId}`);
      await page.locator(`[data-id="${ids.fetch}"]`).click();
      const detail = page.getByRole('complementary', { name: 'Span detail' });
      await detail.getByText('timeout after 10 s').first().waitFor();
      // The tree is built from outlines; the payloads are read for the selected span only.
      const listed = (await Promise.all(listings)).flatMap((text) => (JSON.parse(text) as { details: object[] }).details);
      assert.equal(listed.length, 4);
      assert.ok(listed.every((span) => !('payload' in span) && !('result_payload' in span)));
      assert.deepEqual(reads, [`/api/v1/agent_spans/${ids.fetch}?include_risk_level=true&include_usage=true`]);
      assert.match(await detail.innerText(), new RegExp(`Span id\\s+${ids.fetch}`));
      assert.ok(page.url().endsWith(`?span=${ids.fetch}`));

      await page.locator(`[data-id="${ids.root}"]`).click();
      await page.keyboard.press('ArrowDown');
      await page.keyboard.press('Enter');
      await detail.getByText('make a plan').first().waitFor();
      await page.keyboard.press('ArrowDown');
      await page.keyboard.press('ArrowLeft');
      assert.equal(await page.locator(`[data-id="${ids.search}"]`).getAttribute('aria-expanded'), 'false');
      assert.equal(await page.getByRole('treeitem').count(), 3);

      const linked = await signedIn();
      await linked.goto(`${serve.url}/instances/${instanceId}?span=${ids.fetch}`);
      await linked.getByRole('complementary', { name: 'Span detail' }).getByText('fetch_page').first().waitFor();
      assert.equal(await linked.locator(`[data-id="${ids.fetch}"]`).getAttribute('aria-selected'), 'true');
      await page.close();
      await linked.close();
    });

    it('shows a span created while the page is open without a reload, then terminates the instance', async () => {
      const page = await signedIn();
      await page.goto(`${serve.url}/instances/${instanceId}?span=${ids.root}`);
      await page.getByRole('tree').waitFor();
      await page.evaluate(() => ((window as unknown as { marker: number }).marker = 42));
      const late = await client.agentSpans.create({
        agent_instance_id: instanceId,
        schema_name: 'llm:call',
        status: 'active',
        parent_span_id: ids.root,
        payload: { model: 'gpt-test', prompt: 'write the answer' },
      });
      await page.locator(`[data-id="${late.id}"]`).waitFor({ timeout: 3000 });
      await client.agentSpans.finish(late.id, { status: 'complete' });
      await page.locator(`[data-id="${late.id}"].status-complete`).waitFor({ timeout: 3000 });
      assert.equal(await page.evaluate(() => (window as unknown as { marker: number }).marker), 42);
      assert.equal(await page.locator(`[data-id="${ids.root}"]`).getAttribute('aria-selected'), 'true');

      await page.getByRole('button', { name: 'Terminate' }).click();
      await page.getByLabel('Reason').fill('stuck in a loop');
      await page.getByRole('button', { name: 'Terminate now' }).click();
      await page.getByText('terminated: stuck in a loop').waitFor();
      assert.equal((await client.agentInstances.get(instanceId)).status, 'terminated');
      assert.equal(await page.getByRole('button', { name: 'Terminate' }).count(), 0);
      await page.close();
    });

    it("shows another account's instance as not found, and signs out", async () => {
      const page = await signedIn();
      await page.goto(`${serve.url}/instances/${otherInstanceId}`);
      await page.getByRole('alert').waitFor();
      assert.equal(await page.getByRole('alert').innerText(), `agent instance ${otherInstanceId} was not found`);
      await page.getByRole('button', { name: 'Sign out' }).click();
      await page.getByLabel('API token').waitFor();
      await page.reload();
      await page.getByLabel('API token').waitFor();
      assert.deepEqual(await page.context().cookies(), []);
      await page.close();
    });
  },
);

describe('agentspan demo --keep in Chromium', { skip: CHROMIUM_PATH ? false : 'Chromium is not installed (apt-get install -y chromium)' }, () => {
  it('keeps serving the demo run and its viewer URL opens it after sign-in, until Ctrl-C', async () => {
    const demo = spawnAgentspan(['demo', '--keep']);
    let stdout = '';
    demo.stdout.on('data', (chunk) => (stdout += chunk));
    const closed = new Promise<number | null>((resolve) => demo.on('close', (code) => resolve(code)));
    for (let i = 0; i < 1200 && !/serving until Ctrl-C/.test(stdout); i++) await new Promise((resolve) => setTimeout(resolve, 25));
    const [, url, token] = /viewer: (http:\/\/\S+) \(sign in with the account token (\S+)\)/.exec(stdout) ?? [];
    assert.ok(url && token, stdout);
    const dataDir = /kept (\S+);/.exec(stdout)?.[1];
    const browser = await launchChromium();
    try {
      const page = await browser.newPage();
      await page.goto(url);
      await page.getByLabel('API token').fill(token);
      await page.getByRole('button', { name: 'Sign in' }).click();
      await page.getByRole('tree', { name: 'Spans' }).waitFor();
      assert.equal(await page.getByRole('treeitem').count(), 5);
      assert.match(await page.getByRole('treeitem').nth(0).innerText(), /Agent run/);
    } finally {
      await browser.close();
      demo.kill('SIGINT');
      assert.equal(await closed, 0);
      if (dataDir) await rm(dataDir, { recursive: true, force: true });
    }
  });
});
