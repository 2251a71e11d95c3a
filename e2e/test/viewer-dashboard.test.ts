import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { Page } from 'playwright-core';
import { costText, countText, msText, rateText } from '../../packages/viewer/src/usage-format.js';
import { expectNoSeriousViolations } from './accessibility.js';
import { CHROMIUM_PATH } from './chromium.js';
import { UNPRICED_MODEL, seedUsageRuns, type UsageSeed } from './usage-seed.js';
import { startViewerSession, type ViewerSession } from './viewer-session.js';

type Row = Record<string, number | string | null | string[]>;
interface Answer {
  rows: Row[];
  totals: Row;
  unpriced_models: string[];
}

const num = (row: Row | undefined, name: string) => (typeof row?.[name] === 'number' ? row[name] : null);

describe('the dashboard in Chromium: its numbers are the API’s', { skip: CHROMIUM_PATH ? false : 'Chromium is not installed' }, () => {
  let s: ViewerSession;
  let seed: UsageSeed;
  before(async () => {
    s = await startViewerSession('dashboard');
    seed = await seedUsageRuns(s.url, s.token);
  });
  after(async () => {
    await s?.close();
  });

  /** The analytics answer over the last `hours`, read by the test itself (not by the page). */
  const analytics = async (params: Record<string, string>, hours = 24): Promise<Answer> => {
    const to = new Date();
    const search = new URLSearchParams({ from: new Date(to.getTime() - hours * 3_600_000).toISOString(), to: to.toISOString(), ...params });
    const { status, body } = await s.call('GET', `/api/v1/analytics?${search}`);
    assert.equal(status, 200, JSON.stringify(body));
    return body.details as Answer;
  };
  const stat = (page: Page, id: string) => page.getByTestId(`stat-${id}`).innerText();
  /** Waits until every headline number is in (none loading). */
  const settled = (page: Page) =>
    page.waitForFunction(() => Array.from(document.querySelectorAll<HTMLElement>('[data-testid^="stat-"]')).every((n) => n.textContent !== '…'));

  /** The headline numbers the API answers for these filters. */
  async function expectedStats(filters: Record<string, string>, hours = 24) {
    const runs = await analytics({ view: 'runs', measures: 'runs,errors,error_rate,duration_p50,duration_p95,duration_p99', ...filters }, hours);
    const spans = await analytics({ view: 'spans', measures: 'total_tokens,cost_usd', ...filters }, hours);
    return {
      runs: countText(num(runs.totals, 'runs')),
      'error-rate': rateText(num(runs.totals, 'error_rate')),
      p50: msText(num(runs.totals, 'duration_p50')),
      p95: msText(num(runs.totals, 'duration_p95')),
      p99: msText(num(runs.totals, 'duration_p99')),
      tokens: countText(num(spans.totals, 'total_tokens')),
      cost: costText(num(spans.totals, 'cost_usd'), spans.unpriced_models),
    };
  }
  const shownStats = async (page: Page) => {
    await settled(page);
    const shown: Record<string, string> = {};
    for (const id of ['runs', 'error-rate', 'p50', 'p95', 'p99', 'tokens', 'cost']) shown[id] = await stat(page, id);
    return shown;
  };

  /** The page's numbers once they equal `expected`, or after 10 s whatever they are (the URL changes a moment before the charts). */
  async function expectShown(page: Page, expected: Record<string, string>) {
    let shown = await shownStats(page);
    for (let i = 0; i < 100 && JSON.stringify(shown) !== JSON.stringify(expected); i++) {
      await new Promise((resolve) => setTimeout(resolve, 100));
      shown = await shownStats(page);
    }
    assert.deepEqual(shown, expected);
  }

  it('opens as the home, and shows the API’s totals, models, span types, tool calls and costliest runs', async () => {
    const page = await s.open('/');
    await page.getByRole('heading', { name: 'Dashboard', level: 1 }).waitFor();
    const expected = await expectedStats({});
    // The seed is in the answer: twelve runs, two failed, priced and unpriced tokens.
    assert.equal(expected.runs, '12');
    assert.match(expected.cost, /^\$[0-9.]+ \+ unpriced$/);
    await expectShown(page, expected);

    // Runs by status: each status's total in the legend is the API's.
    const byStatus = await analytics({ view: 'runs', measures: 'runs', by: 'status' });
    const perStatus = new Map<string, number>();
    for (const row of byStatus.rows) perStatus.set(String(row.status), (perStatus.get(String(row.status)) ?? 0) + num(row, 'runs')!);
    for (const [status, runs] of perStatus) {
      const legend = page.locator(`[data-chart="runs-by-status"] [data-series="${status}"]`);
      assert.equal(await legend.innerText(), `${status} ${countText(runs)}`);
    }
    assert.deepEqual([...perStatus.keys()].sort(), ['active', 'complete', 'failed']);

    // Top models by cost: each model's cost and tokens, in the API's order; the unpriced one says so.
    const byModel = await analytics({ view: 'spans', measures: 'cost_usd,total_tokens,spans', by: 'model', order_by: '-cost_usd', limit: '10' });
    // Spans that called no model (no tokens) are a row of their own, which the page leaves out.
    const models = { ...byModel, rows: byModel.rows.filter((r) => (num(r, 'total_tokens') ?? 0) > 0) };
    assert.equal(models.rows.length, 3);
    const rows = page.locator('[data-chart="top-models"] tbody tr');
    assert.deepEqual(
      await rows.evaluateAll((trs) => trs.map((tr) => tr.getAttribute('data-model'))),
      models.rows.map((r) => r.model),
    );
    for (const row of models.rows) {
      const cells = await page.locator(`[data-chart="top-models"] tr[data-model="${String(row.model)}"] td`).allInnerTexts();
      const cost = costText(num(row, 'cost_usd'), (row.unpriced_models as string[] | undefined) ?? []);
      assert.equal(cells[0]!.replace(/\s*set price$/, ''), cost);
      assert.equal(cells[1], countText(num(row, 'total_tokens')));
    }
    assert.deepEqual(models.unpriced_models, [UNPRICED_MODEL]);
    assert.equal(await page.locator(`[data-chart="top-models"] tr[data-model="${UNPRICED_MODEL}"] td`).first().innerText(), 'unpriced set price');

    // Latency per span type and tool calls (the span types named with "tool").
    const types = await analytics({ view: 'spans', measures: 'spans,errors,error_rate,duration_p50,duration_p95,duration_p99', by: 'span_type' });
    assert.ok(types.rows.length >= 4);
    for (const row of types.rows) {
      const type = String(row.span_type);
      const latency = await page.locator(`[data-chart="span-type-latency"] tr[data-span-type="${type}"] td`).allInnerTexts();
      assert.deepEqual(latency.slice(0, 4), [
        countText(num(row, 'spans')),
        msText(num(row, 'duration_p50')),
        msText(num(row, 'duration_p95')),
        msText(num(row, 'duration_p99')),
      ]);
    }
    const tools = types.rows.filter((r) => String(r.span_type).includes('tool'));
    assert.deepEqual(
      await page.locator('[data-chart="tool-calls"] tbody tr').evaluateAll((trs) => trs.map((tr) => tr.getAttribute('data-span-type'))),
      tools.map((r) => r.span_type),
    );
    const tool = await page.locator('[data-chart="tool-calls"] tr[data-span-type="tool:call"] td').allInnerTexts();
    const toolRow = tools[0]!;
    assert.deepEqual(tool, [
      countText(num(toolRow, 'spans')),
      countText(num(toolRow, 'errors')),
      rateText(num(toolRow, 'error_rate')),
      msText(num(toolRow, 'duration_p50')),
      msText(num(toolRow, 'duration_p95')),
    ]);
    assert.equal(num(toolRow, 'errors'), 2);

    // The costliest runs: the instance list sorted by cost, each linking to its run.
    const since = new Date(Date.now() - 24 * 3_600_000).toISOString();
    const costliest = new URLSearchParams({ 'sorting[field]': 'cost_usd', 'sorting[direction]': 'desc', 'pagination[page_size]': '10', since });
    const answer = await s.call('GET', `/api/v1/agent_instance?${costliest}`);
    assert.equal(answer.status, 200, JSON.stringify(answer.body));
    const listed = answer.body.summaries as Array<{
      id: string;
      usage: { total: number } | null;
      cost_usd: number | null;
      unpriced_models: string[];
    }>;
    const costly = listed.filter((r) => (r.usage?.total ?? 0) > 0);
    assert.deepEqual(
      await page.locator('[data-chart="costliest-runs"] tbody tr').evaluateAll((trs) => trs.map((tr) => tr.getAttribute('data-id'))),
      costly.map((r) => r.id),
    );
    const top = page.locator(`[data-chart="costliest-runs"] tr[data-id="${costly[0]!.id}"]`);
    assert.equal(await top.locator('td').last().innerText(), costText(costly[0]!.cost_usd, costly[0]!.unpriced_models));
    assert.equal(await top.getByRole('link').getAttribute('href'), `/instances/${costly[0]!.id}`);

    // The unpriced model is named, with a link to set its price.
    const notice = page.getByTestId('unpriced-models');
    assert.match(await notice.innerText(), new RegExp(UNPRICED_MODEL));
    assert.equal(await notice.getByRole('link', { name: 'set its price' }).getAttribute('href'), `/prices?model=${UNPRICED_MODEL}`);
    await expectNoSeriousViolations(page);
    await page.close();
  });

  it('follows the time range, the agent filter and the environment, from the keyboard', async () => {
    const page = await s.open('/');
    await settled(page);
    await page.getByRole('radio', { name: '24 hours' }).focus();
    await page.keyboard.press('ArrowRight');
    await page.waitForFunction(() => new URL(location.href).searchParams.get('range') === '7d');
    assert.equal(await page.getByRole('radio', { name: '7 days' }).isChecked(), true);
    await expectShown(page, await expectedStats({}, 24 * 7));

    // The agent filter: billing-agent's four runs, all Claude (priced: no "unpriced").
    // Agents are listed by name: billing-agent is the first after "All agents".
    await page.getByLabel('Agent').focus();
    await page.keyboard.press('ArrowDown');
    await page.waitForFunction((id) => new URL(location.href).searchParams.get('agent_id') === id, seed.agents.billing);
    const billing = await expectedStats({ agent_id: seed.agents.billing }, 24 * 7);
    assert.equal(billing.runs, '4');
    assert.doesNotMatch(billing.cost, /unpriced/);
    await expectShown(page, billing);
    // A reload keeps the scope: it lives in the URL.
    await page.reload();
    await expectShown(page, billing);

    // Another environment has no runs: the charts say so instead of drawing zeros.
    const { body } = await s.call('POST', '/api/v1/environment', { details: { name: 'empty-env', purpose: 'staging' } });
    await page.reload();
    await page.getByRole('combobox', { name: 'Environment' }).selectOption({ label: 'empty-env' });
    await page.waitForFunction((id) => new URL(location.href).searchParams.get('environment_id') === id, (body.details as { id: string }).id);
    const empty = await expectedStats({ agent_id: seed.agents.billing, environment_id: (body.details as { id: string }).id }, 24 * 7);
    await expectShown(page, empty);
    assert.match(empty.runs, /^(0|–)$/);
    await page.locator('[data-chart="runs-by-status"]').getByText('No runs in this range.').waitFor();
    await expectNoSeriousViolations(page);
    await page.close();
  });

  it('sets an unpriced model’s price from its link, and the cost follows', async () => {
    const page = await s.open('/');
    await settled(page);
    const before = await expectedStats({});
    await page.getByTestId('unpriced-models').getByRole('link', { name: 'set its price' }).focus();
    await page.keyboard.press('Enter');
    await page.getByRole('heading', { name: 'Model prices', level: 1 }).waitFor();
    assert.equal(await page.getByLabel('Model id').inputValue(), UNPRICED_MODEL);
    await expectNoSeriousViolations(page);
    // A wrong value is explained beside its field before anything is sent.
    await page.getByLabel('Input $/1M').fill('-1');
    await page.getByRole('button', { name: 'Save price' }).click();
    assert.match(await page.locator('#price-input-error').innerText(), /from 0 to/);
    await page.getByLabel('Input $/1M').fill('0.5');
    await page.getByLabel('Output $/1M').focus();
    await page.keyboard.type('1.5');
    await page.keyboard.press('Enter');
    assert.match(await page.getByRole('status').innerText(), /re-prices/);
    await page.locator(`table.prices tr[data-model="${UNPRICED_MODEL}"][data-source="account"]`).waitFor();

    await page.getByRole('navigation', { name: 'Sections' }).getByRole('link', { name: 'Dashboard' }).click();
    const after = await expectedStats({});
    assert.doesNotMatch(after.cost, /unpriced/);
    assert.notEqual(after.cost, before.cost);
    await expectShown(page, after);
    assert.equal(await page.getByTestId('unpriced-models').count(), 0);
    await page.close();
  });

  it('shows a run’s tokens and cost on the instance list and its page, as the API answers them', async () => {
    const run = seed.runs[5]!;
    const { body } = await s.call('GET', `/api/v1/agent_instance/${run}`);
    const instance = body.details as { usage: { total: number }; cost_usd: number | null; unpriced_models: string[] };
    assert.ok(instance.usage.total > 0);
    const page = await s.open(`/instances?agent_id=${seed.agents.billing}`);
    const row = page.locator(`table.instances tr[data-id="${run}"] td`);
    await row.first().waitFor();
    const cells = await row.allInnerTexts();
    assert.deepEqual(cells.slice(-2), [countText(instance.usage.total), costText(instance.cost_usd, instance.unpriced_models)]);
    await page.locator(`table.instances tr[data-id="${run}"]`).getByRole('link').focus();
    await page.keyboard.press('Enter');
    await page.getByTestId('instance-cost').waitFor();
    assert.equal(await page.getByTestId('instance-cost').innerText(), costText(instance.cost_usd, instance.unpriced_models));
    assert.match(await page.getByTestId('instance-tokens').innerText(), new RegExp(`^${countText(instance.usage.total)} \\(`));
    await expectNoSeriousViolations(page);
    await page.close();
  });

  it('shows a model call’s tokens and cost in its span detail, as the API answers them', async () => {
    for (const run of [seed.runs[5]!, seed.runs[3]!]) {
      const { status, body } = await s.call('GET', `/api/v1/agent_spans?agent_instance_id=${run}&include_usage=true&include_payloads=false`);
      assert.equal(status, 200, JSON.stringify(body));
      type Listed = {
        id: string;
        schema_name: string;
        usage: Record<string, number | string | boolean | null> | null;
        cost_usd: number | null;
        unpriced_models: string[];
      };
      const spans = body.details as Listed[];
      const call = spans.find((span) => span.schema_name === 'llm:call')!;
      const tool = spans.find((span) => span.schema_name === 'tool:call')!;
      assert.ok(call.usage && (call.usage.total as number) > 0);
      const page = await s.open(`/instances/${run}?span=${call.id}`);
      const detail = page.getByRole('complementary', { name: 'Span detail' });
      const usage = detail.getByRole('region', { name: 'Tokens and cost' });
      await usage.waitFor();
      assert.equal(await usage.getByTestId('span-model').innerText(), call.usage.model);
      for (const type of ['input', 'output', 'cache_read', 'cache_write', 'reasoning', 'total']) {
        assert.equal(await usage.getByTestId(`span-tokens-${type}`).innerText(), countText(call.usage[type] as number), type);
      }
      assert.equal(await usage.getByTestId('span-cost').innerText(), costText(call.cost_usd, call.unpriced_models));
      await expectNoSeriousViolations(page);
      // A span that called no model shows no tokens.
      await page.locator(`[data-id="${tool.id}"]`).click();
      await detail.getByText('crm_lookup').first().waitFor();
      assert.equal(tool.usage, null);
      assert.equal(await detail.getByRole('region', { name: 'Tokens and cost' }).count(), 0);
      await page.close();
    }
  });
});
