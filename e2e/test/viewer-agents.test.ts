import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { Page } from 'playwright-core';
import { expectNoSeriousViolations } from './accessibility.js';
import { CHROMIUM_PATH } from './chromium.js';
import { seedGovernedAgent, type GovernedDemo } from '@agentspan/cli/demo';
import { startViewerSession, type ViewerSession } from './viewer-session.js';

/** An activity answer of the aggregate's shape: `counts` for the hour before last. */
const activityAnswer = (subject: 'spans' | 'runs', counts: Record<string, number>) => {
  const to = Date.now();
  const buckets = Array.from({ length: 24 }, (_, i) => ({
    start: new Date(to - (24 - i) * 3600_000).toISOString(),
    counts: i === 22 ? counts : {},
  }));
  return {
    status: 'success',
    details: {
      subject,
      from: buckets[0]!.start,
      to: new Date(to).toISOString(),
      bucket: 'hour',
      statuses: Object.keys(counts),
      buckets,
      totals: counts,
    },
  };
};

describe(
  'the Agents page in Chromium against agentspan serve',
  { skip: CHROMIUM_PATH ? false : 'Chromium is not installed (apt-get install -y chromium)' },
  () => {
    let session: ViewerSession;
    let seeded: GovernedDemo;
    before(async () => {
      session = await startViewerSession('agents');
      seeded = await seedGovernedAgent(session.admin);
    });
    after(async () => {
      await session?.close();
    });

    const row = (page: Page, name: string) => page.getByRole('row').filter({ has: page.getByRole('rowheader', { name }) });

    it('lists the agents with status, description, profile, runs by risk and last run; says when activity is unavailable', async () => {
      const page = await session.open('/agents');
      await page.route('**/api/v1/activity?*', (route) =>
        route.fulfill({ status: 404, contentType: 'application/json', body: '{"status":"error","code":"not_found","message":"no route"}' }),
      );
      await page.reload();
      const support = row(page, 'support-agent');
      await support.getByRole('link', { name: 'Customer data' }).waitFor();
      const text = await support.innerText();
      assert.match(text, /active/);
      assert.match(text, /Answers customer tickets and issues refunds/);
      await support.getByText('critical 1').waitFor();
      assert.match(await support.getByTestId('risk-distribution').innerText(), /low 1\s+medium 1\s+high 1\s+critical 1/);
      assert.notEqual(await support.getByRole('cell').last().innerText(), 'never');
      assert.match(await row(page, 'default agent').innerText(), /pending[\s\S]*none[\s\S]*never/);
      await page.getByTestId('activity-unavailable').waitFor();
      assert.equal(
        await page.getByRole('navigation', { name: 'Sections' }).getByRole('link', { name: 'Agents' }).getAttribute('aria-current'),
        'page',
      );
      await page.close();
    });

    it("draws the aggregate as stacked bars; each row's runs and failures in 24 h equal the API's", async () => {
      const page = await session.open('/agents');
      const agentId = seeded.agent.id;
      await page.route('**/api/v1/activity?*', (route) =>
        route.fulfill({
          status: 200,
          contentType: 'application/json',
          body: JSON.stringify(activityAnswer('spans', { complete: 12, failed: 3, active: 2 })),
        }),
      );
      await page.reload();
      const chart = page.getByRole('img', { name: /Spans in the last 24 hours by status/ });
      await chart.waitFor();
      assert.equal(await chart.getAttribute('aria-label'), 'Spans in the last 24 hours by status: 12 complete, 3 failed, 2 active');
      assert.equal(await chart.locator('rect').count(), 3);
      // The rows come with the list's summaries, not from the chart's aggregate: the same counts.
      const runs = (await session.call('GET', '/api/v1/activity?subject=runs&group_by=agent_id')).body as {
        details: { groups: Array<{ agent_id: string; totals: Record<string, number> }> };
      };
      const totals = runs.details.groups.find((g) => g.agent_id === agentId)!.totals;
      const all = Object.values(totals).reduce((a, b) => a + b, 0);
      assert.ok(all > 0, 'the seeded agent ran in the last day');
      const cells = row(page, 'support-agent').getByRole('cell');
      await row(page, 'support-agent').getByTestId('risk-distribution').waitFor();
      assert.equal(await cells.nth(3).innerText(), String(all));
      assert.equal(await cells.nth(4).innerText(), String(totals.failed ?? 0));
      await page.close();
    });

    it('registers an agent: the refusal is shown on its field, then the agent opens with its profile', async () => {
      const page = await session.open('/agents');
      const form = page.getByRole('form', { name: 'Register agent' });
      await form.getByRole('button', { name: 'Register' }).click();
      const nameError = form.locator('#agent-name-error');
      await nameError.waitFor();
      assert.match(await nameError.innerText(), /fewer than 1 characters/);
      assert.equal(await form.getByLabel('Name').getAttribute('aria-invalid'), 'true');
      const agents = (await session.call('GET', '/api/v1/agent')).body as { summaries: unknown[] };
      assert.equal(agents.summaries.length, 2, 'nothing is created by a refused request');

      await form.getByLabel('Name').fill('triage-agent');
      await form.getByLabel('Description').fill('Sorts incoming tickets');
      await form.getByLabel('Risk profile').selectOption({ label: 'Customer data' });
      await form.getByRole('button', { name: 'Register' }).click();
      await page.getByRole('heading', { name: 'triage-agent', level: 1 }).waitFor();
      assert.match(page.url(), /\/agents\/[0-9a-z]+$/);
      // The profile is named once the profiles are read; until then its id stands in.
      await page.getByTestId('agent-profile').getByText('Customer data', { exact: true }).waitFor();
      const id = page.url().split('/').at(-1)!;
      const stored = await session.admin.agents.get(id);
      assert.equal(stored.risk_profile_id, seeded.profile.id);
      await page.close();
    });

    it('follows the environment chosen in the header, and keeps it across links', async () => {
      const page = await session.open('/agents');
      const support = row(page, 'support-agent');
      await support.getByText('critical 1').waitFor();
      await page.getByRole('combobox', { name: 'Environment' }).selectOption({ label: 'staging' });
      await support.getByText('not assessed 0').waitFor();
      await support.getByTestId('risk-distribution').getByText('high 0').waitFor();
      assert.match(await support.getByTestId('risk-distribution').innerText(), /low 1\s+medium 0\s+high 0\s+critical 1/);
      assert.equal(new URL(page.url()).searchParams.get('environment_id'), seeded.environments.staging);
      await support.getByRole('link', { name: 'support-agent' }).click();
      await page.getByRole('heading', { name: 'support-agent', level: 1 }).waitFor();
      await page.waitForFunction((id) => new URL(location.href).searchParams.get('environment_id') === id, seeded.environments.staging);
      assert.equal(await page.getByRole('combobox', { name: 'Environment' }).inputValue(), seeded.environments.staging);
      await page.close();
    });

    it('works from the keyboard: the header links and the register form', async () => {
      const page = await session.open('/');
      await page.getByRole('navigation', { name: 'Sections' }).getByRole('link', { name: 'Agents' }).focus();
      await page.keyboard.press('Enter');
      await page.getByRole('heading', { name: 'Agents', level: 1 }).waitFor();
      await page.getByRole('form', { name: 'Register agent' }).getByLabel('Name').focus();
      await page.keyboard.type('keyboard-agent');
      await page.keyboard.press('Tab');
      await page.keyboard.type('typed, never clicked');
      await page.keyboard.press('Tab');
      assert.equal(await page.evaluate(() => document.activeElement?.id), 'agent-profile');
      await page.keyboard.press('Tab');
      await page.keyboard.press('Enter');
      await page.getByRole('heading', { name: 'keyboard-agent', level: 1 }).waitFor();
      await page.close();
    });

    it('has no serious or critical accessibility violation', async () => {
      const page = await session.open('/agents');
      await row(page, 'support-agent').getByText('critical 1').waitFor();
      await expectNoSeriousViolations(page);
      await page.getByRole('form', { name: 'Register agent' }).getByRole('button', { name: 'Register' }).click();
      await page.locator('#agent-name-error').waitFor();
      await expectNoSeriousViolations(page);
      await page.close();
    });
  },
);
