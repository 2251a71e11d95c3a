import { Command, InvalidArgumentError } from 'commander';
import type { Analytics, AnalyticsDimension, AnalyticsMeasure, AnalyticsRow, AnalyticsView } from '@agentspan/client';
import { parseTimestamp } from '@agentspan/server';
import { apiOptions, withClient, type ApiFlags } from '../terminal/api-client.js';
import { alignedTable } from '../terminal/text-table.js';
import { choiceOf, nonEmpty } from './option-parsers.js';

/** What `--by` groups by: the analytics view it reads (a run has no one model or span type) and the dimension. */
const GROUPINGS = {
  agent: { view: 'runs', dimension: 'agent_id', title: 'AGENT' },
  environment: { view: 'runs', dimension: 'environment_id', title: 'ENVIRONMENT' },
  model: { view: 'spans', dimension: 'model', title: 'MODEL' },
  'span-type': { view: 'spans', dimension: 'span_type', title: 'SPAN TYPE' },
} as const satisfies Record<string, { view: AnalyticsView; dimension: AnalyticsDimension; title: string }>;
type Grouping = keyof typeof GROUPINGS;

const UNITS_MS = { m: 60_000, h: 3_600_000, d: 86_400_000, w: 604_800_000 } as const;

/**
 * `--since`: an age back from now (`30m`, `24h`, `7d`, `2w`) or an ISO-8601 date or date-time; the
 * start of the range as an ISO-8601 instant.
 */
export function sinceStart(value: string, now = Date.now()): string {
  const age = /^(\d{1,6})([mhdw])$/.exec(value.trim());
  if (age) return new Date(now - Number(age[1]) * UNITS_MS[age[2] as keyof typeof UNITS_MS]).toISOString();
  try {
    return parseTimestamp(value, 'since');
  } catch {
    throw new InvalidArgumentError(
      `expected an age such as 30m, 24h, 7d or 2w, or an ISO-8601 date-time such as 2026-01-31T12:00:00Z, got "${value}"`,
    );
  }
}

interface StatsFlags extends ApiFlags {
  agent?: string;
  /** The start of the range, as `sinceStart` read the flag. */
  since?: string;
  by: Grouping;
  json?: boolean;
}

const MEASURES = ['errors', 'error_rate', 'duration_p50', 'duration_p95', 'total_tokens', 'cost_usd'] as const;

const num = (row: AnalyticsRow, key: string) => (typeof row[key] === 'number' ? row[key] : null);

function durationText(ms: number | null): string {
  if (ms === null) return '-';
  if (ms < 1000) return `${Math.round(ms)}ms`;
  if (ms < 60_000) return `${(ms / 1000).toFixed(2)}s`;
  return `${Math.floor(ms / 60_000)}m${String(Math.round((ms % 60_000) / 1000)).padStart(2, '0')}s`;
}

/** Cost in USD; `unpriced` when the tokens have no price (never $0), `*` when unpriced models are left out of a sum. */
function costText(row: AnalyticsRow): string {
  const cost = num(row, 'cost_usd');
  const unpriced = Array.isArray(row.unpriced_models) && row.unpriced_models.length > 0;
  if (cost === null) return unpriced ? 'unpriced' : '-';
  // Three significant digits below a dollar: a run's cost is often a fraction of a cent.
  const usd = cost === 0 ? '0.00' : cost < 1 ? cost.toPrecision(3) : cost.toFixed(2);
  return `$${usd}${unpriced ? '*' : ''}`;
}

function cells(label: string, row: AnalyticsRow, count: string): string[] {
  const rate = num(row, 'error_rate');
  return [
    label,
    String(num(row, count) ?? 0),
    String(num(row, 'errors') ?? 0),
    rate === null ? '-' : `${(rate * 100).toFixed(1)}%`,
    durationText(num(row, 'duration_p50')),
    durationText(num(row, 'duration_p95')),
    String(num(row, 'total_tokens') ?? 0),
    costText(row),
  ];
}

/** The answer as a table: a row per group, the totals, and which models the costs leave out. */
export function statsTable(answer: Analytics, by: Grouping): string {
  const { view, dimension, title } = GROUPINGS[by];
  const count = view;
  const lines = [
    alignedTable([
      [title, count.toUpperCase(), 'ERRORS', 'ERROR RATE', 'P50', 'P95', 'TOKENS', 'COST'],
      ...answer.rows.map((row) => cells(row[dimension] === null ? '(no model)' : String(row[dimension]), row, count)),
      cells('TOTAL', answer.totals, count),
    ]),
    `${view} since ${answer.from.slice(0, 16).replace('T', ' ')} UTC; cost at the prices current now (${answer.priced_at.slice(0, 19).replace('T', ' ')} UTC)`,
  ];
  if (answer.unpriced_models.length > 0) {
    lines.push(
      `* leaves out the tokens of unpriced models: ${answer.unpriced_models.join(', ')} (agentspan prices set <model> --input <usd> --output <usd>)`,
    );
  }
  return lines.join('\n');
}

/** `agentspan stats`: runs or spans, errors, latency, tokens and cost, grouped, from GET /api/v1/analytics. */
export function statsCommand() {
  const command = new Command('stats')
    .description('errors, latency p50/p95, tokens and cost per agent, environment, model or span type (GET /api/v1/analytics)')
    .option('--agent <id>', 'only this agent', nonEmpty('--agent'))
    .option('--since <age>', 'how far back: 30m, 24h, 7d (the default), 2w, or an ISO-8601 date-time', (value: string) => sinceStart(value))
    .option('--by <dimension>', `group by ${Object.keys(GROUPINGS).join(', ')}`, choiceOf(Object.keys(GROUPINGS) as Grouping[]), 'agent')
    .option('--json', 'print the answer as JSON');
  for (const option of apiOptions()) command.addOption(option);
  return command.action((flags: StatsFlags) => {
    const from = flags.since ?? sinceStart('7d');
    return withClient(flags, async (client) => {
      const { view, dimension } = GROUPINGS[flags.by];
      const measures: AnalyticsMeasure[] = [view, ...MEASURES];
      const answer = await client.analytics.query({
        view,
        measures,
        by: [dimension],
        from,
        ...(flags.agent === undefined ? {} : { agent_id: flags.agent }),
      });
      process.stdout.write(`${flags.json ? JSON.stringify(answer, null, 2) : statsTable(answer, flags.by)}\n`);
    });
  });
}
