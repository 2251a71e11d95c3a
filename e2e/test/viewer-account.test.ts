import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { expectNoSeriousViolations } from './accessibility.js';
import { CHROMIUM_PATH } from './chromium.js';
import { startViewerSession, type ViewerSession } from './viewer-session.js';

describe('the account page in Chromium', { skip: CHROMIUM_PATH ? false : 'Chromium is not installed' }, () => {
  let s: ViewerSession;
  before(async () => {
    s = await startViewerSession('account');
  });
  after(async () => {
    await s?.close();
  });

  it('creates a token shown once, then revokes it and sees the API refuse it, then deletes it', async () => {
    const page = await s.open('/account');
    const tokens = page.getByRole('region', { name: 'API tokens' });
    await tokens.locator('tbody tr').first().waitFor();
    const before = await tokens.locator('tbody tr').count();
    await tokens.getByRole('button', { name: 'Create token' }).click();
    const secret = await page.getByTestId('new-token').innerText();
    assert.match(secret, /\S{20,}/);
    assert.equal((await s.call('GET', '/api/v1/account', undefined, secret)).status, 200);
    await tokens.locator('tbody tr').nth(before).waitFor();
    const created = (await s.call('GET', '/api/v1/api_token?pagination[page_size]=100&sorting[field]=inserted_at')).body.summaries as Array<{
      id: string;
      created_by: string | null;
    }>;
    const id = created[created.length - 1]!.id;
    const row = tokens.locator(`tr[data-id="${id}"]`);
    assert.match(await row.innerText(), /account\s+active/);
    await expectNoSeriousViolations(page);
    await page.screenshot({ path: '/tmp/shot-account.png', fullPage: true });

    // Keyboard: Suspend by Enter, then Revoke.
    await row.getByRole('button', { name: `Suspend ${id}` }).focus();
    await page.keyboard.press('Enter');
    await row.getByRole('button', { name: `Activate ${id}` }).waitFor();
    assert.equal((await s.call('GET', '/api/v1/account', undefined, secret)).status, 401);
    await row.getByRole('button', { name: `Activate ${id}` }).click();
    await row.getByRole('button', { name: `Revoke ${id}` }).waitFor();
    assert.equal((await s.call('GET', '/api/v1/account', undefined, secret)).status, 200);
    await row.getByRole('button', { name: `Revoke ${id}` }).click();
    await row.getByTestId('token-status').getByText('revoked').waitFor();
    assert.equal((await s.call('GET', '/api/v1/account', undefined, secret)).status, 401);
    await row.getByRole('button', { name: `Delete ${id}` }).click();
    await row.waitFor({ state: 'detached' });
    assert.equal((await s.call('GET', `/api/v1/api_token/${id}`)).status, 404);
    await page.close();
  });

  it('renames the account, creates and edits an environment, and shows why one in use cannot be deleted', async () => {
    const page = await s.open('/account');
    await page.getByLabel('Account name').fill('Acme support');
    await page.getByRole('button', { name: 'Rename' }).click();
    await page.getByText('Saved.').waitFor();
    assert.equal(((await s.call('GET', '/api/v1/account')).body.summaries as Array<{ name: string }>)[0]!.name, 'Acme support');

    const environments = page.getByRole('region', { name: 'Environments' });
    await environments.getByRole('button', { name: 'New environment' }).click();
    await environments.getByRole('button', { name: 'Create environment' }).click();
    assert.equal(await environments.getByText('give the environment a name').count(), 1);
    await environments.getByLabel('Name').fill('staging');
    await environments.getByLabel('Purpose').selectOption('staging');
    await environments.getByLabel('Description').fill('pre-release checks');
    await environments.getByRole('button', { name: 'Create environment' }).click();
    await environments.getByRole('rowheader', { name: 'staging' }).waitFor();

    await environments.getByRole('button', { name: 'Edit staging' }).click();
    await environments.getByLabel('Description').fill('release candidates');
    await environments.getByRole('button', { name: 'Save' }).click();
    await environments.getByText('release candidates').waitFor();

    await environments.getByRole('button', { name: 'Delete default' }).click();
    const refusal = environments.getByRole('alert');
    await refusal.waitFor();
    const api = await s.call('DELETE', `/api/v1/environment/${s.account.environmentId}`);
    assert.equal(api.status, 409);
    assert.equal(await refusal.innerText(), api.body.message);
    await expectNoSeriousViolations(page);

    await environments.getByRole('button', { name: 'Delete staging' }).click();
    await environments.getByRole('rowheader', { name: 'staging' }).waitFor({ state: 'detached' });
    await page.close();
  });
});
