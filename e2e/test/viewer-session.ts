// What the viewer's browser tests share: a real `agentspan serve` on a fresh data dir, an account
// token to sign in and call the API with, clients on it, and Chromium.
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { PrefactorHttpClient } from '@agentspan/client';
import { createAccount, createToken, openSqliteStore } from '@agentspan/server';
import { startServe, type ServeProcess } from '../../packages/cli/test/agentspan-process.js';
import { launchChromium } from './chromium.js';

export interface ViewerSession {
  url: string;
  /** Account-scoped: what a person signs in with. */
  token: string;
  /** The first agent's deployment in the first environment, and its token (what the client sends spans with). */
  account: { accountId: string; agentId: string; environmentId: string; token: string };
  /** As the first agent's deployment: what an agent process sends with. */
  client: PrefactorHttpClient;
  /** With the account token: what an operator sets profiles, agents and environments up with. */
  admin: PrefactorHttpClient;
  browser: Browser;
  /** A new page, signed in, at `path`. */
  open(path: string): Promise<Page>;
  /** The API over loopback with the account token (or `token`), as a script would call it; never throws on a status. */
  call(method: string, path: string, body?: unknown, token?: string): Promise<{ status: number; body: Record<string, unknown> }>;
  close(): Promise<void>;
}

export async function startViewerSession(name: string): Promise<ViewerSession> {
  const dir = await mkdtemp(join(tmpdir(), `agentspan-${name}-`));
  const store = await openSqliteStore({ dataDir: dir });
  const account = await createAccount(store, { name });
  const token = await createToken(store, { scope: 'account', accountId: account.accountId });
  await store.close();
  let serve: ServeProcess | undefined;
  let browser: Browser | undefined;
  try {
    serve = await startServe(['--data-dir', dir]);
    browser = await launchChromium();
  } catch (error) {
    serve?.child.kill('SIGTERM');
    await rm(dir, { recursive: true, force: true });
    throw error;
  }
  const url = serve.url;
  const client = new PrefactorHttpClient({ apiUrl: url, apiToken: account.token });
  const admin = new PrefactorHttpClient({ apiUrl: url, apiToken: token });
  const opened = browser;
  const running = serve;
  return {
    url,
    token,
    account,
    client,
    admin,
    browser: opened,
    async open(path) {
      const page = await opened.newPage({ viewport: { width: 1360, height: 900 } });
      await page.goto(url);
      await page.getByLabel('API token').fill(token);
      await page.getByRole('button', { name: 'Sign in' }).click();
      await page.getByRole('button', { name: 'Sign out' }).waitFor();
      // A full load at the path: the session cookie is set, so the page opens signed in.
      await page.goto(`${url}${path}`);
      return page;
    },
    async call(method, path, body, asToken = token) {
      const response = await fetch(`${url}${path}`, {
        method,
        headers: { authorization: `Bearer ${asToken}`, ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
        ...(body === undefined ? {} : { body: JSON.stringify(body) }),
      });
      const text = await response.text();
      return { status: response.status, body: text ? (JSON.parse(text) as Record<string, unknown>) : {} };
    },
    async close() {
      await opened.close();
      await client.close();
      await admin.close();
      running.child.kill('SIGTERM');
      await running.exited;
      await rm(dir, { recursive: true, force: true });
    },
  };
}
