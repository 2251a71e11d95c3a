import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { seedGovernedAgent } from '@agentspan/cli/demo';
import { expectNoSeriousViolations } from './accessibility.js';
import { CHROMIUM_PATH } from './chromium.js';
import { startViewerSession, type ViewerSession } from './viewer-session.js';

interface AlertAnswer {
  id: string;
  status: string;
  agent_instance_id: string | null;
  acknowledged_note: string | null;
}

describe('the alerts page in Chromium', { skip: CHROMIUM_PATH ? false : 'Chromium is not installed' }, () => {
  let s: ViewerSession;
  before(async () => {
    s = await startViewerSession('alerts');
    // Runs up to critical under the profile, declarations beyond it: the server opens alerts for them.
    await seedGovernedAgent(s.admin);
  });
  after(async () => {
    await s?.close();
  });

  it('lists open alerts linking to their run, acknowledges one with a note by keyboard, then lists it as acknowledged', async () => {
    const open = (await s.call('GET', '/api/v1/alerts?status=open')).body.summaries as AlertAnswer[];
    assert.ok(open.length > 0, 'the seeded critical run opens an alert');
    const alert = open.find((a) => a.agent_instance_id !== null)!;
    const page = await s.open('/alerts');
    const row = page.locator(`tr[data-id="${alert.id}"]`);
    await row.waitFor();
    assert.equal(await page.locator('tbody tr').count(), open.length);
    assert.equal(await row.getByRole('link', { name: alert.agent_instance_id! }).getAttribute('href'), `/instances/${alert.agent_instance_id}/risk`);
    await expectNoSeriousViolations(page);
    await page.screenshot({ path: '/tmp/shot-alerts.png', fullPage: true });

    await row.getByRole('button', { name: `Acknowledge alert ${alert.id}` }).focus();
    await page.keyboard.press('Enter');
    await row.getByLabel('Note (optional)').fill('expected: quarterly CRM export');
    await row.getByLabel('Note (optional)').press('Enter');
    await row.waitFor({ state: 'detached' });
    const stored = ((await s.call('GET', '/api/v1/alerts?status=acknowledged')).body.summaries as AlertAnswer[]).find((a) => a.id === alert.id);
    assert.equal(stored?.acknowledged_note, 'expected: quarterly CRM export');

    await page.getByRole('tab', { name: 'Acknowledged' }).click();
    await page.locator(`tr[data-id="${alert.id}"]`).getByText('expected: quarterly CRM export').waitFor();
    assert.equal(new URL(page.url()).searchParams.get('status'), 'acknowledged');
    await expectNoSeriousViolations(page);
    await page.close();
  });
});
