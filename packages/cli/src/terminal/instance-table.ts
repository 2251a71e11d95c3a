import type { ListedAgentInstance } from '@agentspan/protocol';
import { riskCell } from './risk-text.js';
import { alignedTable, timeText } from './text-table.js';

const durationText = (instance: ListedAgentInstance, now: number) => {
  if (!instance.started_at) return '-';
  const end = instance.finished_at ? Date.parse(instance.finished_at) : now;
  const ms = end - Date.parse(instance.started_at);
  if (ms < 1000) return `${ms} ms`;
  if (ms < 60_000) return `${(ms / 1000).toFixed(1)} s`;
  return `${Math.floor(ms / 60_000)} min ${Math.round((ms % 60_000) / 1000)} s`;
};

/** Instances as an aligned text table: one header line, one line each. */
export function renderInstanceTable(instances: readonly ListedAgentInstance[], now = Date.now()): string {
  const rows = [
    ['ID', 'AGENT', 'STATUS', 'STARTED (UTC)', 'DURATION', 'SPANS', 'FAILED', 'RISK'],
    ...instances.map((i) => [
      i.id,
      i.agent_name,
      i.status + (i.finished_at || !i.started_at ? '' : ' (open)'),
      timeText(i.started_at),
      durationText(i, now),
      String(i.span_counts.total),
      String(i.span_counts.failed),
      riskCell(i),
    ]),
  ];
  return alignedTable(rows);
}
