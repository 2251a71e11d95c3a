// Screenshots of the viewer for the README (docs/viewer-*.png): a demo agent run on a temporary
// SQLite store, its pages in headless Chromium. Run with `npm run screenshots`.
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { PrefactorHttpClient } from '@agentspan/client';
import { bootstrapAccount, buildApp, openSqliteStore } from '@agentspan/server';
import { runScriptedAgent } from '../../packages/cli/src/demo/scripted-agent.js';
import { CHROMIUM_PATH, launchChromium } from '../test/chromium.js';
import { accountToken, seedGovernedAgent } from '../test/governed-agent.js';

const docs = fileURLToPath(new URL('../../docs/', import.meta.url));
if (!CHROMIUM_PATH) throw new Error('Chromium is not installed: apt-get install -y chromium');

const dir = await mkdtemp(join(tmpdir(), 'agentspan-screenshots-'));
const store = await openSqliteStore({ dataDir: dir });
const account = (await bootstrapAccount(store))!;
const app = buildApp({ store });
const url = await app.listen({ port: 0, host: '127.0.0.1' });
const client = new PrefactorHttpClient({ apiUrl: url, apiToken: account.token });
const browser = await launchChromium();
try {
  for (let i = 0; i < 3; i++) await runScriptedAgent(client);
  const { instance, spans } = await runScriptedAgent(client);
  const open = await client.agentInstances.register({
    agent_version: { name: 'research-agent' },
    agent_schema_version: { external_identifier: 'open' },
  });
  await client.agentInstances.start(open.id);

  const page = await browser.newPage({ viewport: { width: 1360, height: 820 } });
  await page.goto(url);
  await page.getByLabel('API token').fill(account.token);
  await page.getByRole('button', { name: 'Sign in' }).click();
  await page.locator('table.instances tbody tr').first().waitFor();
  await page.screenshot({ path: join(docs, 'viewer-instances.png') });

  const failed = spans.find((s) => s.status === 'failed') ?? spans[0]!;
  await page.goto(`${url}/instances/${instance.id}?span=${failed.id}`);
  await page.getByRole('complementary', { name: 'Span detail' }).getByRole('heading', { level: 2 }).waitFor();
  await page.screenshot({ path: join(docs, 'viewer-instance.png') });

  // The agent pages, from a governed agent: a profile, declarations beyond it, runs at every level.
  // Signed in with an account-scoped token: the first start's is scoped to one deployment.
  const admin = await accountToken(dir);
  const seeded = await seedGovernedAgent(url, admin);
  await page.getByRole('button', { name: 'Sign out' }).click();
  await page.getByLabel('API token').fill(admin);
  await page.getByRole('button', { name: 'Sign in' }).click();
  await page.getByRole('navigation', { name: 'Sections' }).waitFor();
  await page.goto(`${url}/agents`);
  await page.getByRole('row').filter({ hasText: 'support-agent' }).getByText('critical 1').waitFor();
  await page.screenshot({ path: join(docs, 'viewer-agents.png') });
  await page.goto(`${url}/agents/${seeded.agentId}`);
  await page.getByTestId('exceedances').waitFor();
  await page.screenshot({ path: join(docs, 'viewer-agent.png'), fullPage: true });
  await page.goto(`${url}/agents/${seeded.agentId}/schema`);
  await page.getByTestId('risk-card').first().waitFor();
  await page.screenshot({ path: join(docs, 'viewer-agent-schema.png') });
  process.stdout.write(`wrote docs/viewer-{instances,instance,agents,agent,agent-schema}.png in ${docs}\n`);
} finally {
  await browser.close();
  await client.close();
  await app.close();
  await store.close();
  await rm(dir, { recursive: true, force: true });
}
