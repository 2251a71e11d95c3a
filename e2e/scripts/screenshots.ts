// Screenshots of the viewer for the README (docs/viewer-*.png): a demo agent run on a temporary
// SQLite store, its pages in headless Chromium. Run with `npm run screenshots`.
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { runScriptedAgent, seedGovernedAgent } from '@agentspan/cli/demo';
import { PrefactorHttpClient } from '@agentspan/client';
import { bootstrapAccount, buildApp, createToken, openSqliteStore } from '@agentspan/server';
import { CHROMIUM_PATH, launchChromium } from '../test/chromium.js';
import { seedUsageRuns } from '../test/usage-seed.js';

const docs = fileURLToPath(new URL('../../docs/', import.meta.url));
if (!CHROMIUM_PATH) throw new Error('Chromium is not installed: apt-get install -y chromium');

const dir = await mkdtemp(join(tmpdir(), 'agentspan-screenshots-'));
const store = await openSqliteStore({ dataDir: dir });
const account = (await bootstrapAccount(store))!;
const app = buildApp({ store });
const url = await app.listen({ port: 0, host: '127.0.0.1' });
const client = new PrefactorHttpClient({ apiUrl: url, apiToken: account.token });
// Profiles, agents and environments are the account's: an operator's token sets them up, as in the demo.
const admin = await createToken(store, { scope: 'account' });
const operator = new PrefactorHttpClient({ apiUrl: url, apiToken: admin });
const browser = await launchChromium();
try {
  for (let i = 0; i < 3; i++) await runScriptedAgent(client);
  const { instance, spans } = await runScriptedAgent(client);
  const open = await client.agentInstances.register({
    agent_version: { name: 'research-agent' },
    agent_schema_version: { external_identifier: 'open' },
  });
  await client.agentInstances.start(open.id);

  // Signed in with an account-scoped token (the first start's is scoped to one deployment), so every
  // page names what it lists. A governed agent (a profile, declarations beyond it, runs at every
  // level) and a day of runs with token usage (priced and unpriced models, tool failures).
  const seeded = await seedGovernedAgent(operator);
  await seedUsageRuns(url, admin);

  const page = await browser.newPage({ viewport: { width: 1360, height: 820 } });
  await page.goto(url);
  await page.getByLabel('API token').fill(admin);
  await page.getByRole('button', { name: 'Sign in' }).click();
  // Signing in opens the home: the dashboard.
  await page.getByRole('heading', { name: 'Dashboard', level: 1 }).waitFor();
  await page.waitForFunction(() => Array.from(document.querySelectorAll('[data-testid^="stat-"]')).every((n) => n.textContent !== '…'));
  await page.locator('[data-chart="costliest-runs"] tbody tr').first().waitFor();
  await page.screenshot({ path: join(docs, 'viewer-dashboard.png'), fullPage: true });
  await page.goto(`${url}/prices?model=acme-local-llm`);
  await page.locator('table.prices tbody tr').first().waitFor();
  await page.screenshot({ path: join(docs, 'viewer-prices.png') });

  await page.goto(`${url}/instances`);
  await page.locator('table.instances tbody tr').first().waitFor();
  await page.screenshot({ path: join(docs, 'viewer-instances.png') });
  const failed = spans.find((s) => s.status === 'failed') ?? spans[0]!;
  await page.goto(`${url}/instances/${instance.id}?span=${failed.id}`);
  await page.getByRole('complementary', { name: 'Span detail' }).getByRole('heading', { level: 2 }).waitFor();
  await page.screenshot({ path: join(docs, 'viewer-instance.png') });

  await page.goto(`${url}/agents`);
  await page.getByRole('row').filter({ hasText: 'support-agent' }).getByText('critical 1').waitFor();
  await page.screenshot({ path: join(docs, 'viewer-agents.png') });
  await page.goto(`${url}/agents/${seeded.agent.id}`);
  await page.getByTestId('exceedances').waitFor();
  await page.screenshot({ path: join(docs, 'viewer-agent.png'), fullPage: true });
  await page.goto(`${url}/agents/${seeded.agent.id}/schema`);
  await page.getByTestId('risk-card').first().waitFor();
  await page.screenshot({ path: join(docs, 'viewer-agent-schema.png') });

  // The governance pages: the list with risk levels, a risky run's Risk tab, the profile, alerts, account.
  await page.goto(`${url}/instances?agent_id=${seeded.agent.id}`);
  await page.locator('table.instances tbody tr').first().waitFor();
  await page.screenshot({ path: join(docs, 'viewer-governed-instances.png') });
  await page.goto(`${url}/instances/${seeded.runs.critical.id}/risk`);
  await page.getByTestId('risk-score').waitFor();
  await page.screenshot({ path: join(docs, 'viewer-instance-risk.png'), fullPage: true });
  await page.goto(`${url}/risk-profiles`);
  await page.getByRole('link', { name: 'Customer data' }).waitFor();
  await page.screenshot({ path: join(docs, 'viewer-risk-profiles.png') });
  await page.goto(`${url}/risk-profiles/${seeded.profile.id}`);
  await page.getByRole('heading', { name: 'Customer data' }).waitFor();
  await page.screenshot({ path: join(docs, 'viewer-risk-profile.png'), fullPage: true });
  await page.goto(`${url}/alerts`);
  await page.locator('main.alerts-page table.grid tbody tr').first().waitFor();
  await page.screenshot({ path: join(docs, 'viewer-alerts.png') });
  await page.goto(`${url}/account`);
  await page.getByRole('heading', { name: 'Account', level: 1 }).waitFor();
  await page.getByTestId('token-status').first().waitFor();
  await page.screenshot({ path: join(docs, 'viewer-account.png'), fullPage: true });
  process.stdout.write(`wrote docs/viewer-*.png in ${docs}\n`);
} finally {
  await browser.close();
  await client.close();
  await operator.close();
  await app.close();
  await store.close();
  await rm(dir, { recursive: true, force: true });
}
