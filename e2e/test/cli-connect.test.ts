import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import type { Browser, Page } from 'playwright-core';
import { PrefactorHttpClient } from '@agentspan/client';
import { createAccount, openSqliteStore } from '@agentspan/server';
import { startServe, type ServeProcess } from '../../packages/cli/test/agentspan-process.js';
import { CHROMIUM_PATH, launchChromium } from './chromium.js';

/** What a command line's `login` opens (`<base url>/cli/connect`), then reads a pasted token from. */
describe('/cli/connect in Chromium: a token made for the command line', { skip: CHROMIUM_PATH ? false : 'Chromium is not installed' }, () => {
  let dir: string;
  let serve: ServeProcess;
  let browser: Browser;
  let token: string;
  let agentId: string;

  before(async () => {
    dir = await mkdtemp(join(tmpdir(), 'agentspan-connect-'));
    const store = await openSqliteStore({ dataDir: dir });
    token = (await createAccount(store, { name: 'connect' })).token;
    await store.close();
    serve = await startServe(['--data-dir', dir]);
    const client = new PrefactorHttpClient({ apiUrl: serve.url, apiToken: token });
    agentId = (await client.agents.create({ name: 'support-bot' })).id;
    await client.close();
    browser = await launchChromium();
  });

  after(async () => {
    await browser?.close();
    serve?.child.kill('SIGTERM');
    await serve?.exited;
    if (dir) await rm(dir, { recursive: true, force: true });
  });

  const connectPage = async (): Promise<Page> => {
    const page = await browser.newPage();
    await page.goto(`${serve.url}/cli/connect`);
    // Not signed in yet: the page asks first, and stays where the command line sent the user.
    await page.getByLabel('API token').fill(token);
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.getByRole('heading', { name: 'Connect a command line' }).waitFor();
    assert.equal(new URL(page.url()).pathname, '/cli/connect');
    return page;
  };

  it('makes a deployment token for an agent × environment, shown once, that registers runs of that agent', async () => {
    const page = await connectPage();
    await page.getByLabel('Agent', { exact: true }).selectOption(agentId);
    const environment = await page.getByLabel('Environment').inputValue();
    await page.getByRole('button', { name: 'Create token' }).click();
    const secret = await page.getByTestId('issued-token').innerText();
    assert.match(await page.locator('.issued').innerText(), /For support-bot in development\. Copy it now: it cannot be shown again\./);

    const agentClient = new PrefactorHttpClient({ apiUrl: serve.url, apiToken: secret });
    const run = await agentClient.agentInstances.register({ agent_version: { name: 'v1' }, agent_schema_version: { external_identifier: 's1' } });
    assert.equal(run.agent_id, agentId);
    assert.equal(run.environment_id, environment);
    await agentClient.close();

    // A reload shows the form again, never the secret.
    await page.reload();
    await page.getByRole('heading', { name: 'Connect a command line' }).waitFor();
    assert.equal(await page.getByTestId('issued-token').count(), 0);
    assert.ok(!(await page.content()).includes(secret));
    await page.close();
  });

  it('makes an account token for the admin commands when asked', async () => {
    const page = await connectPage();
    await page.getByLabel('The command line: every admin command of this account').check();
    assert.equal(await page.getByLabel('Agent', { exact: true }).count(), 0);
    await page.getByRole('button', { name: 'Create token' }).click();
    const secret = await page.getByTestId('issued-token').innerText();
    const response = await fetch(`${serve.url}/api/v1/account`, { headers: { authorization: `Bearer ${secret}` } });
    assert.equal(response.status, 200);
    await page.close();
  });

  it('shows the server refusal when the environment is gone', async () => {
    const page = await connectPage();
    const client = new PrefactorHttpClient({ apiUrl: serve.url, apiToken: token });
    const spare = await client.environments.create({ name: 'spare', purpose: 'testing' });
    await page.reload();
    await page.getByRole('heading', { name: 'Connect a command line' }).waitFor();
    await page.getByLabel('Environment').selectOption(spare.id);
    await client.environments.delete(spare.id);
    await client.close();
    await page.getByRole('button', { name: 'Create token' }).click();
    await page.getByRole('alert').waitFor();
    assert.match(await page.getByRole('alert').innerText(), /environment_id/);
    assert.equal(await page.getByTestId('issued-token').count(), 0);
    await page.close();
  });
});
