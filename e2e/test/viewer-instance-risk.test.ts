import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { InstanceRisk } from '@agentspan/protocol';
import { expectNoSeriousViolations } from './accessibility.js';
import { CHROMIUM_PATH } from './chromium.js';
import { GOVERNED_SCHEMA, seedGovernedRuns, type GovernedRuns } from './governed-seed.js';
import { startViewerSession, type ViewerSession } from './viewer-session.js';

describe(
  "an instance's strip and its Activity, Risk and Details tabs in Chromium",
  { skip: CHROMIUM_PATH ? false : 'Chromium is not installed' },
  () => {
    let s: ViewerSession;
    let seeded: GovernedRuns;
    before(async () => {
      s = await startViewerSession('instance-risk');
      seeded = await seedGovernedRuns(s);
      await s.client.agentInstances.recordQuality(seeded.high, { name: 'quality', payload: { score: 7 } });
    });
    after(async () => {
      await s?.close();
    });

    it("reads a run's Risk tab whose numbers equal the API's /risk answer, its sum reconciling to the score", async () => {
      const api = (await s.call('GET', `/api/v1/agent_instance/${seeded.high}/risk`)).body.details as InstanceRisk;
      assert.equal(api.risk_score, 44);
      assert.equal(api.risk_level, 'high');
      const page = await s.open(`/instances/${seeded.high}/risk`);
      await page.getByTestId('risk-score').waitFor();
      assert.equal(await page.getByTestId('risk-score').innerText(), String(api.risk_score));
      assert.equal(await page.getByTestId('risk-sum').innerText(), String(api.risk_score));
      assert.equal(await page.getByRole('tab', { name: 'Risk' }).getAttribute('aria-selected'), 'true');
      for (const row of api.span_types) {
        const cells = await page.locator(`tr[data-span-type="${row.span_type}"] td`).allInnerTexts();
        assert.equal(cells[0], String(row.span_count), row.span_type);
        assert.equal(cells[1], `${Math.round(row.share * 100 * 1000) / 1000} %`, row.span_type);
        assert.equal(
          cells[4],
          `(${row.categories.length === 2 ? '8 + 4' : '4'}) × (${row.actions.includes('read_data') ? '1' : '2'}) = ${row.score_per_span}`,
        );
        assert.equal(cells[5], String(row.points), row.span_type);
      }
      assert.equal(await page.locator('tr[data-span-type]').count(), api.span_types.length);
      assert.match(await page.getByTestId('risk-thresholds').innerText(), /medium from 20, high from 40, critical from 80/);
      await expectNoSeriousViolations(page);
      await page.screenshot({ path: '/tmp/shot-instance-risk.png', fullPage: true });

      // The strip: version, environment, purpose, quality, and the level linked to the profile.
      const strip = page.locator('.instance-header');
      assert.match(await strip.innerText(), /Version\s+2\.0\.0/);
      assert.match(await strip.innerText(), /Environment\s+default/);
      assert.match(await strip.innerText(), /Purpose\s+live/);
      assert.match(await strip.innerText(), /Quality: quality\s+7 of 10/);
      assert.equal(await page.getByTestId('instance-risk').innerText(), '44 ▅ high');
      // The mark is hidden from screen readers: the link reads "44 high".
      await page.getByRole('link', { name: '44 high' }).click();
      await page.getByRole('heading', { name: 'Customer data' }).waitFor();
      assert.equal(new URL(page.url()).pathname, `/risk-profiles/${seeded.profileId}`);
      await page.close();
    });

    it('moves between tabs by keyboard, each with its own URL; Details names what produced the run', async () => {
      const page = await s.open(`/instances/${seeded.high}`);
      await page.getByRole('tree', { name: 'Spans' }).waitFor();
      await page.getByRole('tab', { name: 'Activity' }).focus();
      await page.keyboard.press('ArrowRight');
      await page.getByTestId('risk-score').waitFor();
      assert.equal(new URL(page.url()).pathname, `/instances/${seeded.high}/risk`);
      await page.keyboard.press('ArrowRight');
      await page.getByRole('heading', { name: 'What produced this run' }).waitFor();
      assert.equal(new URL(page.url()).pathname, `/instances/${seeded.high}/details`);
      assert.equal(await page.evaluate(() => document.activeElement?.textContent), 'Details');
      const details = await page.getByRole('tabpanel').innerText();
      const instance = (await s.client.agentInstances.get(seeded.high)) as { agent_schema_version_id: string; agent_version_id: string };
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
      const crm = page.getByRole('treeitem').filter({ hasText: 'customer 1' });
      await crm.click();
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
        agent_schema_version: GOVERNED_SCHEMA,
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
