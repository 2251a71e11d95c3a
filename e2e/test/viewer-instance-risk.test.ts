import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { seedGovernedAgent, type GovernedDemo } from '@agentspan/cli/demo';
import type { InstanceRisk } from '@agentspan/protocol';
import { expectNoSeriousViolations } from './accessibility.js';
import { CHROMIUM_PATH } from './chromium.js';
import { startViewerSession, type ViewerSession } from './viewer-session.js';

describe(
  "an instance's strip and its Activity, Risk and Details tabs in Chromium",
  { skip: CHROMIUM_PATH ? false : 'Chromium is not installed' },
  () => {
    let s: ViewerSession;
    let seeded: GovernedDemo;
    /** The critical run: LLM calls, a web search and refunds, each type scoring differently. */
    let run: string;
    before(async () => {
      s = await startViewerSession('instance-risk');
      seeded = await seedGovernedAgent(s.admin);
      run = seeded.runs.critical.id;
      await s.admin.agentInstances.recordQuality(run, { name: 'resolution', payload: { score: 7 } });
    });
    after(async () => {
      await s?.close();
    });

    it("reads a run's Risk tab whose numbers equal the API's /risk answer, its sum reconciling to the score", async () => {
      const api = (await s.call('GET', `/api/v1/agent_instance/${run}/risk`)).body.details as InstanceRisk;
      assert.equal(api.risk_score, 121);
      assert.equal(api.risk_level, 'critical');
      const page = await s.open(`/instances/${run}/risk`);
      await page.getByTestId('risk-score').waitFor();
      assert.equal(await page.getByTestId('risk-score').innerText(), String(api.risk_score));
      assert.equal(await page.getByTestId('risk-sum').innerText(), String(api.risk_score));
      assert.equal(await page.getByRole('tab', { name: 'Risk' }).getAttribute('aria-selected'), 'true');
      for (const row of api.span_types) {
        const cells = await page.locator(`tr[data-span-type="${row.span_type}"] td`).allInnerTexts();
        assert.equal(cells[0], String(row.span_count), row.span_type);
        assert.equal(cells[1], `${Math.round(row.share * 100 * 1000) / 1000} %`, row.span_type);
        const { categories, actions } = seeded.profile;
        const weights = row.categories.map((c) => categories[c].weight).join(' + ');
        const multipliers = row.actions.map((a) => actions[a].multiplier).join(' + ');
        assert.equal(cells[4], `(${weights}) × (${multipliers}) = ${row.score_per_span}`, row.span_type);
        assert.equal(cells[5], String(row.points), row.span_type);
      }
      assert.equal(await page.locator('tr[data-span-type]').count(), api.span_types.length);
      assert.match(await page.getByTestId('risk-thresholds').innerText(), /medium from 20, high from 60, critical from 120/);
      await expectNoSeriousViolations(page);
      await page.screenshot({ path: '/tmp/shot-instance-risk.png', fullPage: true });

      // The strip: version, environment, purpose, quality, and the level linked to the profile.
      const strip = page.locator('.instance-header');
      assert.match(await strip.innerText(), /Version\s+2\.0\.0/);
      assert.match(await strip.innerText(), /Environment\s+staging/);
      assert.match(await strip.innerText(), /Purpose\s+live/);
      assert.match(await strip.innerText(), /Quality: resolution\s+7 of 10/);
      assert.equal(await page.getByTestId('instance-risk').innerText(), '121 ▇ critical');
      // The mark is hidden from screen readers: the link reads "121 critical".
      await page.getByRole('link', { name: '121 critical' }).click();
      await page.getByRole('heading', { name: 'Customer data' }).waitFor();
      assert.equal(new URL(page.url()).pathname, `/risk-profiles/${seeded.profile.id}`);
      await page.close();
    });

    it('moves between tabs by keyboard, each with its own URL; Details names what produced the run', async () => {
      const page = await s.open(`/instances/${run}`);
      await page.getByRole('tree', { name: 'Spans' }).waitFor();
      await page.getByRole('tab', { name: 'Activity' }).focus();
      await page.keyboard.press('ArrowRight');
      await page.getByTestId('risk-score').waitFor();
      assert.equal(new URL(page.url()).pathname, `/instances/${run}/risk`);
      await page.keyboard.press('ArrowRight');
      await page.getByRole('heading', { name: 'What produced this run' }).waitFor();
      assert.equal(new URL(page.url()).pathname, `/instances/${run}/details`);
      assert.equal(await page.evaluate(() => document.activeElement?.textContent), 'Details');
      const details = await page.getByRole('tabpanel').innerText();
      const instance = (await s.client.agentInstances.get(run)) as { agent_schema_version_id: string; agent_version_id: string };
      assert.match(details, new RegExp(`Schema version\\s+${instance.agent_schema_version_id}`));
      assert.match(details, /Agent\s+support-agent/);
      assert.match(details, /Version identifier\s+2\.0\.0/);
      assert.match(details, /"score": 7/);
      await expectNoSeriousViolations(page);
      await page.screenshot({ path: '/tmp/shot-instance-details.png', fullPage: true });
      await page.goBack();
      await page.getByTestId('risk-score').waitFor();
      await page.keyboard.press('Home');
      await page.getByRole('tree', { name: 'Spans' }).waitFor();

      // The selected span's detail carries its type's risk level.
      const llm = page.getByRole('treeitem').filter({ hasText: 'gpt-4o-mini' }).first();
      await llm.click();
      const detail = page.getByRole('complementary', { name: 'Span detail' });
      await detail.getByText('Risk: 12').waitFor();
      assert.match(await detail.locator('.span-risk').innerText(), /Risk: 12 ▁ low/);
      await expectNoSeriousViolations(page);
      await page.screenshot({ path: '/tmp/shot-instance-activity.png', fullPage: true });
      await page.close();
    });

    it('explains a run that is not assessed, and shows who terminated a run and why', async () => {
      const agent = await s.call('POST', '/api/v1/agent', { details: { name: 'unprofiled-agent' } });
      const agentId = (agent.body.details as { id: string }).id;
      const registered = await s.call('POST', '/api/v1/agent_instance/register', {
        agent_id: agentId,
        environment_id: s.account.environmentId,
        agent_version: { name: 'v1' },
        // Declarations a profile could score; without a profile there is nothing to score them by.
        agent_schema_version: {
          external_identifier: 'unprofiled-schemas@1',
          span_type_schemas: [
            {
              name: 'crm:lookup',
              title: 'CRM lookup',
              params_schema: { type: 'object' },
              template: '{{customer}}',
              data_risk: { params_data_categories: { personal_identifiers: 'included' }, action_profile: { read_data: 'allowed' } },
            },
          ],
        },
      });
      assert.equal(registered.status, 201, JSON.stringify(registered.body));
      const runId = (registered.body.details as { id: string }).id;
      await s.call('POST', `/api/v1/agent_instance/${runId}/start`, {});
      const terminated = await s.call('POST', `/api/v1/agent_instance/${runId}/terminate`, { reason: 'looping on the CRM' });
      const tokenId = ((terminated.body.details as { terminated_by: { token_id: string } }).terminated_by ?? {}).token_id;
      assert.ok(tokenId);

      const page = await s.open(`/instances/${runId}/risk`);
      await page.getByRole('heading', { name: 'Not assessed' }).waitFor();
      assert.match(await page.getByRole('tabpanel').innerText(), /has no risk profile/);
      assert.equal(await page.getByTestId('instance-risk').innerText(), 'not assessed');
      assert.match(await page.getByTestId('instance-status').innerText(), new RegExp(`terminated: looping on the CRM \\(by token ${tokenId}\\)`));
      await expectNoSeriousViolations(page);
      await page.close();
    });
  },
);
