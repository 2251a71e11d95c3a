import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { Page } from 'playwright-core';
import { expectNoSeriousViolations } from './accessibility.js';
import { CHROMIUM_PATH } from './chromium.js';
import { seedGovernedAgent, type GovernedDemo } from '@agentspan/cli/demo';
import { startViewerSession, type ViewerSession } from './viewer-session.js';

describe(
  'the Agent page in Chromium against agentspan serve',
  { skip: CHROMIUM_PATH ? false : 'Chromium is not installed (apt-get install -y chromium)' },
  () => {
    let session: ViewerSession;
    let seeded: GovernedDemo;
    let agentPath: string;
    before(async () => {
      session = await startViewerSession('agent');
      seeded = await seedGovernedAgent(session.admin);
      agentPath = `/agents/${seeded.agent.id}`;
    });
    after(async () => {
      await session?.close();
    });

    const tab = (page: Page, name: string) => page.getByRole('navigation', { name: 'Agent sections' }).getByRole('link', { name });
    const instanceRows = (page: Page) => page.getByTestId('agent-instances').locator('tbody tr');

    it('shows the strip, runs by risk level linking to those runs, and where each version is current', async () => {
      const page = await session.open(agentPath);
      await page.getByRole('heading', { name: 'support-agent', level: 1 }).waitFor();
      const strip = page.locator('header.strip');
      assert.match(await strip.innerText(), new RegExp(seeded.agent.id));
      assert.equal(await page.getByTestId('agent-status').innerText(), 'active');
      // The profile is named once the profiles are read; until then its id stands in.
      await page.getByTestId('agent-profile').getByText('Customer data', { exact: true }).waitFor();
      const snapshot = await page.getByTestId('deployment-snapshot').innerText();
      assert.match(snapshot, /production: 1\.0\.0 since/);
      assert.match(snapshot, /staging: 2\.0\.0 since/);
      assert.equal(await tab(page, 'Overview').getAttribute('aria-current'), 'page');

      await page.getByRole('link', { name: 'high 1' }).click();
      await page.waitForURL(/\/instances\?risk_level=high$/);
      await instanceRows(page).first().waitFor();
      assert.equal(await instanceRows(page).count(), 1);
      assert.match(await instanceRows(page).first().innerText(), /production[\s\S]*failed[\s\S]*1\.0\.0[\s\S]*live[\s\S]*high/);
      assert.equal(await page.getByRole('combobox', { name: 'Risk level' }).inputValue(), 'high');
      await page.close();
    });

    it('fills its tabs from the seeded runs: exceedances, versions, schemas with validity, deployment history', async () => {
      const page = await session.open(agentPath);
      const exceedances = page.getByTestId('exceedances');
      await exceedances.waitFor();
      assert.match(await exceedances.innerText(), /tool:refund\s+category\s+health and medical/);
      assert.match(await exceedances.innerText(), /tool:refund\s+action\s+update data/);
      assert.doesNotMatch(await exceedances.innerText(), /financial/, 'what the profile includes is no exceedance');
      assert.match(await page.getByTestId('rollup').innerText(), /Without risk data\s+agent:run\s+agent:run/);

      await tab(page, 'Versions').click();
      await page.waitForURL(/\/versions$/);
      const versions = page.getByTestId('agent-versions');
      await versions.waitFor();
      // Each version with the environments it is current in (named once the environments are read).
      await versions.locator('tbody tr', { hasText: /^2\.0\.0\s*staging(?!,)/ }).waitFor();
      await versions.locator('tbody tr', { hasText: /^1\.0\.0\s*production(?!,)/ }).waitFor();
      assert.equal(await versions.locator('tbody tr').count(), 2);

      await tab(page, 'Activity schema').click();
      const schemaVersion = page.getByRole('combobox', { name: 'Schema version' });
      const choose = async (externalIdentifier: string) =>
        schemaVersion.selectOption(await schemaVersion.locator('option', { hasText: externalIdentifier }).getAttribute('value'));
      await choose('support-agent-schemas@2.0.0');
      const refund = page.locator('[data-span-type="tool:refund"]');
      await refund.waitFor();
      assert.match(await refund.innerText(), /Params schema: ✓ Valid/);
      assert.match(await refund.getByTestId('risk-card').innerText(), /Classification in\s+restricted/);
      assert.match(await refund.getByTestId('risk-card').innerText(), /Actions allowed\s+financial transactions, update data/);

      await tab(page, 'Deployments').click();
      const staging = page.locator(`article.deployment[data-environment="${seeded.environments.staging}"]`);
      await staging.waitFor();
      assert.match(await staging.innerText(), /staging: 2\.0\.0\s+2\.0\.0 from .*\s+1\.0\.0 from/);

      // A schema version whose span type does not compile (on the other agent, leaving this one's
      // newest schema version as it was): the tab names it invalid, and why.
      const created = await session.call('POST', '/api/v1/agent_schema_version', {
        details: {
          agent_id: session.account.agentId,
          external_identifier: 'broken-schemas',
          span_type_schemas: [
            { name: 'tool:broken', title: 'A type whose schema does not compile', params_schema: { type: 'nonsense' }, template: null },
          ],
        },
      });
      assert.ok(created.status < 300, JSON.stringify(created.body));
      await page.goto(`${session.url}/agents/${session.account.agentId}/schema`);
      await choose('broken-schemas');
      const broken = page.locator('[data-span-type="tool:broken"]');
      await broken.waitFor();
      assert.match(await broken.innerText(), /Params schema: ✗ Invalid: schema is invalid/);
      await page.close();
    });

    it("shows each version's declared and observed risk, runs by level and runtime as the API answers them", async () => {
      type Side = { highest_classification: string | null; span_types_with_risk_data: string[]; total_span_types: number };
      type Version = {
        id: string;
        sdk: string | null;
        risk_rollup: { theoretical: Side; observed: Side };
        risk_distribution: Record<'low' | 'medium' | 'high' | 'critical' | 'not_assessed', number>;
      };
      const { url } = session;
      const listed = (await session.call('GET', `/api/v1/agent_version?agent_id=${seeded.agent.id}`)).body as { summaries: Version[] };
      assert.equal(listed.summaries.length, 2);
      const page = await session.open(`${agentPath}/versions`);
      const versions = page.getByTestId('agent-versions');
      for (const { id } of listed.summaries) {
        const { details: v } = (await session.call('GET', `/api/v1/agent_version/${id}?include_risk_rollup=true`)).body as {
          details: Version;
        };
        const row = versions.locator(`tr[data-id="${id}"]`);
        assert.equal(await row.getByTestId('version-runtime').innerText(), v.sdk ?? 'not reported');
        for (const [side, testId] of [
          [v.risk_rollup.theoretical, 'version-theoretical'],
          [v.risk_rollup.observed, 'version-observed'],
        ] as const) {
          const text = await row.getByTestId(testId).innerText();
          assert.match(text, new RegExp(`^${side.highest_classification ?? 'none declared'}`));
          assert.match(text, new RegExp(`${side.span_types_with_risk_data.length} of ${side.total_span_types} span types with risk data`));
        }
        const d = v.risk_distribution;
        assert.match(
          await row.getByTestId('risk-distribution').innerText(),
          new RegExp(`low ${d.low}\\s+medium ${d.medium}\\s+high ${d.high}\\s+critical ${d.critical}\\s+not assessed ${d.not_assessed}`),
        );
      }
      // The runs of 1.0.0 and of 2.0.0 are told apart: together they are the agent's.
      const agent = (await session.call('GET', `/api/v1/agent/show?agent_id=${seeded.agent.id}&include_risk_rollup=true`)).body as {
        details: { risk_distribution: { runs_scored: number } };
      };
      let scored = 0;
      for (const { id } of listed.summaries) {
        scored += (
          (await session.call('GET', `/api/v1/agent_version/${id}?include_risk_rollup=true`)).body as {
            details: { risk_distribution: { runs_scored: number } };
          }
        ).details.risk_distribution.runs_scored;
      }
      assert.equal(scored, agent.details.risk_distribution.runs_scored);

      // An agent whose run registered with X-Prefactor-SDK shows that runtime on its version.
      const other = (await session.call('POST', '/api/v1/agent', { details: { name: 'runtime-agent' } })).body as {
        details: { id: string };
      };
      const registered = await fetch(`${url}/api/v1/agent_instance/register`, {
        method: 'POST',
        headers: {
          authorization: `Bearer ${session.token}`,
          'content-type': 'application/json',
          'x-prefactor-sdk': '@x/tracer@2.1.0 @x/client@2.1.0',
        },
        body: JSON.stringify({
          agent_id: other.details.id,
          environment_id: seeded.environments.production,
          agent_version: { name: '3.0.0', external_identifier: '3.0.0' },
          agent_schema_version: { external_identifier: 'runtime-schema' },
        }),
      });
      assert.equal(registered.status, 201, await registered.text());
      await page.goto(`${url}/agents/${other.details.id}/versions`);
      const runtime = page.getByTestId('agent-versions').getByTestId('version-runtime');
      await runtime.waitFor();
      assert.equal(await runtime.innerText(), '@x/tracer@2.1.0 @x/client@2.1.0');
      await page.close();
    });

    it('deletes an agent that never ran from its page, after confirming, and it is gone from the list', async () => {
      const { url } = session;
      const made = (await session.call('POST', '/api/v1/agent', { details: { name: 'doomed-agent' } })).body as {
        details: { id: string };
      };
      const page = await session.open(`/agents/${made.details.id}`);
      await page.getByRole('heading', { name: 'doomed-agent', level: 1 }).waitFor();
      await page.getByRole('button', { name: 'Delete', exact: true }).click();
      // Nothing is deleted until it is confirmed.
      assert.equal((await fetch(`${url}/api/v1/agent/${made.details.id}`, { headers: { authorization: `Bearer ${session.token}` } })).status, 200);
      await page.getByRole('button', { name: 'Delete for good' }).click();
      await page.waitForURL(/\/agents(\?.*)?$/);
      const table = page.locator('table.agents');
      await table.getByRole('rowheader').first().waitFor();
      assert.equal(await table.getByRole('rowheader', { name: 'doomed-agent' }).count(), 0);
      assert.ok((await table.getByRole('rowheader').count()) > 0, 'the other agents are still listed');
      assert.equal((await fetch(`${url}/api/v1/agent/${made.details.id}`, { headers: { authorization: `Bearer ${session.token}` } })).status, 404);
      await page.close();
    });

    it('creates a deployment token shown once, and a revoked one is refused by the API', async () => {
      const page = await session.open(`${agentPath}/deployments`);
      await page.getByRole('region', { name: 'Deployment tokens' }).getByRole('combobox', { name: 'Environment' }).selectOption({ label: 'staging' });
      await page.getByRole('button', { name: 'Create token' }).click();
      const secret = (await page.getByTestId('issued-token').innerText()).trim();
      assert.match(secret, /^as_/);
      const tokens = page.getByTestId('deployment-tokens');
      await tokens.locator('tbody tr').first().waitFor();
      const listed = (await session.call('GET', '/api/v1/api_token')).body as {
        details: Array<{ id: string; agent_id: string; environment_id: string }>;
      };
      const made = listed.details.find((t) => t.agent_id === seeded.agent.id && t.environment_id === seeded.environments.staging)!;
      const use = async () =>
        (await fetch(`${session.url}/api/v1/agent_instance?limit=1`, { headers: { authorization: `Bearer ${secret}` } })).status;
      assert.equal(await use(), 200);

      const row = tokens.locator(`tr[data-id="${made.id}"]`);
      await row.getByRole('button', { name: `Suspend token ${made.id}` }).click();
      await row.getByTestId('token-status').getByText('suspended', { exact: true }).waitFor();
      assert.equal(await use(), 401);
      await row.getByRole('button', { name: `Activate token ${made.id}` }).click();
      await row.getByTestId('token-status').getByText('active', { exact: true }).waitFor();
      assert.equal(await use(), 200);
      await row.getByRole('button', { name: `Revoke token ${made.id}` }).click();
      await row.getByTestId('token-status').getByText('revoked', { exact: true }).waitFor();
      assert.equal(await use(), 401);
      await page.reload();
      await tokens.waitFor();
      assert.equal(await page.getByTestId('issued-token').count(), 0, 'the secret is not shown again');
      await row.getByRole('button', { name: `Delete token ${made.id}` }).click();
      await row.waitFor({ state: 'detached' });
      await page.close();
    });

    it('edits the agent: a refusal on its field, then a new name and profile; retires and reinstates from the keyboard', async () => {
      const other = (
        await session.call('POST', '/api/v1/risk_profile', { details: { name: 'Strict', thresholds: { medium: 1, high: 2, critical: 3 } } })
      ).body as { details: { id: string } };
      const page = await session.open(agentPath);
      await page.getByRole('button', { name: 'Edit' }).click();
      const form = page.getByRole('form', { name: 'Edit agent' });
      await form.getByLabel('Name').fill('');
      await form.getByRole('button', { name: 'Save' }).click();
      await form.locator('#edit-name-error').waitFor();
      assert.match(await form.locator('#edit-name-error').innerText(), /fewer than 1 characters/);
      await form.getByLabel('Name').fill('support-agent-2');
      await form.getByLabel('Risk profile').selectOption({ label: 'Strict' });
      await form.getByRole('button', { name: 'Save' }).click();
      await page.getByRole('heading', { name: 'support-agent-2', level: 1 }).waitFor();
      await page.getByTestId('agent-profile').getByText('Strict').waitFor();
      const stored = await session.admin.agents.get(seeded.agent.id);
      assert.deepEqual([stored.name, stored.risk_profile_id], ['support-agent-2', other.details.id]);

      await page.getByRole('button', { name: 'Retire' }).focus();
      await page.keyboard.press('Enter');
      await page.getByTestId('agent-status').getByText('retired').waitFor();
      assert.equal(await page.getByRole('button', { name: 'Retire' }).count(), 0);
      await page.getByRole('button', { name: 'Reinstate' }).focus();
      await page.keyboard.press('Enter');
      await page.getByTestId('agent-status').getByText('active').waitFor();

      // The tabs are links: Tab reaches them, Enter opens one.
      await tab(page, 'Instances').focus();
      await page.keyboard.press('Enter');
      await page.waitForURL(/\/instances$/);
      await instanceRows(page).first().waitFor();
      await page.close();
    });

    it('follows the environment chosen in the header: runs, their risk and the instances tab', async () => {
      const page = await session.open(`${agentPath}/instances`);
      await instanceRows(page).nth(4).waitFor();
      assert.equal(await instanceRows(page).count(), 5);
      await page.getByRole('banner').getByRole('combobox', { name: 'Environment' }).selectOption({ label: 'staging' });
      await page.waitForFunction(() => document.querySelectorAll('[data-testid=agent-instances] tbody tr').length === 2);
      for (const text of await instanceRows(page).allInnerTexts()) assert.match(text, /staging/);
      assert.equal(new URL(page.url()).searchParams.get('environment_id'), seeded.environments.staging);
      // The tab's own environment filter is the same scope.
      assert.equal(await page.getByRole('search').getByRole('combobox', { name: 'Environment' }).inputValue(), seeded.environments.staging);
      await page.getByRole('search').getByRole('combobox', { name: 'Environment' }).selectOption({ label: 'production' });
      await page.waitForFunction(() => document.querySelectorAll('[data-testid=agent-instances] tbody tr').length === 3);
      assert.equal(await page.getByRole('banner').getByRole('combobox', { name: 'Environment' }).inputValue(), seeded.environments.production);
      await page.close();
    });

    it('has no serious or critical accessibility violation on any tab', async () => {
      const page = await session.open(agentPath);
      for (const [name, ready] of [
        ['Overview', 'rollup'],
        ['Instances', 'agent-instances'],
        ['Versions', 'agent-versions'],
        ['Activity schema', 'risk-card'],
        ['Deployments', 'deployment-snapshot'],
      ] as const) {
        await tab(page, name).click();
        await page.getByTestId(ready).first().waitFor();
        await expectNoSeriousViolations(page);
      }
      await page.close();
    });
  },
);
