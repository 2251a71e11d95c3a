// What `GET /agent?include_summary=true` adds to each agent of a page: a list of agents shown in
// one request instead of several per row. Each summary reads only its own agent's runs, through
// the indexes the instance list and the activity chart use, so a page costs the same in an
// account of ten agents as in one of a thousand.
import { DEFAULT_ACTIVITY_RANGE_MS, type AgentSummary } from '@agentspan/protocol';
import { HOUR_KEY_LENGTH } from '../../store/activity-sql.js';
import type { AgentRecord } from '../../store/records.js';
import type { ReadTx } from '../../store/store.js';
import { riskDistribution } from '../risk/rollup.js';
import { scoredRuns } from '../risk/agent-rollup.js';
import { timestampFromMs, type Timestamp } from '../timestamps.js';

const HOUR_MS = 60 * 60 * 1000;

/**
 * The hours `GET /activity` counts by default at `now`: from the start of the hour 24 h ago to the
 * end of the hour holding the instant before `now` (an hour starting exactly at `now` is left out).
 */
function lastDay(now: Timestamp): { from: Timestamp; first_hour: string; end_hour: string } {
  const first = Math.floor((Date.parse(now) - DEFAULT_ACTIVITY_RANGE_MS) / HOUR_MS) * HOUR_MS;
  const current = Math.floor(Date.parse(now) / HOUR_MS) * HOUR_MS;
  const end = timestampFromMs(current) < now ? current + HOUR_MS : current;
  const from = timestampFromMs(first);
  return { from, first_hour: from.slice(0, HOUR_KEY_LENGTH), end_hour: timestampFromMs(end).slice(0, HOUR_KEY_LENGTH) };
}

/** One agent's summary at `now`, over its runs in `environmentId` when given. */
async function agentSummary(tx: ReadTx, agent: AgentRecord, environmentId: string | undefined, now: Timestamp): Promise<AgentSummary> {
  const day = lastDay(now);
  const rows = await tx.activity({
    account_id: agent.account_id,
    subject: 'runs',
    first_hour: day.first_hour,
    end_hour: day.end_hour,
    key_length: HOUR_KEY_LENGTH,
    agent_id: agent.id,
    ...(environmentId === undefined ? {} : { environment_id: environmentId }),
    by_agent: false,
  });
  let runs = 0;
  let failed = 0;
  for (const row of rows) {
    runs += row.n;
    if (row.status === 'failed') failed += row.n;
  }
  // The scored runs come newest first, in the instance list's order: the first is the last run.
  const scored = await scoredRuns(tx, agent, environmentId);
  const last = scored.runs[0];
  return {
    from: day.from,
    runs_24h: runs,
    failed_runs_24h: failed,
    last_run: last ? { id: last.id, status: last.status, started_at: last.started_at, inserted_at: last.inserted_at } : null,
    risk_distribution: riskDistribution(scored.assessments, scored.truncated),
  };
}

/** The summaries of a page of agents, by agent id. */
export async function agentSummaries(
  tx: ReadTx,
  agents: readonly AgentRecord[],
  environmentId: string | undefined,
  now: Timestamp,
): Promise<Map<string, AgentSummary>> {
  const out = new Map<string, AgentSummary>();
  for (const agent of agents) out.set(agent.id, await agentSummary(tx, agent, environmentId, now));
  return out;
}
