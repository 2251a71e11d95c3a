// What the agent pages' browser tests share: a real agentspan serve with a governed agent, and a signed-in page.
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { startServe, type ServeProcess } from '../../packages/cli/test/agentspan-process.js';
import { launchChromium } from './chromium.js';
import { accountToken, seedGovernedAgent, type GovernedAgent } from './governed-agent.js';

export interface ViewerSession {
  serve: ServeProcess;
  browser: Browser;
  token: string;
  seeded: GovernedAgent;
  /** A new page signed in with the account token, at `path`. */
  signedIn(path: string): Promise<Page>;
  close(): Promise<void>;
}

export async function startViewerSession(): Promise<ViewerSession> {
  const dir = await mkdtemp(join(tmpdir(), 'agentspan-viewer-agents-'));
  const serve = await startServe(['--data-dir', dir]);
  const token = await accountToken(dir);
  const seeded = await seedGovernedAgent(serve.url, token);
  const browser = await launchChromium();
  return {
    serve,
    browser,
    token,
    seeded,
    async signedIn(path) {
      const page = await browser.newPage({ viewport: { width: 1360, height: 900 } });
      await page.goto(serve.url);
      await page.getByLabel('API token').fill(token);
      await page.getByRole('button', { name: 'Sign in' }).click();
      await page.getByRole('navigation', { name: 'Sections' }).waitFor();
      await page.goto(`${serve.url}${path}`);
      return page;
    },
    async close() {
      await browser.close();
      serve.child.kill('SIGTERM');
      await serve.exited;
      await rm(dir, { recursive: true, force: true });
    },
  };
}
