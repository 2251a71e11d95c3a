import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { seedGovernedAgent } from '@agentspan/cli/demo';
import { expectNoSeriousViolations } from './accessibility.js';
import { CHROMIUM_PATH } from './chromium.js';
import { startViewerSession, type ViewerSession } from './viewer-session.js';

describe('the instance list with its names and filters in Chromium', { skip: CHROMIUM_PATH ? false : 'Chromium is not installed' }, () => {
  let s: ViewerSession;
  /** The governed agent's runs by level. */
  let seeded: { low: string; medium: string; high: string; critical: string };
  before(async () => {
    s = await startViewerSession('instances');
    const { runs } = await seedGovernedAgent(s.admin);
    seeded = { low: runs.low.id, medium: runs.medium.id, high: runs.high.id, critical: runs.critical.id };
  });
  after(async () => {
    await s?.close();
  });

  const shownIds = (page: import('playwright-core').Page) =>
    page.locator('table.instances tbody tr').evaluateAll((rows) => rows.map((r) => r.getAttribute('data-id')));

  it('names each run’s agent, version, environment, purpose and risk level', async () => {
    const page = await s.open('/instances');
    await page.locator(`tr[data-id="${seeded.critical}"]`).waitFor();
    const cells = async (id: string) => (await page.locator(`tr[data-id="${id}"] td`).allInnerTexts()).slice(1, 7);
    // Version names come from the agent's versions, read once.
    await page.locator(`tr[data-id="${seeded.critical}"] td`).nth(3).getByText('2.0.0').waitFor();
    assert.deepEqual(await cells(seeded.critical), ['support-agent', '✓ complete', '2.0.0', 'staging', 'live', '▇ critical']);
    assert.deepEqual(await cells(seeded.low), ['support-agent', '✓ complete', '1.0.0', 'staging', 'live', '▁ low']);
    assert.deepEqual(await cells(seeded.medium), ['support-agent', '✓ complete', '1.0.0', 'production', 'live', '▃ medium']);
    assert.deepEqual(await cells(seeded.high), ['support-agent', '✗ failed', '1.0.0', 'production', 'live', '▅ high']);
    await expectNoSeriousViolations(page);
    await page.screenshot({ path: '/tmp/shot-instances.png', fullPage: true });
    await page.close();
  });

  it('filters by risk level with the keyboard, as the API does, and by version, environment and purpose', async () => {
    const page = await s.open('/instances');
    await page.locator(`tr[data-id="${seeded.low}"]`).waitFor();
    await page.getByRole('checkbox', { name: 'high' }).focus();
    await page.keyboard.press('Space');
    await page.keyboard.press('Tab');
    await page.keyboard.press('Space');
    await page.waitForFunction(() => document.querySelectorAll('table.instances tbody tr').length === 2);
    assert.equal(new URL(page.url()).searchParams.get('risk_level'), 'high,critical');
    const api = (await s.call('GET', '/api/v1/agent_instance?risk_level=high,critical')).body.details as Array<{ id: string }>;
    assert.deepEqual(
      await shownIds(page),
      api.map((i) => i.id),
    );
    assert.deepEqual(new Set(await shownIds(page)), new Set([seeded.high, seeded.critical]));
    await expectNoSeriousViolations(page);

    // The filters live in the URL: a reload (or a link from elsewhere) opens the same list.
    await page.reload();
    await page.waitForFunction(() => document.querySelectorAll('table.instances tbody tr').length === 2);
    assert.equal(await page.getByRole('checkbox', { name: 'critical' }).isChecked(), true);
    await page.getByRole('checkbox', { name: 'high' }).uncheck();
    await page.getByRole('checkbox', { name: 'critical' }).uncheck();
    await page.locator(`tr[data-id="${seeded.low}"]`).waitFor();

    await page.getByLabel('Agent').selectOption({ label: 'support-agent' });
    await page.waitForFunction(() => document.querySelectorAll('table.instances tbody tr').length === 5);
    await page.getByLabel('Version').locator('option', { hasText: '1.0.0' }).waitFor({ state: 'attached' });
    await page.getByLabel('Version').selectOption({ label: '1.0.0' });
    await page.waitForFunction(() => document.querySelectorAll('table.instances tbody tr').length === 4);
    assert.ok(!(await shownIds(page)).includes(seeded.critical), 'the 2.0.0 run is not listed under 1.0.0');

    await page.getByLabel('Purpose').selectOption('eval');
    await page.getByText('No agent instances match these filters.').waitFor();
    await page.getByLabel('Purpose').selectOption('');
    await page.locator(`tr[data-id="${seeded.high}"]`).waitFor();
    await page.getByLabel('Environment').selectOption({ label: 'staging' });
    await page.waitForFunction(() => document.querySelectorAll('table.instances tbody tr').length === 1);
    assert.deepEqual(await shownIds(page), [seeded.low]);
    await page.getByLabel('Environment').selectOption({ label: 'default' });
    await page.getByText('No agent instances match these filters.').waitFor();
    await page.close();
  });

  it('still opens the list from a link made when it was the home page', async () => {
    const page = await s.open('/?risk_level=high,critical');
    await page.waitForFunction(() => location.pathname === '/instances');
    assert.equal(new URL(page.url()).searchParams.get('risk_level'), 'high,critical');
    await page.waitForFunction(() => document.querySelectorAll('table.instances tbody tr').length === 2);
    assert.deepEqual(new Set(await shownIds(page)), new Set([seeded.high, seeded.critical]));
    // The header's Instances link is current there, and Dashboard is the home.
    const sections = page.getByRole('navigation', { name: 'Sections' });
    assert.equal(await sections.getByRole('link', { name: 'Instances' }).getAttribute('aria-current'), 'page');
    assert.equal(await sections.getByRole('link', { name: 'Dashboard' }).getAttribute('href'), '/');
    await page.close();
  });
});
